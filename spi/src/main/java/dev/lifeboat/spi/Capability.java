package dev.lifeboat.spi;

/**
 * A guarantee that a backend declares, on its provider and on every instance it opens. The
 * compatibility kit reads the same declaration to decide which tests apply (an undeclared
 * guarantee shows as a skipped test with this capability named), and the engine reads it to
 * choose a recovery strategy. A backend never declares what it cannot keep.
 */
public enum Capability {
    /** {@code sync} puts acknowledged records on stable storage: they survive an OS crash or power loss. */
    WAL_DURABLE_SYNC,
    /** Records survive the writing process being killed ({@code SIGKILL}) once {@code flush} returned. */
    WAL_SURVIVES_PROCESS_CRASH,
    /** A second writer on the same log is refused, or fences the first. */
    WAL_SINGLE_WRITER,
    /** A reader in another process can open the log while a writer is active. */
    WAL_CROSS_PROCESS_READERS,
    /** Checkpoint commits carry the writer's leader epoch and a commit with a stale epoch is refused. */
    CHECKPOINT_EPOCH_FENCING,
    /** Checkpoint writers and commits work across processes (put-if-absent holds between JVMs). */
    CHECKPOINT_CROSS_PROCESS,
    /**
     * Committed checkpoints outlive the process that wrote them: they are kept in storage, not in
     * memory, so another process opening the same URI (a restarted driver) reads them.
     */
    CHECKPOINT_DURABLE,
    /** Committed map outputs remain readable after the executor that wrote them is lost. */
    SHUFFLE_BLOCKS_OUTLIVE_EXECUTOR,
    /** Participants in different processes take part in one election. */
    ELECTION_CROSS_PROCESS,
    /** The epoch survives every participant restarting: it is kept in storage, not in memory. */
    ELECTION_DURABLE_EPOCH,
}
