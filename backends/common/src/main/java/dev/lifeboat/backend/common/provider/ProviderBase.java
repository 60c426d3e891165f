package dev.lifeboat.backend.common.provider;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.spi.Capability;
import dev.lifeboat.spi.OptionSpec;
import java.util.List;
import java.util.Set;

/**
 * The part of a {@link dev.lifeboat.spi.BackendProvider} that is only data: the URI scheme it
 * serves, the capabilities it declares and the options it takes, fixed when it is created. A
 * provider extends this, implements its SPI interface (whose {@code scheme()},
 * {@code capabilities()} and {@code options()} these methods are) and writes only
 * {@code open} (and {@code faults} where it injects faults). {@link java.util.ServiceLoader} still
 * creates it by its own public no-argument constructor.
 */
public abstract class ProviderBase {
    private final String scheme;
    private final Set<Capability> capabilities;
    private final List<OptionSpec> options;

    protected ProviderBase(String scheme, Set<Capability> capabilities, List<OptionSpec> options) {
        this.scheme = requireNonNull(scheme, "scheme");
        this.capabilities = Set.copyOf(requireNonNull(capabilities, "capabilities"));
        this.options = List.copyOf(requireNonNull(options, "options"));
    }

    /** The URI scheme this provider serves. */
    public final String scheme() {
        return scheme;
    }

    /** The capabilities every instance this provider opens keeps. */
    public final Set<Capability> capabilities() {
        return capabilities;
    }

    /** The options {@code open} accepts. */
    public final List<OptionSpec> options() {
        return options;
    }
}
