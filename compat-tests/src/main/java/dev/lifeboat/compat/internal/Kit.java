package dev.lifeboat.compat.internal;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lifeboat.spi.BackendProvider;
import dev.lifeboat.spi.Capability;
import dev.lifeboat.spi.fault.StorageFaults;
import dev.lifeboat.spi.fault.SupportsFaultInjection;
import java.io.IOException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.LongStream;

/** What the four contracts share: options, capability skips, fault injection. Not API. */
public final class Kit {
    private Kit() {}

    /** {@code base} with {@code extra} on top, in a new mutable map. */
    public static Map<String, String> merge(Map<String, String> base, Map<String, String> extra) {
        Map<String, String> all = new LinkedHashMap<>(base);
        all.putAll(extra);
        return all;
    }

    /** Skips the calling test unless {@code provider} declares {@code capability}. */
    public static void assumeCapability(BackendProvider<?> provider, Capability capability) {
        assumeTrue(provider.capabilities().contains(capability), "backend does not declare " + capability);
    }

    /** The provider's fault injection for {@code root}; skips the calling test if it has none. */
    public static StorageFaults faults(BackendProvider<?> provider, URI root, Map<String, String> options)
            throws IOException {
        assumeTrue(
                provider instanceof SupportsFaultInjection,
                "backend does not support fault injection ("
                        + provider.getClass().getSimpleName() + " does not implement SupportsFaultInjection)");
        return ((SupportsFaultInjection) provider).faults(root, options);
    }

    /** System property with the rounds of the long fault loops; the root pom's {@code -Psoak} sets it. */
    public static final String SOAK_ROUNDS_PROPERTY = "lifeboat.soak.rounds";

    /**
     * Rounds {@code 1..n} of a long fault loop: {@code n} is {@value #SOAK_ROUNDS_PROPERTY} when set
     * (200 under {@code -Psoak}), else {@code defaultRounds}.
     */
    public static LongStream rounds(int defaultRounds) {
        int n = Integer.getInteger(SOAK_ROUNDS_PROPERTY, defaultRounds);
        if (n < 1) {
            throw new IllegalArgumentException(SOAK_ROUNDS_PROPERTY + " must be at least 1: " + n);
        }
        return LongStream.rangeClosed(1, n);
    }

    /** Whether a name in an error or report denotes the stored object named {@code stored}. */
    public static boolean sameObject(String reported, String stored) {
        return reported.equals(stored) || stored.endsWith("/" + reported) || reported.endsWith("/" + stored);
    }
}
