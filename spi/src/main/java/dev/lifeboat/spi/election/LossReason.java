package dev.lifeboat.spi.election;

/** Why a leadership ended. */
public enum LossReason {
    /** The leader called {@link Candidate#resign()}. */
    RESIGNED,
    /** The leader left the election ({@link Candidate#close()}). */
    CLOSED,
    /** The backend's session ended (ZooKeeper session expiry, a lease that could not be renewed in time). */
    SESSION_LOST,
    /** Another participant holds a newer epoch: this leadership was superseded. */
    SUPERSEDED,
}
