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
 * The settings of a local leader election.
 *
 * @param root the group's absolute directory
 * @param group the group's name in {@link dev.lifeboat.spi.election.Leadership}s: the URI as given
 * @param pollInterval how often a candidate that does not lead tries to take the lock, and a
 *     leader checks that it still holds it
 */
public record LocalElectionSettings(Path root, String group, Duration pollInterval) {
    /** Option key: how often candidates try to take the lock. */
    public static final String POLL_INTERVAL = "poll-interval";

    /** The options a local leader election accepts. */
    public static final List<OptionSpec> OPTIONS = List.of(OptionSpec.of(
            POLL_INTERVAL,
            "100ms",
            "how often a candidate tries to take the leader lock, and a leader checks it still holds it (1ms..1m)"));

    /** Added to the poll interval in {@code failoverTimeout()}: taking the lock and writing the epoch. */
    public static final Duration FAILOVER_MARGIN = Duration.ofSeconds(1);

    public LocalElectionSettings {
        requireNonNull(root, "root is null");
        requireNonNull(group, "group is null");
        requireNonNull(pollInterval, "pollInterval is null");
        if (!root.isAbsolute()) {
            throw new IllegalArgumentException("root is not absolute: " + root);
        }
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("pollInterval must be positive: " + pollInterval);
        }
    }

    /**
     * Parses a URI and options.
     *
     * @throws IllegalArgumentException naming every bad value
     */
    public static LocalElectionSettings of(URI uri, Map<String, String> options) {
        Path root = LocalUris.directory("leader election", uri);
        Options o = Options.of(LocalUris.SCHEME, options, OPTIONS);
        Duration poll = o.duration(POLL_INTERVAL, Duration.ofMillis(1), Duration.ofMinutes(1));
        o.validate();
        return new LocalElectionSettings(root, uri.toString(), poll);
    }

    /** The longest time from a leader's death until another candidate leads. */
    public Duration failoverTimeout() {
        return pollInterval.plus(FAILOVER_MARGIN);
    }
}
