package dev.lifeboat.spi.election;

/**
 * Told about one candidate's leadership. Calls for one candidate are made one at a time, in
 * order, from a thread of the backend; a listener must not block for long.
 *
 * <p>{@link #elected} may be called before {@link LeaderElection#join} has returned the
 * candidate, so a listener reads the leadership from its argument, not from the candidate.
 */
public interface LeadershipListener {
    /** This candidate became leader. {@link Candidate#isLeader()} is already true. */
    void elected(Leadership leadership);

    /** This candidate's leadership ended. {@link Candidate#isLeader()} is already false. */
    void lost(Leadership leadership, LossReason reason);

    /**
     * The connection to the election's storage is uncertain (ZooKeeper SUSPENDED): leadership
     * is not lost yet, but side effects should pause until {@link #resumed} or {@link #lost}.
     */
    default void suspended(Leadership leadership) {}

    /** A suspended connection recovered with leadership intact. */
    default void resumed(Leadership leadership) {}
}
