package dev.lifeboat.backend.common.wal;

import static dev.lifeboat.backend.common.wal.GroupCommitEntry.DONE;
import static dev.lifeboat.backend.common.wal.GroupCommitEntry.FAILED;
import static dev.lifeboat.backend.common.wal.GroupCommitEntry.LEAD;
import static dev.lifeboat.backend.common.wal.GroupCommitEntry.PARKED;
import static dev.lifeboat.backend.common.wal.GroupCommitEntry.PENDING;
import static dev.lifeboat.backend.common.wal.GroupCommitEntry.STATE;
import static dev.lifeboat.backend.common.wal.GroupCommitEntry.settle;
import static java.util.Objects.requireNonNull;

import dev.lifeboat.spi.Capability;
import dev.lifeboat.spi.wal.Durability;
import dev.lifeboat.spi.wal.RecordHandle;
import dev.lifeboat.spi.wal.WriteAheadLog;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32C;

/**
 * The one implementation of group commit, shared by every write-ahead log backend, with no thread
 * hand-off on the fast path (a leader/follower scheme, as in RocksDB's write groups).
 *
 * <p>Appenders from any number of threads are ordered and given LSNs under a short lock and
 * queue their frames. A writer that must see its record stored ({@code write}, {@code appendAsync}
 * and {@code sync} at {@code flush} or {@code sync}, and at {@code none} the first two write what
 * is queued) and finds no batch in flight <b>leads</b>: it takes every queued frame (at most
 * {@link WalSettings#maxBatchBytes()}, a larger record alone), writes them with one storage
 * call, makes them durable with one storage operation ({@code fsync}, {@code hsync}, one PUT) at
 * the highest level anyone in the batch asked for, and completes every record of the batch.
 * Writers that arrive meanwhile queue behind it and wait: a short spin, a few microseconds of
 * yielding, then parked, so that a batch written to the page cache completes its waiters without
 * an {@code unpark} each. When the batch is done the leader hands the lead to the first of them,
 * whose next batch holds everything that queued up. A synchronous {@code write} reuses one of
 * two entries of its thread instead of allocating one per record.
 *
 * <p>A lone writer takes no part in that: a {@code write} at {@code flush} or {@code sync} that
 * finds the log idle (no batch in flight, nothing queued) with no reason for a leader to wait
 * (no batch delay, and at {@code sync} no several writers in the last synced batch, see
 * {@link #waitToFill}) orders its record and writes and persists it in its own thread, with no
 * queue entry and no waiting on another thread. It holds the lead while it does, so a writer
 * arriving meanwhile queues and joins the next batch as behind any leader, and is handed the lead
 * when the record is stored; a storage failure fails the log as a failed batch does.
 *
 * <p>{@code appendAsync} at {@code flush} or {@code sync} never does storage work in the calling
 * thread: it queues the record and, when no batch is in flight, hands the lead to a helper thread
 * of this log, so that a caller that pipelines records (one thread issuing thousands of
 * {@code appendAsync} calls to a remote store) gets them batched instead of paying one round trip
 * per record; the acknowledged write with no hand-off is {@code write}. When a batch ends with
 * records queued whose futures wait and no parked thread to lead them, the helper leads until the
 * queue is empty, so that no caller leads for longer than its own record needs. Plain
 * {@code append} (durability {@code none}, no future) only queues; its records are written by the
 * next batch, or by the appender itself once a batch's worth ({@code max-batch-bytes}) has queued.
 *
 * <p>With a {@link WalSettings#batchDelay()} the leader waits that long for a batch to fill before
 * writing it, unless a {@code sync} or {@code close} waits. Appenders block while
 * {@link WalSettings#maxInFlightBytes()} bytes wait for storage, and write them themselves when no
 * batch is in flight. A storage failure fails the batch being written, every record queued behind
 * it, and every later call, because what reached storage is unknown until the log is reopened.
 *
 * <p><b>Interrupts.</b> A thread interrupted while it waits for another thread's batch stops
 * waiting with an {@link InterruptedIOException}; its record stays ordered and is written by the
 * next batch. A leader finishes its batch regardless, with its interrupt status cleared during
 * storage calls and restored afterwards; a backend whose storage calls an interrupt can break
 * (a {@code FileChannel} closes itself) retries them after reopening, or the log fails.
 *
 * <p><b>Where the parts live.</b> A queued record and its waiter/waker hand-shake are a
 * {@link GroupCommitEntry}, the leader's batch and its storage calls a {@link GroupCommitBatch},
 * reused frames a {@link FramePool}. The coordination stays in this one class, above the
 * project's ~600 lines on purpose: the queue, its byte and waiter counts, the lead, the
 * conditions, the failure and the helper thread are guarded by one lock and read together by
 * every path (appending, a lone writer storing directly, waiting, leading, handing the lead on,
 * filling a batch, an interrupted waiter leaving, failing, closing). The wait for an entry (spin,
 * yield, park) stays too, as a waiter handed the lead leads under that lock and an interrupted one
 * leaves the queue of waiters and passes the lead on under it. Split further, those fields would
 * be shared across classes with their lock out of sight of the code that relies on it.
 */
public final class GroupCommitWriteAheadLog extends StorageLogReader implements WriteAheadLog {
    /** Where a frame keeps its payload's CRC32C: its own slot in the header. */
    private static final int PAYLOAD_CRC_AT = 28;

    private static final ThreadLocal<CRC32C> PAYLOAD_CRC = ThreadLocal.withInitial(CRC32C::new);

    /** Busy-wait iterations ({@link Thread#onSpinWait()}) of a waiter before it yields. */
    private static final int SPINS = 100;
    /** How long a waiter keeps yielding its processor before it parks. */
    private static final long YIELD_NANOS = 20_000;
    /** The longest a leader at {@code sync} waits for the writers of the last batch to queue again. */
    private static final long MAX_SYNC_FILL_NANOS = 500_000;

    private final WalSettings settings;
    private final String name;
    private final ReentrantLock lock = new ReentrantLock();
    /** Appenders wait here while too many bytes are in flight. */
    private final Condition hasRoom = lock.newCondition();
    /** A leader waiting for its batch to fill ({@code group-commit.delay}) waits here. */
    private final Condition filled = lock.newCondition();
    /** The helper thread waits here to be handed the lead. */
    private final Condition helperCalled = lock.newCondition();

    // ---- guarded by lock
    private final ArrayDeque<GroupCommitEntry> queue = new ArrayDeque<>();
    /** Queued entries whose threads wait for them (spinning or parked), in LSN order: the next leaders. */
    private final ArrayDeque<GroupCommitEntry> parked = new ArrayDeque<>();

    private long nextLsn;
    private long queuedBytes;
    private long inFlightBytes;
    /** Queued entries that someone waits for (futures, parked threads, barriers). */
    private int waitedFor;

    private int barriers;
    private int roomWaiters;
    private boolean fillWaiting;
    /**
     * Records with a waiting writer in the last batch persisted at {@code sync}, and how long that
     * persist took: a leader at {@code sync} gives as many writers a moment to queue (see
     * {@link #waitToFill}).
     */
    private int lastSyncWaiters;

    private long lastSyncNanos;
    /** While a leader waits for {@link #lastSyncWaiters} writers: that many, else never reached. */
    private int fillWaiters = Integer.MAX_VALUE;
    /** A leader holds the batch; nobody else may start one. */
    private boolean leading;
    /** The level everything written so far is durable at. */
    private Durability reached = Durability.SYNC;

    private IOException failure;
    private boolean closing;
    private Thread helper;
    private boolean helperLeads;
    private boolean helperStop;

    private final CRC32C headerCrc = new CRC32C();

    // ---- used by the leader only (exclusive through `leading`)
    private final GroupCommitBatch batch;

    /** Frames written by earlier batches, reused by appenders. */
    private final FramePool frames = new FramePool();

    /**
     * The two entries {@code write} alternates between in each thread, so that an acknowledged
     * write allocates no entry. An entry completed by another thread's batch may still be in
     * {@link #parked} until that leader takes the lock again, but that happens before any later
     * batch starts, so before the thread's next record completes and it takes this entry again.
     * A thread interrupted while waiting leaves its entry queued and drops the pair.
     */
    @SuppressWarnings("ThreadLocalUsage") // per log on purpose: a thread's entries belong to one log's queue
    private final ThreadLocal<GroupCommitEntry> writerEntry = new ThreadLocal<>();

    /**
     * @param storage recovered storage; appends continue at its {@code recovery().nextLsn()}
     * @param name names the helper thread, for thread dumps
     */
    public GroupCommitWriteAheadLog(
            LogStorage storage, WalSettings settings, Set<Capability> capabilities, String name) {
        super(storage, capabilities);
        this.settings = requireNonNull(settings, "settings is null");
        this.name = requireNonNull(name, "name is null");
        this.nextLsn = storage.recovery().nextLsn();
        this.batch = new GroupCommitBatch(storage);
    }

    @Override
    public RecordHandle append(ByteBuffer record, long timestampMillis) throws IOException {
        ByteBuffer frame = frame(record);
        lock.lock();
        try {
            GroupCommitEntry e = enqueueLocked(frame, timestampMillis, Durability.NONE, null, null);
            if (!leading && queuedBytes >= settings.maxBatchBytes()) {
                leading = true;
                lead(null);
                if (e.state == FAILED) {
                    throw e.error; // the batch this appender wrote failed
                }
            }
            return RecordHandle.of(e.lsn);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public CompletableFuture<RecordHandle> appendAsync(ByteBuffer record, long timestampMillis) {
        ByteBuffer frame = frame(record);
        Durability level = settings.durability();
        lock.lock();
        try {
            if (level == Durability.NONE) {
                GroupCommitEntry e = enqueueLocked(frame, timestampMillis, level, null, null);
                leadIfIdle();
                return e.state == FAILED
                        ? CompletableFuture.failedFuture(e.error)
                        : CompletableFuture.completedFuture(RecordHandle.of(e.lsn));
            }
            GroupCommitEntry e = enqueueLocked(frame, timestampMillis, level, new CompletableFuture<>(), null);
            if (!leading) {
                // The caller asked not to wait: the helper leads, and what queues meanwhile joins it.
                leading = true;
                helperLeads = true;
                startHelper();
                helperCalled.signal();
            }
            return e.future;
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        } finally {
            lock.unlock();
        }
    }

    /** Appends and waits in this thread (leading or parked), without a future. */
    @Override
    public RecordHandle write(ByteBuffer record, long timestampMillis) throws IOException {
        ByteBuffer frame = frame(record);
        Durability level = settings.durability();
        GroupCommitEntry e;
        lock.lock();
        try {
            if (level == Durability.NONE) {
                e = enqueueLocked(frame, timestampMillis, level, null, null);
                leadIfIdle();
                if (e.state == FAILED) {
                    throw e.error; // the batch this writer led failed
                }
                return RecordHandle.of(e.lsn);
            }
            if (canWriteDirectly()) {
                return writeDirectly(frame, timestampMillis, level);
            }
            e = enqueueLocked(frame, timestampMillis, level, null, Thread.currentThread(), nextWriterEntry());
            if (!leading) {
                leading = true;
                lead(e);
            }
        } finally {
            lock.unlock();
        }
        awaitEntry(e);
        long lsn = e.lsn;
        e.frame = null; // written and recycled: the thread's idle entry holds no frame
        return RecordHandle.of(lsn);
    }

    /**
     * Under the lock: whether a {@code write} may store its record itself, unqueued. The log must
     * be idle (no batch in flight, nothing queued, so no other writer to share the storage
     * operation with) and a leader would not wait for a batch to fill ({@link #waitToFill}): no
     * batch delay, and at {@code sync} the last synced batch held at most one waiting writer.
     */
    private boolean canWriteDirectly() {
        return !leading
                && queue.isEmpty()
                && failure == null
                && !closing
                && settings.batchDelay().toNanos() <= 0
                && (settings.durability() != Durability.SYNC || lastSyncWaiters <= 1);
    }

    /**
     * Under the lock, the log idle ({@link #canWriteDirectly}): orders the record and writes and
     * persists it in this thread with no queue entry, holding the lead meanwhile so that writers
     * arriving queue behind it as behind any batch, and hands the lead on as a batch's leader does.
     * Returns holding the lock.
     */
    private RecordHandle writeDirectly(ByteBuffer frame, long timestamp, Durability level) throws IOException {
        leading = true;
        long size = frame.remaining();
        long lsn = nextLsn++;
        RecordFrame.writeHeaderAt(
                frame,
                0,
                lsn,
                timestamp,
                (int) size - RecordFrame.HEADER_BYTES,
                frame.getInt(PAYLOAD_CRC_AT),
                headerCrc);
        inFlightBytes += size; // appenders arriving meanwhile count it against max-in-flight-bytes
        batch.addFrame(frame);
        lock.unlock();
        long started = level == Durability.SYNC ? System.nanoTime() : 0;
        IOException error;
        try {
            error = batch.store(lsn, timestamp, level);
        } finally {
            lock.lock();
        }
        inFlightBytes -= size;
        if (roomWaiters > 0) {
            hasRoom.signalAll();
        }
        if (error != null) {
            // As after a failed batch: the log is failed, and everything queued behind this record
            // fails, before this caller sees the error.
            batch.clear();
            fail(error);
            leading = false;
            throw error;
        }
        if (level == Durability.SYNC) {
            lastSyncWaiters = 1;
            lastSyncNanos = System.nanoTime() - started;
        }
        reached = level;
        batch.recycleFrames(frames);
        batch.clear();
        passLead(); // to a writer that queued meanwhile, the helper for futures, or nobody
        return RecordHandle.of(lsn);
    }

    @Override
    public void sync(Durability level) throws IOException {
        requireNonNull(level, "level is null");
        GroupCommitEntry barrier;
        lock.lock();
        try {
            checkAccepting();
            if (!leading && queue.isEmpty() && reached.atLeast(level)) {
                return; // nothing appended since the storage reached this level
            }
            barrier = enqueueBarrierLocked(level);
            if (!leading) {
                leading = true;
                lead(barrier);
            }
        } finally {
            lock.unlock();
        }
        awaitEntry(barrier);
    }

    @Override
    public Durability durability() {
        return settings.durability();
    }

    @Override
    public void truncateBefore(RecordHandle handle) throws IOException {
        requireNonNull(handle, "handle is null");
        checkOpen();
        storage.truncateBefore(handle.lsn());
    }

    @Override
    public void truncateBefore(long thresholdMillis) throws IOException {
        checkOpen();
        storage.truncateBeforeTime(thresholdMillis);
    }

    @Override
    public void close() throws IOException {
        IOException pending = null;
        GroupCommitEntry barrier = null;
        Thread stopHelper;
        lock.lock();
        try {
            if (closing) {
                return;
            }
            closing = true;
            if (failure != null) {
                pending = failedError();
            } else if (leading || !queue.isEmpty() || !reached.atLeast(settings.durability())) {
                barrier = enqueueBarrierLocked(settings.durability());
                if (!leading) {
                    leading = true;
                    lead(barrier);
                }
            }
        } finally {
            lock.unlock();
        }
        if (barrier != null) {
            try {
                awaitEntry(barrier);
            } catch (InterruptedIOException e) {
                // Still release the storage; the records queued before close are written by the
                // batch in flight or the helper, which the join below waits for.
                pending = e;
            } catch (IOException e) {
                pending = e;
            }
        }
        lock.lock();
        try {
            helperStop = true;
            helperCalled.signal();
            stopHelper = helper;
        } finally {
            lock.unlock();
        }
        if (stopHelper != null) {
            boolean interrupted = false;
            while (true) {
                try {
                    stopHelper.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        waitForLeaderToFinish();
        markClosed();
        try {
            storage.close();
        } catch (IOException e) {
            if (pending == null) {
                pending = e;
            } else {
                pending.addSuppressed(e);
            }
        }
        if (pending != null) {
            throw pending;
        }
    }

    // ---------------------------------------------------------------- appending

    /**
     * Copies and checksums the payload outside the lock, into a frame reused from an earlier
     * batch where one of its size is free; only the header needs the LSN. The frame's header
     * CRC slot carries the payload's CRC32C until the header is written.
     */
    private ByteBuffer frame(ByteBuffer record) {
        requireNonNull(record, "record is null");
        int length = record.remaining();
        if (length > settings.maxRecordBytes()) {
            throw new IllegalArgumentException("record of " + length + " bytes exceeds " + WalSettings.MAX_RECORD_BYTES
                    + " = " + settings.maxRecordBytes());
        }
        if (closing) {
            throw new IllegalStateException("the write-ahead log is closed");
        }
        ByteBuffer frame = frames.take(RecordFrame.HEADER_BYTES + length);
        byte[] bytes = frame.array();
        int payload = frame.arrayOffset() + RecordFrame.HEADER_BYTES;
        record.get(record.position(), bytes, payload, length);
        CRC32C crc = PAYLOAD_CRC.get();
        crc.reset();
        crc.update(bytes, payload, length);
        frame.putInt(PAYLOAD_CRC_AT, (int) crc.getValue());
        return frame;
    }

    /** Under the lock: waits for room, assigns the LSN, writes the header and queues the frame. */
    private GroupCommitEntry enqueueLocked(
            ByteBuffer frame, long timestamp, Durability wanted, CompletableFuture<RecordHandle> future, Thread waiter)
            throws IOException {
        return enqueueLocked(frame, timestamp, wanted, future, waiter, null);
    }

    /** The entry of this thread's pair not used by its last {@code write}. */
    private GroupCommitEntry nextWriterEntry() {
        GroupCommitEntry last = writerEntry.get();
        GroupCommitEntry next;
        if (last == null) {
            next = new GroupCommitEntry();
            next.partner = new GroupCommitEntry();
            next.partner.partner = next;
        } else {
            next = last.partner;
        }
        writerEntry.set(next);
        return next;
    }

    /** Under the lock: waits for room, assigns the LSN, writes the header and queues {@code reuse} or a new entry. */
    private GroupCommitEntry enqueueLocked(
            ByteBuffer frame,
            long timestamp,
            Durability wanted,
            CompletableFuture<RecordHandle> future,
            Thread waiter,
            GroupCommitEntry reuse)
            throws IOException {
        checkAccepting();
        long size = frame.remaining();
        while (inFlightBytes > 0 && inFlightBytes + size > settings.maxInFlightBytes()) {
            if (!leading && queuedBytes > 0) {
                leading = true;
                lead(null); // write what is queued ourselves: nobody else is
            } else {
                roomWaiters++;
                try {
                    hasRoom.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while waiting for group commit to make room");
                } finally {
                    roomWaiters--;
                }
            }
            checkAccepting();
        }
        int length = (int) size - RecordFrame.HEADER_BYTES;
        long lsn = nextLsn++;
        RecordFrame.writeHeaderAt(frame, 0, lsn, timestamp, length, frame.getInt(PAYLOAD_CRC_AT), headerCrc);
        GroupCommitEntry e;
        if (reuse != null) {
            e = reuse;
            e.set(frame, lsn, timestamp, wanted, future, waiter);
        } else {
            e = new GroupCommitEntry(frame, lsn, timestamp, wanted, future, waiter);
        }
        add(e, size);
        return e;
    }

    private GroupCommitEntry enqueueBarrierLocked(Durability level) {
        GroupCommitEntry e = new GroupCommitEntry(null, -1, 0, level, null, Thread.currentThread());
        barriers++;
        add(e, 0);
        if (fillWaiting) {
            filled.signal();
        }
        return e;
    }

    private void add(GroupCommitEntry e, long size) {
        queue.add(e);
        queuedBytes += size;
        inFlightBytes += size;
        if (e.waited) {
            waitedFor++;
        }
        if (e.waiter != null) {
            parked.add(e);
        }
        if (fillWaiting && (queuedBytes >= settings.maxBatchBytes() || waitedFor >= fillWaiters)) {
            filled.signal();
        }
    }

    /** Under the lock: a writer at {@code none} writes what is queued if no batch is in flight. */
    private void leadIfIdle() {
        if (!leading) {
            leading = true;
            lead(null);
        }
    }

    /** Under the lock. */
    private void checkAccepting() throws IOException {
        if (closing) {
            throw new IllegalStateException("the write-ahead log is closed");
        }
        if (failure != null) {
            throw failedError();
        }
    }

    private IOException failedError() {
        return new IOException(
                "the write-ahead log failed earlier and must be reopened: " + failure.getMessage(), failure);
    }

    // ---------------------------------------------------------------- waiting

    /**
     * Waits until {@code e} is done, leading a batch when handed the lead. Called without the
     * lock. As RocksDB's writers do, a waiter first spins briefly, then yields its processor for
     * a few microseconds, and parks only then: a batch that is written to the page cache
     * completes its records within that time, and a record completed before its waiter parked
     * costs its leader no {@code unpark}.
     */
    private void awaitEntry(GroupCommitEntry e) throws IOException {
        int spins = 0;
        long yieldUntil = 0;
        while (true) {
            int s = e.state;
            if (s == DONE) {
                return;
            }
            if (s == FAILED) {
                // A record's own failure is the storage's exception, so that callers can branch on
                // its type (fenced, outcome unknown), as appendAsync's future carries it.
                throw e.frame != null ? e.error : new IOException(e.error.getMessage(), e.error);
            }
            if (s == LEAD) {
                lock.lock();
                try {
                    e.state = PENDING;
                    lead(e);
                } finally {
                    lock.unlock();
                }
                spins = 0;
                yieldUntil = 0;
                continue;
            }
            if (s == PENDING) {
                if (spins < SPINS) {
                    spins++;
                    Thread.onSpinWait();
                    continue;
                }
                long now = System.nanoTime();
                if (yieldUntil == 0) {
                    yieldUntil = now + YIELD_NANOS;
                }
                if (now - yieldUntil < 0) {
                    yieldToLeader();
                    continue;
                }
                if (!STATE.compareAndSet(e, PENDING, PARKED)) {
                    continue; // completed or handed the lead meanwhile
                }
            }
            LockSupport.park(this);
            if (Thread.interrupted()) {
                lock.lock();
                try {
                    if (e.isDone()) {
                        Thread.currentThread().interrupt();
                        continue;
                    }
                    // Stop waiting; the record stays queued for the next batch, with its entry.
                    e.waiter = null;
                    if (e.partner != null) {
                        writerEntry.remove();
                    }
                    parked.remove(e);
                    if (e.state == LEAD) {
                        e.state = PENDING;
                        passLead();
                    }
                } finally {
                    lock.unlock();
                }
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for the write-ahead log");
            }
        }
    }

    /** Waits until no batch is in flight (close, after the helper has stopped). */
    private void waitForLeaderToFinish() {
        lock.lock();
        try {
            while (leading) {
                roomWaiters++;
                try {
                    hasRoom.awaitUninterruptibly();
                } finally {
                    roomWaiters--;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- leading

    /**
     * Leads batches until {@code mine} (if any) is done, then hands the lead on: to the first
     * parked waiter, to the helper thread when records wait with nobody parked, or to nobody.
     * Entered and left holding the lock, with {@code leading} set by the caller.
     */
    private void lead(GroupCommitEntry mine) {
        while (true) {
            if (failure == null) {
                runBatch();
            }
            if (failure != null) {
                // fail() completed everything queued, mine included
                leading = false;
                hasRoom.signalAll();
                return;
            }
            if (mine != null && !mine.isDone()) {
                continue; // my record is in a later batch
            }
            if (Thread.currentThread() == helper && needsLeader()) {
                if (parked.isEmpty()) {
                    continue;
                }
            }
            passLead();
            return;
        }
    }

    /** Under the lock, holding the lead: gives it to whoever needs it next, or releases it. */
    private void passLead() {
        if (needsLeader()) {
            GroupCommitEntry next = parked.peekFirst();
            if (next != null) {
                if ((int) STATE.getAndSet(next, LEAD) == PARKED) {
                    LockSupport.unpark(next.waiter);
                }
                return;
            }
            if (Thread.currentThread() != helper) {
                helperLeads = true;
                startHelper();
                helperCalled.signal();
                return;
            }
        }
        leading = false;
        if (roomWaiters > 0) {
            hasRoom.signalAll();
        }
    }

    private boolean needsLeader() {
        return !queue.isEmpty() && (waitedFor > 0 || queuedBytes >= settings.maxBatchBytes());
    }

    /**
     * Under the lock, holding the lead: takes one batch off the queue, writes and persists it
     * without the lock, and completes its records. Leaves the lock held.
     */
    private void runBatch() {
        waitToFill();
        long batchBytes = 0;
        int waiters = 0;
        Durability level = Durability.NONE;
        while (!queue.isEmpty()) {
            GroupCommitEntry e = queue.peek();
            if (e.frame != null) {
                long size = e.frame.remaining();
                if (batchBytes > 0 && batchBytes + size > settings.maxBatchBytes()) {
                    break;
                }
                batchBytes += size;
            } else {
                barriers--;
            }
            queue.poll();
            if (e.waited) {
                waitedFor--;
                waiters++;
            }
            if (e.wanted.compareTo(level) > 0) {
                level = e.wanted;
            }
            batch.add(e);
        }
        queuedBytes -= batchBytes;
        lock.unlock();
        IOException error = null;
        long started = level == Durability.SYNC ? System.nanoTime() : 0;
        try {
            error = batch.write(level);
            if (error != null) {
                // The log is failed before any future says so: a caller that sees its record fail
                // and appends again must be refused, not queued behind the failure.
                lock.lock();
                try {
                    if (failure == null) {
                        failure = error;
                    }
                } finally {
                    lock.unlock();
                }
            }
            batch.complete(error);
        } finally {
            lock.lock();
        }
        if (level == Durability.SYNC) {
            lastSyncWaiters = waiters;
            lastSyncNanos = System.nanoTime() - started;
        }
        inFlightBytes -= batchBytes;
        for (GroupCommitEntry p = parked.peekFirst(); p != null && p.isDone(); p = parked.peekFirst()) {
            parked.pollFirst();
        }
        if (error == null) {
            if (batch.hasFrames()) {
                reached = level;
            } else if (level.compareTo(reached) > 0) {
                reached = level;
            }
            batch.recycleFrames(frames); // storage keeps no frame once write returns
        }
        batch.clear();
        if (roomWaiters > 0) {
            hasRoom.signalAll();
        }
        if (error != null) {
            fail(error);
        }
    }

    /** Under the lock: the log has failed; everything queued fails with the error. */
    private void fail(IOException error) {
        if (failure == null) {
            failure = error;
        }
        for (GroupCommitEntry e : queue) {
            settle(e, error);
            if (e.frame != null) {
                inFlightBytes -= e.frame.remaining();
            }
        }
        queue.clear();
        parked.clear();
        queuedBytes = 0;
        waitedFor = 0;
        barriers = 0;
        hasRoom.signalAll();
    }

    /**
     * Under the lock: with a batch delay, waits that long for a batch to fill unless someone
     * waits on a barrier. Without one, a log at {@code sync} whose last synced batch held several
     * waiting writers waits, at most a quarter of that sync's time ({@link #MAX_SYNC_FILL_NANOS}
     * at most), for as many to queue again: the writers the last batch woke are queueing their
     * next records, and a sync costs the same for one record as for all of them (PostgreSQL's
     * {@code commit_delay} with {@code commit_siblings}, measured instead of configured). A lone
     * writer never waits.
     */
    private void waitToFill() {
        long delay = settings.batchDelay().toNanos();
        boolean siblings = false;
        if (delay <= 0) {
            if (settings.durability() != Durability.SYNC
                    || lastSyncWaiters <= 1
                    || waitedFor >= lastSyncWaiters
                    || closing) {
                return;
            }
            delay = Math.min(lastSyncNanos / 4, MAX_SYNC_FILL_NANOS);
            siblings = true;
            fillWaiters = lastSyncWaiters;
        }
        long deadline = System.nanoTime() + delay;
        fillWaiting = true;
        try {
            while (queuedBytes < settings.maxBatchBytes()
                    && (siblings ? waitedFor < lastSyncWaiters : barriers == 0)
                    && !closing) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                filled.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // keep leading; the caller sees its status
        } finally {
            fillWaiting = false;
            fillWaiters = Integer.MAX_VALUE;
        }
    }

    // ---------------------------------------------------------------- helper

    /** Under the lock. */
    private void startHelper() {
        if (helper == null) {
            helper = new Thread(this::helperLoop, "lifeboat-wal-group-commit-" + name);
            helper.setDaemon(true);
            helper.start();
        }
    }

    /** Leads when handed the lead with records whose futures wait and nobody parked to lead them. */
    private void helperLoop() {
        lock.lock();
        try {
            while (true) {
                while (!helperLeads && !helperStop) {
                    helperCalled.awaitUninterruptibly();
                }
                if (!helperLeads) {
                    return;
                }
                helperLeads = false;
                lead(null);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Gives the leader the core for a moment before parking: with fewer cores than writers, a
     * follower that spins keeps the leader it waits for off the CPU (RocksDB's AwaitState yields
     * for the same reason before it blocks).
     */
    @SuppressWarnings("ThreadPriorityCheck") // the short yield phase is the point, bounded by YIELD_NANOS
    private static void yieldToLeader() {
        Thread.yield();
    }
}
