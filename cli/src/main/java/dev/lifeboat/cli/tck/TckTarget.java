package dev.lifeboat.cli.tck;

import dev.lifeboat.spi.BackendProvider;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * The store the kit's contracts run against in this JVM: a base URI (each test gets a fresh root
 * under it) and the options a user gave. {@link Tck} sets it before it launches the contracts and
 * clears it after; the contract classes read it.
 */
final class TckTarget {
    private static volatile URI base;
    private static volatile Map<String, String> options = Map.of();

    private TckTarget() {}

    static void set(URI uri, Map<String, String> opts) {
        base = Objects.requireNonNull(uri, "uri");
        options = Map.copyOf(Objects.requireNonNull(opts, "opts"));
    }

    static void clear() {
        base = null;
        options = Map.of();
    }

    static URI base() {
        URI b = base;
        if (b == null) {
            throw new IllegalStateException("no tck target: these contracts are run by 'lifeboat tck <uri>'");
        }
        return b;
    }

    /** A fresh location under the base URI: {@code <base>/tck-<random>}. */
    static URI newRoot() {
        return child(base(), "tck-" + UUID.randomUUID().toString().substring(0, 13));
    }

    static URI child(URI base, String name) {
        String s = base.toString();
        while (s.endsWith("/") && !s.endsWith(":/") && !s.endsWith("://")) {
            s = s.substring(0, s.length() - 1);
        }
        return URI.create(s + (s.endsWith("/") ? "" : "/") + name);
    }

    /** The user's options that {@code provider} accepts (one option list serves every contract). */
    static Map<String, String> optionsFor(BackendProvider<?> provider) {
        Map<String, String> accepted = new LinkedHashMap<>();
        options.forEach((k, v) -> {
            if (accepts(provider, k)) {
                accepted.put(k, v);
            }
        });
        return accepted;
    }

    static boolean accepts(BackendProvider<?> provider, String key) {
        return provider.options().stream().anyMatch(spec -> spec.accepts(key));
    }
}
