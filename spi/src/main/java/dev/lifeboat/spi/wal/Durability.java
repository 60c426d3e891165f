package dev.lifeboat.spi.wal;

/**
 * How far an append has travelled when it is acknowledged. Each level includes the ones before.
 */
public enum Durability {
    /** Buffered in the writer's process: lost if the process dies. */
    NONE,
    /** Handed to the storage: visible to readers and kept if the writing process dies. */
    FLUSH,
    /** On stable storage (fsync, hsync, a completed PUT): kept if the machine loses power. */
    SYNC;

    /** Whether this level includes {@code other}. */
    public boolean atLeast(Durability other) {
        return compareTo(other) >= 0;
    }
}
