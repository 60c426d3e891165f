package dev.lifeboat.spi.checkpoint;

import java.io.IOException;
import java.io.OutputStream;

/**
 * One attempt at writing a checkpoint. Parts are written under the attempt's own unique id, so
 * two attempts never overwrite each other's bytes; nothing is visible to readers until
 * {@link #commit()}, which publishes the whole checkpoint at once or not at all.
 *
 * <p>{@link #close()} without a successful commit aborts the attempt and removes its parts, so
 * try-with-resources is always safe. Parts of attempts that crashed are removed by
 * {@link CheckpointStore#collectGarbage}.
 *
 * <p>Not thread-safe: one thread writes an attempt.
 */
public interface CheckpointWriter extends AutoCloseable {
    CheckpointId id();

    /** The unique id of this attempt. */
    String attemptId();

    /**
     * Opens a part for writing; the stream may be written in any number of calls and is not
     * held in memory. Closing the stream finishes the part. Opening a part finishes the one
     * before it.
     *
     * @throws IllegalArgumentException if the name is invalid or was already written in this attempt
     * @throws IllegalStateException if the attempt was committed or aborted
     */
    OutputStream openPart(String name) throws IOException;

    /** Writes a whole part. */
    default void writePart(String name, byte[] bytes) throws IOException {
        try (OutputStream out = openPart(name)) {
            out.write(bytes);
        }
    }

    /**
     * Makes the checkpoint visible atomically, if no checkpoint with this id is committed. When
     * this returns, the checkpoint is durable and every later {@code open}, {@code list} and
     * {@code latest} sees it.
     *
     * @return the committed manifest
     * @throws AlreadyCommittedException if the id was already committed; this attempt is aborted
     * @throws dev.lifeboat.spi.FencedException if the store declares epoch fencing and a newer
     *     epoch has committed; this attempt is aborted
     * @throws dev.lifeboat.spi.OutcomeUnknownException if the commit may or may not have taken
     *     effect; reconcile with {@link CheckpointStore#open}
     * @throws IllegalStateException if already committed or aborted
     */
    CheckpointInfo commit() throws IOException;

    /** Aborts the attempt unless it was committed. Idempotent. */
    @Override
    void close() throws IOException;
}
