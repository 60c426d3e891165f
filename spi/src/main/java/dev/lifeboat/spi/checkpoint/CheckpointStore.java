package dev.lifeboat.spi.checkpoint;

import dev.lifeboat.spi.Capability;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A store of checkpoints: named, immutable sets of parts committed all at once.
 *
 * <ul>
 *   <li><b>Atomic:</b> a checkpoint is visible with all its parts or not at all; readers never
 *       see a partial checkpoint, whatever crashes.
 *   <li><b>Put-if-absent:</b> committing an id that is committed fails with
 *       {@link AlreadyCommittedException}; the first commit wins. This makes offset logs and
 *       commit logs safe against a second (zombie) driver.
 *   <li><b>Verified:</b> the manifest records every part's length and CRC32C; reads verify them.
 *   <li><b>Fenced</b> (where {@link Capability#CHECKPOINT_EPOCH_FENCING} is declared): a commit
 *       whose epoch is lower than the highest epoch that ever committed to this store is refused
 *       with {@link dev.lifeboat.spi.FencedException}.
 *   <li>No commit relies on rename or on a consistent listing where the storage lacks them.
 * </ul>
 *
 * <p>Thread-safe. Every method throws {@link IllegalStateException} after {@link #close()}.
 */
public interface CheckpointStore extends AutoCloseable {
    /**
     * Starts an attempt to write checkpoint {@code id} on behalf of a writer holding leader
     * epoch {@code epoch}.
     *
     * @param epoch the writer's leader epoch, or {@code 0} for a writer outside any election
     * @throws IllegalArgumentException if {@code epoch} is negative
     */
    CheckpointWriter begin(CheckpointId id, long epoch) throws IOException;

    /** {@code begin(id, 0)}: a writer outside any election. */
    default CheckpointWriter begin(CheckpointId id) throws IOException {
        return begin(id, 0);
    }

    /**
     * Opens a committed checkpoint.
     *
     * @return the checkpoint, or empty if {@code id} is not committed (or was deleted)
     * @throws dev.lifeboat.spi.CorruptDataException if its manifest is damaged
     */
    Optional<Checkpoint> open(CheckpointId id) throws IOException;

    /**
     * The committed ids under {@code prefix} (see {@link CheckpointId#hasPrefix}), in
     * {@link CheckpointId} order. An id committed before this call began is always listed.
     *
     * @param prefix {@code ""} for all, or a {@code /}-separated prefix
     */
    List<CheckpointId> list(String prefix) throws IOException;

    /** The greatest committed id under {@code prefix}, in {@link CheckpointId} order. */
    default Optional<CheckpointId> latest(String prefix) throws IOException {
        List<CheckpointId> ids = list(prefix);
        return ids.isEmpty() ? Optional.empty() : Optional.of(ids.get(ids.size() - 1));
    }

    /**
     * Deletes a committed checkpoint: it stops being listed at once, then its bytes are removed.
     * Idempotent.
     *
     * @return whether it existed
     */
    boolean delete(CheckpointId id) throws IOException;

    /**
     * Removes the parts of attempts that were neither committed nor aborted (crashed writers)
     * and that were started at least {@code minAge} ago, and the leftovers of interrupted
     * deletes. Attempts younger than {@code minAge} may still be running and are kept.
     *
     * @return how many attempts were removed
     */
    int collectGarbage(Duration minAge) throws IOException;

    /** The guarantees this store keeps. */
    Set<Capability> capabilities();

    /** Releases resources; uncommitted writers of this store are aborted. Idempotent. */
    @Override
    void close() throws IOException;
}
