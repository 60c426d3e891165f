package dev.lifeboat.spi.election;

import static java.util.Objects.requireNonNull;

/**
 * One leadership: who leads which group, with which epoch.
 *
 * @param group the election group (the URI it was opened with)
 * @param participantId the leader
 * @param epoch the fencing token: strictly greater than every earlier leadership's epoch in the
 *     group, {@code >= 1}
 * @param acquiredAtMillis when it was acquired, by the participant's clock (informational)
 */
public record Leadership(String group, String participantId, long epoch, long acquiredAtMillis) {
    public Leadership {
        requireNonNull(group, "group is null");
        requireNonNull(participantId, "participantId is null");
        if (epoch < 1) {
            throw new IllegalArgumentException("epoch must be >= 1: " + epoch);
        }
    }
}
