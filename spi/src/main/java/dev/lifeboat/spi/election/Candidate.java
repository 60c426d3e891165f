package dev.lifeboat.spi.election;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/**
 * One participant's place in an election. At most one candidate of a group is leader at a time,
 * as far as the storage is concerned; because a deposed leader may learn of its loss late, work
 * it does must carry {@link Leadership#epoch()} so that storage can refuse it.
 */
public interface Candidate extends AutoCloseable {
    String participantId();

    /**
     * Whether this candidate holds leadership now. Becomes false before
     * {@link LeadershipListener#lost} is called.
     */
    boolean isLeader();

    /** The current leadership of this candidate, if it leads. */
    Optional<Leadership> leadership();

    /**
     * Waits until this candidate leads or {@code timeout} passes.
     *
     * @return whether it leads
     */
    boolean awaitLeadership(Duration timeout) throws InterruptedException;

    /**
     * Gives up leadership (if held) and withdraws from the election, so another candidate takes
     * over promptly. The listener is told {@link LossReason#RESIGNED}. Idempotent.
     */
    void resign() throws IOException;

    /** Leaves the election; a leader resigns with {@link LossReason#CLOSED}. Idempotent. */
    @Override
    void close() throws IOException;
}
