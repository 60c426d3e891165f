package dev.lifeboat.spi.election;

import dev.lifeboat.spi.Capability;
import java.io.IOException;
import java.util.Set;

/**
 * A connection to one election group (the URI it was opened with). Participants join with
 * {@link #join}; the group elects at most one leader at a time, and each leadership gets an epoch
 * strictly greater than every earlier one in the group.
 *
 * <p>A crashed leader's leadership ends within the backend's lease or session timeout
 * ({@link #failoverTimeout()}).
 */
public interface LeaderElection extends AutoCloseable {
    /**
     * Joins the election as a candidate.
     *
     * @param participantId a name unique within the group, validated like a checkpoint id segment
     * @param listener told of election and loss
     * @throws IllegalArgumentException if the id is invalid or already joined through this connection
     */
    Candidate join(String participantId, LeadershipListener listener) throws IOException;

    /**
     * The longest time after a leader dies before another candidate can take over (lease
     * duration, session timeout, lock poll interval...).
     */
    java.time.Duration failoverTimeout();

    /** The guarantees this election keeps. */
    Set<Capability> capabilities();

    /** Closes every candidate joined through this connection, then the connection. Idempotent. */
    @Override
    void close() throws IOException;
}
