package dev.lifeboat.runtime.streaming;

/**
 * Told of each step of a query and its driver, in order, on the query's thread; used for the
 * demo's timeline and by tests that kill a driver at a chosen step. Must not block for long.
 */
@FunctionalInterface
public interface StreamingListener {
    /** What happened. */
    enum Phase {
        /** A driver joined the election. */
        JOINED,
        /** A driver became leader (detail: the epoch). */
        ELECTED,
        /** A query recovered from the checkpoint store (detail: what it found). */
        RECOVERED,
        /** The state store fell back past a damaged snapshot (detail: which). */
        SNAPSHOT_FALLBACK,
        /** A batch's offsets are in the offset log (detail: range; "replay" if they were there already). */
        OFFSETS,
        /** A batch's state delta (and maybe snapshot) is written. */
        STATE,
        /** A batch's output is in the sink. */
        SINK,
        /** A batch is in the commit log. */
        COMMITTED,
        /** A query stopped because its driver was deposed (detail: the error). */
        FENCED,
    }

    StreamingListener NONE = (phase, batchId, detail) -> {};

    /**
     * Called for each phase of the query's progress.
     *
     * @param batchId the batch, or {@code -1} when the event belongs to no batch
     */
    void on(Phase phase, long batchId, String detail);
}
