package dev.lifeboat.runtime;

import java.util.List;

/**
 * An action's job failed: a task failed {@code lifeboat.task.maxFailures} times, failed with a
 * non-retryable error, or a stage kept losing its shuffle inputs. The message names the stage and
 * task and lists the cause of every failed attempt; {@link #getCause()} is the last cause and
 * {@link #attemptFailures()} all of them (also attached as suppressed exceptions).
 */
public class JobFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient List<Throwable> attemptFailures;

    public JobFailedException(String message, List<Throwable> attemptFailures) {
        super(message, attemptFailures.isEmpty() ? null : attemptFailures.get(attemptFailures.size() - 1));
        this.attemptFailures = List.copyOf(attemptFailures);
        for (int i = 0; i < this.attemptFailures.size() - 1; i++) {
            addSuppressed(this.attemptFailures.get(i));
        }
    }

    /** The cause of every failed attempt, oldest first. */
    public List<Throwable> attemptFailures() {
        return attemptFailures == null ? List.of() : attemptFailures;
    }
}
