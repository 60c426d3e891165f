package dev.lifeboat.spi;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What every provider of a Lifeboat contract has in common. A provider is found with
 * {@link java.util.ServiceLoader}, has a public no-argument constructor, and is chosen by the
 * scheme of a URI ({@code file}, {@code hdfs}, {@code s3}, {@code zk}, ...).
 *
 * <p>Providers are cheap and stateless: they must not connect to anything until {@link #open}.
 *
 * @param <T> what {@link #open} returns
 */
public interface BackendProvider<T extends AutoCloseable> {
    /** The URI scheme this provider serves, in lower case. */
    String scheme();

    /** The guarantees every instance this provider opens keeps. */
    Set<Capability> capabilities();

    /**
     * The option keys {@link #open} accepts. {@link Lifeboat} rejects any other key before
     * calling {@code open}, so implementations only validate values.
     */
    List<OptionSpec> options();

    /**
     * Opens an instance on {@code uri}.
     *
     * @param uri a URI with this provider's scheme; what its authority and path mean is the
     *     provider's to document
     * @param options values for keys of {@link #options()}; absent keys take their defaults
     * @throws IllegalArgumentException if the URI or an option value is invalid; the message
     *     names every bad value and what is accepted
     * @throws IOException if the storage cannot be reached or opened
     */
    T open(URI uri, Map<String, String> options) throws IOException;
}
