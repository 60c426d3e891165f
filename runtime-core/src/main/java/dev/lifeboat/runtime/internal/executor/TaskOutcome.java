package dev.lifeboat.runtime.internal.executor;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** How a task attempt ended, as the executor reports it. */
public sealed interface TaskOutcome {
    /** The result (a map status for a map task) and the blocks the task stored on its executor. */
    record Success(Object value, List<BlockUpdate> blocks) implements TaskOutcome {
        public Success {
            blocks = List.copyOf(blocks);
        }
    }

    /** The task threw. */
    record Failure(Throwable error) implements TaskOutcome {
        public Failure {
            requireNonNull(error, "error is null");
        }
    }

    /** The task could not read its shuffle input. */
    record FetchFailure(FetchFailedException error) implements TaskOutcome {
        public FetchFailure {
            requireNonNull(error, "error is null");
        }
    }
}
