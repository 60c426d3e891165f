package dev.lifeboat.spi.shuffle;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes one attempt of one map output. Partitions are written in strictly increasing order;
 * skipped partitions are empty. Nothing is readable until {@link #commit()}; {@link #close()}
 * without a commit aborts and removes what was written. Not thread-safe.
 */
public interface MapOutputWriter extends AutoCloseable {
    /**
     * Opens the stream of one reduce partition; opening the next partition (or committing)
     * finishes it.
     *
     * @throws IllegalArgumentException if {@code reduceId} is out of range or not greater than
     *     the last one opened
     * @throws IllegalStateException if committed or aborted
     */
    OutputStream openPartition(int reduceId) throws IOException;

    /** Writes one whole partition. */
    default void writePartition(int reduceId, byte[] bytes) throws IOException {
        try (OutputStream out = openPartition(reduceId)) {
            out.write(bytes);
        }
    }

    /**
     * Makes this map output readable, atomically and durably (as durable as the store is). The
     * first attempt of a map task to commit wins: if another attempt of the same
     * {@code (shuffleId, mapId)} committed first, this attempt's bytes are discarded and the
     * winner's status is returned, so readers only ever see one attempt's bytes.
     *
     * @return the status of the committed (winning) attempt
     */
    MapStatus commit() throws IOException;

    /** Aborts unless committed. Idempotent. */
    @Override
    void close() throws IOException;
}
