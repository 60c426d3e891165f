package dev.lifeboat.backend.s3.internal;

import dev.lifeboat.spi.OptionSpec;
import dev.lifeboat.spi.Options;
import java.time.Duration;
import java.util.List;

/**
 * The lease options shared by the write-ahead log (the writer's lease) and leader election.
 *
 * @param duration a holder that has not renewed for this long is replaced
 * @param renewInterval how often the holder renews and waiters poll
 */
public record LeaseOptions(Duration duration, Duration renewInterval) {
    public static final String LEASE_DURATION = "lease-duration";
    public static final String RENEW_INTERVAL = "renew-interval";

    /** The option specs, with defaults described for {@code holder} ("leader", "writer"). */
    public static List<OptionSpec> specs(String holder) {
        return List.of(
                OptionSpec.of(
                        LEASE_DURATION,
                        "15s",
                        "a " + holder + " that has not renewed its lease for this long" + " is replaced"),
                OptionSpec.of(
                        RENEW_INTERVAL,
                        "3s",
                        "how often the " + holder + " renews its lease and others poll it"
                                + " (at most a third of lease-duration)"));
    }

    /** Reads both keys; errors are collected in {@code o}. */
    public static LeaseOptions from(Options o) {
        Duration lease = o.duration(LEASE_DURATION, Duration.ofMillis(300), Duration.ofHours(1));
        Duration renew = o.duration(RENEW_INTERVAL, Duration.ofMillis(50), Duration.ofMinutes(20));
        if (renew.multipliedBy(3).compareTo(lease) > 0) {
            o.error(
                    RENEW_INTERVAL,
                    o.raw(RENEW_INTERVAL).orElse(""),
                    "must be at most a third of "
                            + LEASE_DURATION + " = " + o.raw(LEASE_DURATION).orElse("")
                            + " so that a holder can miss a renewal without losing its lease");
        }
        return new LeaseOptions(lease, renew);
    }
}
