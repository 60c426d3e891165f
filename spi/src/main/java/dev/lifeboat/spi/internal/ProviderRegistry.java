package dev.lifeboat.spi.internal;

import dev.lifeboat.spi.BackendProvider;
import dev.lifeboat.spi.OptionSpec;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The providers of one contract found by {@link ServiceLoader}, keyed by scheme. Not API.
 *
 * <p>A provider that fails to load is remembered and reported, without hiding the others.
 */
public final class ProviderRegistry<P extends BackendProvider<?>> {
    /** The artifact to add for each scheme Lifeboat ships, for "no provider" messages. */
    private static final Map<String, String> ARTIFACTS = Map.of(
            "file", "dev.lifeboat:lifeboat-backend-local",
            "hdfs", "dev.lifeboat:lifeboat-backend-hadoop",
            "hadoop", "dev.lifeboat:lifeboat-backend-hadoop",
            "chronicle", "dev.lifeboat:lifeboat-backend-chronicle",
            "s3", "dev.lifeboat:lifeboat-backend-s3",
            "azblob", "dev.lifeboat:lifeboat-backend-azure",
            "zk", "dev.lifeboat:lifeboat-backend-zookeeper");

    private final Class<P> type;
    private final String contract;
    private final Map<String, P> byScheme;
    private final List<String> broken;

    private ProviderRegistry(Class<P> type, String contract, Map<String, P> byScheme, List<String> broken) {
        this.type = type;
        this.contract = contract;
        this.byScheme = byScheme;
        this.broken = broken;
    }

    /**
     * Loads every provider of {@code type} visible to {@code loader}.
     *
     * @throws IllegalStateException if two providers serve one scheme, naming both classes
     */
    public static <P extends BackendProvider<?>> ProviderRegistry<P> load(
            Class<P> type, String contract, ClassLoader loader) {
        Map<String, P> byScheme = new TreeMap<>();
        List<String> broken = new ArrayList<>();
        var iterator = ServiceLoader.load(type, loader).iterator();
        while (true) {
            P provider;
            try {
                if (!iterator.hasNext()) {
                    break;
                }
                provider = iterator.next();
            } catch (ServiceConfigurationError e) {
                broken.add(e.getMessage());
                continue;
            }
            String scheme = provider.scheme().toLowerCase(Locale.ROOT);
            P previous = byScheme.putIfAbsent(scheme, provider);
            if (previous != null && previous.getClass() != provider.getClass()) {
                throw new IllegalStateException("Two " + contract + " providers serve the scheme '" + scheme
                        + "': " + previous.getClass().getName() + " and "
                        + provider.getClass().getName()
                        + ". Remove one of them from the class path.");
            }
        }
        return new ProviderRegistry<>(type, contract, byScheme, broken);
    }

    /**
     * The provider for {@code uri}'s scheme.
     *
     * @throws NullPointerException if {@code uri} is null
     * @throws IllegalArgumentException if the URI has no scheme or no provider serves it; the
     *     message lists the schemes found and the artifact to add
     */
    public P forUri(URI uri) {
        if (uri == null) {
            throw new NullPointerException("uri is null");
        }
        if (uri.getScheme() == null) {
            throw new IllegalArgumentException("The " + contract + " URI '" + uri
                    + "' has no scheme; use for example file:///var/lib/app/" + contract.replace(' ', '-'));
        }
        return forScheme(uri.getScheme());
    }

    public P forScheme(String rawScheme) {
        String scheme = rawScheme.toLowerCase(Locale.ROOT);
        P provider = byScheme.get(scheme);
        if (provider != null) {
            return provider;
        }
        StringBuilder message = new StringBuilder("No " + contract + " provider serves the scheme '" + scheme
                + "'. Schemes found: " + (byScheme.isEmpty() ? "none" : String.join(", ", byScheme.keySet())) + ".");
        String artifact = ARTIFACTS.get(scheme);
        if (artifact != null) {
            message.append(" Add ").append(artifact).append(" to the class path.");
        } else {
            message.append(" Add a jar that registers ")
                    .append(type.getName())
                    .append(" for '")
                    .append(scheme)
                    .append("' in META-INF/services.");
        }
        if (!broken.isEmpty()) {
            message.append(" Providers that failed to load: ").append(String.join("; ", broken));
        }
        throw new IllegalArgumentException(message.toString());
    }

    public Map<String, P> providers() {
        return Map.copyOf(byScheme);
    }

    /**
     * Rejects keys no spec of {@code provider} accepts.
     *
     * @throws NullPointerException if {@code options} is null or holds a null key or value
     * @throws IllegalArgumentException naming every unknown key and the accepted keys
     */
    public static void checkKeys(BackendProvider<?> provider, Map<String, String> options) {
        if (options == null) {
            throw new NullPointerException("options is null; pass Map.of() for none");
        }
        options.forEach((k, v) -> { // before anything compares keys
            if (k == null) {
                throw new NullPointerException("options hold a null key (with value '" + v + "')");
            }
            if (v == null) {
                throw new NullPointerException("option '" + k + "' has a null value");
            }
        });
        List<OptionSpec> specs = provider.options();
        List<String> unknown = options.keySet().stream()
                .filter(k -> specs.stream().noneMatch(s -> s.accepts(k)))
                .sorted()
                .collect(Collectors.toList());
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("Unknown option" + (unknown.size() > 1 ? "s " : " ")
                    + unknown.stream().map(k -> "'" + k + "'").collect(Collectors.joining(", "))
                    + " for scheme '" + provider.scheme() + "' ("
                    + provider.getClass().getSimpleName()
                    + "). Accepted: "
                    + specs.stream().map(OptionSpec::displayKey).sorted().collect(Collectors.joining(", ")));
        }
    }
}
