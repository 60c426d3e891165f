package dev.lifeboat.runtime.event;

import java.util.List;
import java.util.Optional;

/**
 * Something the engine did or suffered: the vocabulary of tests, of the demo's recovery timeline
 * and of metrics. Every event carries {@link #nanoTime()} from {@link System#nanoTime()}.
 */
public sealed interface EngineEvent {
    /** When it happened, from {@link System#nanoTime()}. */
    long nanoTime();

    /** An action started a job. */
    record JobStarted(long nanoTime, int jobId, String description) implements EngineEvent {}

    /** A job ended; {@code failure} is the error the action throws when it failed. */
    record JobEnded(long nanoTime, int jobId, boolean succeeded, Optional<String> failure) implements EngineEvent {}

    /** A stage attempt was submitted with the partitions it has to compute. */
    record StageSubmitted(
            long nanoTime, int stageId, int attempt, String name, boolean shuffleMap, List<Integer> partitions)
            implements EngineEvent {
        public StageSubmitted {
            partitions = List.copyOf(partitions);
        }
    }

    /** A stage attempt ended: all its partitions are computed, or it failed. */
    record StageCompleted(long nanoTime, int stageId, int attempt, String name, Optional<String> failure)
            implements EngineEvent {}

    /** The driver launched a task attempt on an executor. */
    record TaskStarted(long nanoTime, TaskInfo task) implements EngineEvent {}

    /** A task attempt ended; {@code detail} says why when it did not succeed. */
    record TaskEnded(long nanoTime, TaskInfo task, TaskEndReason reason, Optional<String> detail, long durationNanos)
            implements EngineEvent {}

    /** An executor joined; {@code shuffleLocation} is where its map outputs are stored. */
    record ExecutorAdded(long nanoTime, int executorId, String shuffleLocation) implements EngineEvent {}

    /** The driver declared an executor lost (heartbeat timeout, its own report, unreachable). */
    record ExecutorLost(long nanoTime, int executorId, String reason) implements EngineEvent {}

    /**
     * A task could not read shuffle blocks; the map outputs of {@code missingMapPartitions} are
     * invalidated and recomputed in one round.
     */
    record FetchFailed(long nanoTime, TaskInfo task, int shuffleId, List<Integer> missingMapPartitions, String detail)
            implements EngineEvent {
        public FetchFailed {
            missingMapPartitions = List.copyOf(missingMapPartitions);
        }
    }

    /** A copy of a slow task was launched on another executor. */
    record SpeculativeTaskLaunched(long nanoTime, TaskInfo copy, long originalTaskId, long originalRunningNanos)
            implements EngineEvent {}

    /** A checkpoint was written (reliable: committed to the checkpoint store; local: kept on executors). */
    record CheckpointWritten(
            long nanoTime, int datasetId, String checkpointId, boolean reliable, int partitions, long bytes)
            implements EngineEvent {}

    /** The fault injector did what it was asked to. */
    record FaultInjected(long nanoTime, String fault, String description) implements EngineEvent {}
}
