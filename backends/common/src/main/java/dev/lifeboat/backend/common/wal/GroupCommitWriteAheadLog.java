package dev.lifeboat.backend.common.wal;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.spi.Capability;
import dev.lifeboat.spi.wal.Durability;
import dev.lifeboat.spi.wal.RecordHandle;
import dev.lifeboat.spi.wal.WriteAheadLog;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The one implementation of group commit, shared by every write-ahead log backend: appenders
 * from any number of threads are ordered and given LSNs under a short lock, and a single
 * committer thread writes what has queued up as one batch and makes it durable with one storage
 * operation ({@code fsync}, {@code hsync}, one PUT), so concurrent writers share the cost.
 *
 * <p>Batches hold at most {@link WalSettings#maxBatchBytes()} (a larger record goes alone). With
 * a {@link WalSettings#batchDelay()} the committer waits that long for a batch to fill before
 * writing it. Appenders block while {@link WalSettings#maxInFlightBytes()} bytes wait for
 * storage. A storage failure fails the batch being written and every record queued behind it,
 * and every later call, because what reached storage is unknown until the log is reopened.
 */
public final class GroupCommitWriteAheadLog extends StorageLogReader implements WriteAheadLog {
    private final WalSettings settings;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition hasWork = lock.newCondition();
    private final Condition hasRoom = lock.newCondition();
    private final ArrayDeque<Entry> queue = new ArrayDeque<>();
    private final Thread committer;
    private long nextLsn;
    private long queuedBytes;
    private long inFlightBytes;
    private IOException failure;
    private boolean closing;

    private sealed interface Entry permits Append, Barrier {}

    private record Append(ByteBuffer frame, long lsn, long timestamp, Durability wanted,
            CompletableFuture<RecordHandle> future) implements Entry {}

    private record Barrier(Durability level, CompletableFuture<Void> future) implements Entry {}

    /**
     * @param storage recovered storage; appends continue at its {@code recovery().nextLsn()}
     * @param name names the committer thread, for thread dumps
     */
    public GroupCommitWriteAheadLog(LogStorage storage, WalSettings settings, Set<Capability> capabilities,
            String name) {
        super(storage, capabilities);
        this.settings = requireNonNull(settings, "settings is null");
        this.nextLsn = storage.recovery().nextLsn();
        this.committer = new Thread(this::commitLoop, "lifeboat-wal-committer-" + name);
        this.committer.setDaemon(true);
        this.committer.start();
    }

    @Override
    public RecordHandle append(ByteBuffer record, long timestampMillis) throws IOException {
        return enqueue(record, timestampMillis, Durability.NONE, null);
    }

    @Override
    public CompletableFuture<RecordHandle> appendAsync(ByteBuffer record, long timestampMillis) {
        CompletableFuture<RecordHandle> future = new CompletableFuture<>();
        try {
            enqueue(record, timestampMillis, settings.durability(), future);
        } catch (IOException e) {
            future.completeExceptionally(e);
        }
        return future;
    }

    @Override
    public void sync(Durability level) throws IOException {
        requireNonNull(level, "level is null");
        CompletableFuture<Void> done = new CompletableFuture<>();
        lock.lock();
        try {
            checkAccepting();
            queue.add(new Barrier(level, done));
            hasWork.signal();
        } finally {
            lock.unlock();
        }
        await(done);
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
        CompletableFuture<Void> drained = new CompletableFuture<>();
        lock.lock();
        try {
            if (closing) {
                return;
            }
            closing = true;
            queue.add(new Barrier(settings.durability(), drained));
            hasWork.signal();
        } finally {
            lock.unlock();
        }
        IOException pending = null;
        try {
            await(drained);
        } catch (IOException e) {
            pending = e;
        }
        try {
            committer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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

    private RecordHandle enqueue(ByteBuffer record, long timestamp, Durability wanted,
            CompletableFuture<RecordHandle> future) throws IOException {
        requireNonNull(record, "record is null");
        int length = record.remaining();
        if (length > settings.maxRecordBytes()) {
            throw new IllegalArgumentException("record of " + length + " bytes exceeds " + WalSettings.MAX_RECORD_BYTES
                    + " = " + settings.maxRecordBytes());
        }
        if (closing) {
            throw new IllegalStateException("the write-ahead log is closed");
        }
        // Copy and checksum the payload outside the lock; only the header needs the LSN.
        int crc = RecordFrame.payloadCrc(record);
        ByteBuffer frame = ByteBuffer.allocate(RecordFrame.HEADER_BYTES + length);
        frame.position(RecordFrame.HEADER_BYTES);
        frame.put(record.duplicate());
        long size = frame.capacity();
        lock.lock();
        try {
            checkAccepting();
            while (inFlightBytes > 0 && inFlightBytes + size > settings.maxInFlightBytes()) {
                try {
                    hasRoom.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while waiting for group commit to make room");
                }
                checkAccepting();
            }
            long lsn = nextLsn++;
            RecordFrame.writeHeader(frame.clear(), lsn, timestamp, length, crc);
            frame.position(0).limit((int) size);
            queue.add(new Append(frame, lsn, timestamp, wanted, future));
            queuedBytes += size;
            inFlightBytes += size;
            hasWork.signal();
            return RecordHandle.of(lsn);
        } finally {
            lock.unlock();
        }
    }

    /** Under the lock. */
    private void checkAccepting() throws IOException {
        if (closing) {
            throw new IllegalStateException("the write-ahead log is closed");
        }
        if (failure != null) {
            throw new IOException("the write-ahead log failed earlier and must be reopened: " + failure.getMessage(),
                    failure);
        }
    }

    private void commitLoop() {
        List<Entry> batch = new ArrayList<>();
        while (true) {
            batch.clear();
            long batchBytes = 0;
            lock.lock();
            try {
                while (queue.isEmpty()) {
                    if (closing) {
                        return;
                    }
                    hasWork.awaitUninterruptibly();
                }
                waitToFill();
                while (!queue.isEmpty()) {
                    Entry e = queue.peek();
                    if (e instanceof Append a) {
                        long size = a.frame().remaining();
                        if (batchBytes > 0 && batchBytes + size > settings.maxBatchBytes()) {
                            break;
                        }
                        batchBytes += size;
                        queuedBytes -= size;
                    }
                    batch.add(queue.poll());
                }
            } finally {
                lock.unlock();
            }
            process(batch);
            lock.lock();
            try {
                inFlightBytes -= batchBytes;
                hasRoom.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /** Under the lock: with a batch delay, waits for a batch to fill unless someone waits on a barrier. */
    private void waitToFill() {
        long delay = settings.batchDelay().toNanos();
        if (delay <= 0) {
            return;
        }
        long deadline = System.nanoTime() + delay;
        while (queuedBytes < settings.maxBatchBytes() && !closing && !hasBarrier()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            try {
                hasWork.await(left, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private boolean hasBarrier() {
        for (Entry e : queue) {
            if (e instanceof Barrier) {
                return true;
            }
        }
        return false;
    }

    private void process(List<Entry> batch) {
        IOException error;
        lock.lock();
        try {
            error = failure;
        } finally {
            lock.unlock();
        }
        if (error == null) {
            try {
                List<ByteBuffer> frames = new ArrayList<>(batch.size());
                long firstLsn = -1;
                long newest = Long.MIN_VALUE;
                Durability level = Durability.NONE;
                for (Entry e : batch) {
                    if (e instanceof Append a) {
                        if (firstLsn < 0) {
                            firstLsn = a.lsn();
                        }
                        frames.add(a.frame());
                        newest = Math.max(newest, a.timestamp());
                        level = max(level, a.wanted());
                    } else if (e instanceof Barrier b) {
                        level = max(level, b.level());
                    }
                }
                if (!frames.isEmpty()) {
                    storage.write(frames, firstLsn, newest);
                }
                if (level != Durability.NONE) {
                    storage.persist(level);
                }
            } catch (IOException | RuntimeException e) {
                error = e instanceof IOException io ? io : new IOException("storage failed: " + e, e);
                fail(error);
            }
        }
        for (Entry e : batch) {
            if (e instanceof Append a && a.future() != null) {
                if (error == null) {
                    a.future().complete(RecordHandle.of(a.lsn()));
                } else {
                    a.future().completeExceptionally(error);
                }
            } else if (e instanceof Barrier b) {
                if (error == null) {
                    b.future().complete(null);
                } else {
                    b.future().completeExceptionally(error);
                }
            }
        }
    }

    private void fail(IOException error) {
        List<Entry> dropped;
        lock.lock();
        try {
            if (failure == null) {
                failure = error;
            }
            dropped = new ArrayList<>(queue);
            queue.clear();
            queuedBytes = 0;
            hasRoom.signalAll();
        } finally {
            lock.unlock();
        }
        for (Entry e : dropped) {
            if (e instanceof Append a && a.future() != null) {
                a.future().completeExceptionally(error);
            } else if (e instanceof Barrier b) {
                b.future().completeExceptionally(error);
            }
        }
    }

    private static Durability max(Durability a, Durability b) {
        return a.atLeast(b) ? a : b;
    }

    private static void await(CompletableFuture<Void> future) throws IOException {
        try {
            future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the write-ahead log");
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw new IOException(io.getMessage(), io);
            }
            throw new IOException(cause);
        }
    }
}
