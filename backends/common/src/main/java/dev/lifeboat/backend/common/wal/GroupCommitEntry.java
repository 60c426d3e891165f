package dev.lifeboat.backend.common.wal;

import dev.lifeboat.spi.wal.Durability;
import dev.lifeboat.spi.wal.RecordHandle;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;

/**
 * One queued record, or a barrier ({@code frame == null}) for {@code sync} and {@code close}.
 * Fields are written under the lock while the entry is not queued.
 *
 * <p>Owns a record's fields, its states, and the {@link #STATE} handle on which a waiter and
 * whoever completes its entry or hands it the lead meet without the lock of the
 * {@link GroupCommitWriteAheadLog}: the waiter moves the state from {@link #PENDING} to
 * {@link #PARKED} with a compare-and-set, the other side replaces it with {@code getAndSet}
 * ({@link #settle} here, handing the lead in the log) and unparks the waiter only if it parked.
 * The waiting itself stays in the log, which it enters under its lock to lead or to give up.
 */
final class GroupCommitEntry {
    static final int PENDING = 0;
    static final int DONE = 1;
    static final int FAILED = 2;
    /** A waiter was handed the lead of the next batch. */
    static final int LEAD = 3;
    /**
     * The waiter is parked (or about to park): whoever completes the entry or hands it the lead
     * must unpark it. A waiter sets it with a compare-and-set from {@link #PENDING}, a waker
     * replaces the state with {@code getAndSet}, so that exactly one of them sees the other.
     */
    static final int PARKED = 4;

    static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(GroupCommitEntry.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    ByteBuffer frame;
    long lsn;
    long timestamp;
    Durability wanted;
    CompletableFuture<RecordHandle> future;
    /** Counted in {@code waitedFor} while queued. */
    boolean waited;
    /** The thread waiting on this entry, or null once it stopped waiting. Written under the lock. */
    volatile Thread waiter;

    volatile int state;
    /** Set before {@code state} becomes {@link #FAILED}. */
    IOException error;
    /** The other entry of a thread's pair (the log's {@code writerEntry}), or null. */
    GroupCommitEntry partner;

    GroupCommitEntry() {}

    GroupCommitEntry(
            ByteBuffer frame,
            long lsn,
            long timestamp,
            Durability wanted,
            CompletableFuture<RecordHandle> future,
            Thread waiter) {
        set(frame, lsn, timestamp, wanted, future, waiter);
    }

    void set(
            ByteBuffer frame,
            long lsn,
            long timestamp,
            Durability wanted,
            CompletableFuture<RecordHandle> future,
            Thread waiter) {
        this.frame = frame;
        this.lsn = lsn;
        this.timestamp = timestamp;
        this.wanted = wanted;
        this.future = future;
        this.waiter = waiter;
        this.waited = frame == null || future != null || waiter != null;
        this.error = null;
        this.state = PENDING;
    }

    boolean isDone() {
        int s = state;
        return s == DONE || s == FAILED;
    }

    /** Completes {@code e}; unparks its waiter only if it parked (a spinning one sees the state). */
    static void settle(GroupCommitEntry e, IOException error) {
        int was;
        if (error == null) {
            was = (int) STATE.getAndSet(e, DONE);
            if (e.future != null) {
                e.future.complete(RecordHandle.of(e.lsn));
            }
        } else {
            e.error = error;
            was = (int) STATE.getAndSet(e, FAILED);
            if (e.future != null) {
                e.future.completeExceptionally(error);
            }
        }
        Thread waiter = e.waiter;
        if (was == PARKED && waiter != null) {
            LockSupport.unpark(waiter);
        }
    }
}
