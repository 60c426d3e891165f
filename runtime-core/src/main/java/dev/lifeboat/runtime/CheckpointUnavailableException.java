package dev.lifeboat.runtime;

/**
 * A checkpointed partition cannot be read, and cannot be recomputed because the checkpoint cut
 * its lineage: a locally checkpointed block was lost with its executor, or a reliable checkpoint
 * was removed from its store. A task that fails with it is not retried; the message says what
 * was lost, where, and what to do instead.
 */
public class CheckpointUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CheckpointUnavailableException(String message) {
        super(message);
    }

    public CheckpointUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
