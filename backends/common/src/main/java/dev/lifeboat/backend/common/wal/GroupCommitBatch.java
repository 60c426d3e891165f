package dev.lifeboat.backend.common.wal;

import static dev.lifeboat.backend.common.wal.GroupCommitEntry.settle;

import dev.lifeboat.spi.wal.Durability;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The batch a {@link GroupCommitWriteAheadLog}'s leader takes off the queue: its entries and
 * their frames, written with one storage call and persisted with one storage operation at the
 * level the batch asked for, then every entry completed.
 *
 * <p>Used by the leader only, exclusive through the log's {@code leading} flag: the log fills it
 * and clears it under its lock, and writes and completes it without the lock. What the batch
 * means for the log's state (bytes in flight, the level reached, failing the log) stays in the
 * log.
 */
final class GroupCommitBatch {
    private final LogStorage storage;
    private final List<GroupCommitEntry> entries = new ArrayList<>();
    private final List<ByteBuffer> frames = new ArrayList<>();

    GroupCommitBatch(LogStorage storage) {
        this.storage = storage;
    }

    /** Under the lock: takes {@code e}, just polled off the queue, into the batch. */
    void add(GroupCommitEntry e) {
        entries.add(e);
    }

    /** A frame to write with no entry (a lone writer storing its record directly). */
    void addFrame(ByteBuffer frame) {
        frames.add(frame);
    }

    /** Whether the batch wrote any frame (a batch of barriers only persists). */
    boolean hasFrames() {
        return !frames.isEmpty();
    }

    /** Hands the written frames back to {@code pool}: storage keeps no frame once write returns. */
    void recycleFrames(FramePool pool) {
        pool.recycle(frames);
    }

    /** Under the lock, after the batch completed: empties it for the next leader. */
    void clear() {
        frames.clear();
        entries.clear();
    }

    /** Without the lock: one write of the batch's frames and one persist at {@code level}. */
    IOException write(Durability level) {
        long firstLsn = -1;
        long newest = Long.MIN_VALUE;
        for (int i = 0; i < entries.size(); i++) {
            GroupCommitEntry e = entries.get(i);
            if (e.frame != null) {
                if (firstLsn < 0) {
                    firstLsn = e.lsn;
                }
                frames.add(e.frame);
                newest = Math.max(newest, e.timestamp);
            }
        }
        return store(firstLsn, newest, level);
    }

    /**
     * Without the lock, holding the lead: writes {@link #frames} (if any), the first at
     * {@code firstLsn}, with one storage call and persists them at {@code level}; the error, if any.
     */
    IOException store(long firstLsn, long newest, Durability level) {
        // Storage calls run with the interrupt status cleared: the batch belongs to every writer in it.
        boolean interrupted = Thread.interrupted();
        try {
            if (!frames.isEmpty()) {
                storage.write(frames, firstLsn, newest);
            }
            if (level != Durability.NONE) {
                storage.persist(level);
            }
            return null;
        } catch (IOException | RuntimeException e) {
            return e instanceof IOException io ? io : new IOException("storage failed: " + e, e);
        } finally {
            if (interrupted || Thread.interrupted()) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Without the lock: completes the batch's futures and wakes its parked waiters. */
    void complete(IOException error) {
        for (int i = 0; i < entries.size(); i++) {
            GroupCommitEntry e = entries.get(i);
            settle(e, error);
        }
    }
}
