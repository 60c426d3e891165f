package dev.lifeboat.backend.local.internal;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.spi.OptionSpec;
import dev.lifeboat.spi.Options;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The settings of a local checkpoint store.
 *
 * @param root the store's absolute root directory
 * @param lockTimeout how long a commit, delete or garbage collection waits for the commit lock
 *     held by another thread or process before failing
 */
public record LocalCheckpointSettings(Path root, Duration lockTimeout) {
    /** Option key: how long to wait for the commit lock. */
    public static final String LOCK_TIMEOUT = "lock-timeout";

    /** The options a local checkpoint store accepts. */
    public static final List<OptionSpec> OPTIONS = List.of(OptionSpec.of(
            LOCK_TIMEOUT,
            "30s",
            "how long a commit, delete or garbage collection waits for the store's commit lock (1ms..1h)"));

    public LocalCheckpointSettings {
        requireNonNull(root, "root is null");
        requireNonNull(lockTimeout, "lockTimeout is null");
        if (!root.isAbsolute()) {
            throw new IllegalArgumentException("root is not absolute: " + root);
        }
        if (lockTimeout.isNegative() || lockTimeout.isZero()) {
            throw new IllegalArgumentException("lockTimeout must be positive: " + lockTimeout);
        }
    }

    /**
     * Parses a URI and options.
     *
     * @throws IllegalArgumentException naming every bad value
     */
    public static LocalCheckpointSettings of(URI uri, Map<String, String> options) {
        Path root = LocalUris.directory("checkpoint store", uri);
        Options o = Options.of(LocalUris.SCHEME, options, OPTIONS);
        Duration lockTimeout = o.duration(LOCK_TIMEOUT, Duration.ofMillis(1), Duration.ofHours(1));
        o.validate();
        return new LocalCheckpointSettings(root, lockTimeout);
    }
}
