package dev.lifeboat.runtime.event;

/** Why a task attempt ended. */
public enum TaskEndReason {
    /** It finished and its result was used. */
    SUCCESS,
    /** It threw; it is retried up to {@code lifeboat.task.maxFailures} times unless the error is fatal. */
    FAILED,
    /** It could not read a shuffle block; the missing map outputs are recomputed, then it is retried. */
    FETCH_FAILED,
    /** The driver cancelled it: another attempt of the partition finished first, or the job ended. */
    KILLED,
    /** Its executor was lost; it is re-run elsewhere and does not count as a failure. */
    EXECUTOR_LOST,
}
