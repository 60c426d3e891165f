package dev.lifeboat.spi.shuffle;

import dev.lifeboat.spi.Capability;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Set;

/**
 * Stores map outputs of shuffles and serves their blocks to reducers.
 *
 * <p>A store instance is one location (an executor's local disk, or a shared prefix on a
 * distributed store) named by {@link #location()}. Whether blocks outlive the executor that wrote
 * them is declared by {@link Capability#SHUFFLE_BLOCKS_OUTLIVE_EXECUTOR}; the engine skips
 * recomputation after an executor loss when they do.
 *
 * <p>Thread-safe: many map writers and block readers may run at once. Every method throws
 * {@link IllegalStateException} after {@link #close()}.
 */
public interface ShuffleBlockStore extends AutoCloseable {
    /**
     * Opens a writer for one attempt of one map task.
     *
     * @param numPartitions the number of reduce partitions, {@code >= 0}
     */
    MapOutputWriter openMapOutput(MapOutputId id, int numPartitions) throws IOException;

    /**
     * Opens one block of a committed map output, which may be stored at another location (any
     * instance of the same backend can read blocks it can reach). The stream verifies length and
     * CRC32C against {@code status} and throws {@link BlockUnavailableException} at its end on a
     * mismatch; callers read to the end before trusting the bytes.
     *
     * @throws BlockUnavailableException if the map output is missing, with the scope of the loss
     */
    InputStream openBlock(MapStatus status, int reduceId) throws IOException;

    /** Reads and verifies one whole block. */
    default byte[] readBlock(MapStatus status, int reduceId) throws IOException {
        try (InputStream in = openBlock(status, reduceId)) {
            return in.readAllBytes();
        }
    }

    /**
     * The committed map outputs stored at this location (the winning attempt of each map task),
     * in shuffle and map order, for tools that verify a whole store ({@code lifeboat inspect}).
     *
     * @throws UnsupportedOperationException if the backend cannot enumerate its outputs
     */
    default List<MapStatus> committedMapOutputs() throws IOException {
        throw new UnsupportedOperationException(getClass().getName() + " cannot list its map outputs");
    }

    /**
     * Removes every map output of a shuffle stored at this location. Idempotent.
     *
     * @throws IllegalArgumentException if {@code shuffleId} is negative
     */
    void removeShuffle(int shuffleId) throws IOException;

    /** This store's location, as recorded in the {@link MapStatus}es it commits. */
    String location();

    /** The guarantees this store keeps. */
    Set<Capability> capabilities();

    @Override
    void close() throws IOException;
}
