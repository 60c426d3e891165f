package dev.lifeboat.backend.common.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.spi.Options;
import dev.lifeboat.spi.wal.CloseableIterator;
import dev.lifeboat.spi.wal.Durability;
import dev.lifeboat.spi.wal.LogRecord;
import dev.lifeboat.spi.wal.RecordHandle;
import dev.lifeboat.spi.wal.RecoveryReport;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class GroupCommitWriteAheadLogTest {
    private static final long TS = 1_700_000_000_000L;

    /** Frames kept in memory; every call recorded. Writes can be held back and made to fail. */
    private static final class MemoryStorage implements LogStorage {
        final List<ByteBuffer> frames = new ArrayList<>();
        final List<Integer> batchFrames = new ArrayList<>();
        final List<Long> batchBytes = new ArrayList<>();
        final List<Durability> persists = new ArrayList<>();
        final List<String> writerThreads = new ArrayList<>();
        final List<String> persistThreads = new ArrayList<>();
        volatile boolean sawInterrupt;
        final long firstLsn;
        volatile CountDownLatch gate = new CountDownLatch(0);
        final CountDownLatch writing = new CountDownLatch(1);
        volatile IOException failWrites;
        volatile long persistMillis;
        boolean closed;

        MemoryStorage(long firstLsn) {
            this.firstLsn = firstLsn;
        }

        @Override
        public RecoveryReport recovery() {
            return RecoveryReport.clean(firstLsn);
        }

        @Override
        public synchronized void write(List<ByteBuffer> batch, long lsn, long newestTimestamp) throws IOException {
            writerThreads.add(Thread.currentThread().getName());
            if (Thread.currentThread().isInterrupted()) {
                sawInterrupt = true;
            }
            writing.countDown();
            try {
                gate.await();
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
            if (failWrites != null) {
                throw failWrites;
            }
            assertThat(lsn).as("first LSN of a batch").isEqualTo(firstLsn + frames.size());
            long bytes = 0;
            for (ByteBuffer f : batch) {
                bytes += f.remaining();
                frames.add(ByteBuffer.allocate(f.remaining()).put(f.duplicate()).flip());
            }
            batchFrames.add(batch.size());
            batchBytes.add(bytes);
        }

        @Override
        public synchronized void persist(Durability level) throws IOException {
            persists.add(level);
            persistThreads.add(Thread.currentThread().getName());
            if (persistMillis > 0) {
                try {
                    Thread.sleep(persistMillis); // what an fsync costs
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
            }
        }

        synchronized List<RecordFrame.Header> headers() {
            List<RecordFrame.Header> out = new ArrayList<>();
            for (ByteBuffer f : frames) {
                out.add(RecordFrame.decodeHeader(f));
            }
            return out;
        }

        @Override
        public Optional<LogRecord> read(long lsn) {
            return Optional.empty();
        }

        @Override
        public CloseableIterator<LogRecord> replay(long fromLsn) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<RecordHandle> first() {
            return Optional.empty();
        }

        @Override
        public Optional<RecordHandle> last() {
            return Optional.empty();
        }

        @Override
        public void truncateBefore(long lsn) {}

        @Override
        public void truncateBeforeTime(long thresholdMillis) {}

        @Override
        public synchronized void close() {
            closed = true;
        }
    }

    private static WalSettings settings(Map<String, String> options) {
        return WalSettings.from(Options.of("test", options, WalSettings.OPTIONS));
    }

    @Test
    void concurrentWritersShareOneSyncPerBatchAndKeepTheirOwnHandles() throws Exception {
        MemoryStorage storage = new MemoryStorage(0);
        storage.persistMillis = 2;
        int threads = 16;
        int perThread = 50;
        long[][] lsns = new long[threads][perThread];
        try (GroupCommitWriteAheadLog wal = new GroupCommitWriteAheadLog(storage, settings(Map.of()), Set.of(), "t")) {
            List<Thread> writers = new ArrayList<>();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                Thread writer = new Thread(() -> {
                    try {
                        for (int s = 0; s < perThread; s++) {
                            ByteBuffer p = ByteBuffer.allocate(8)
                                    .putInt(thread)
                                    .putInt(s)
                                    .flip();
                            lsns[thread][s] = wal.write(p, TS + s).lsn();
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                });
                writers.add(writer);
                writer.start();
            }
            for (Thread writer : writers) {
                writer.join();
            }
            assertThat(failure.get()).isNull();
        }
        int records = threads * perThread;
        List<RecordFrame.Header> headers = storage.headers();
        assertThat(headers).hasSize(records);
        for (int i = 0; i < records; i++) {
            assertThat(headers.get(i).lsn()).isEqualTo(i);
            ByteBuffer payload = storage.frames.get(i).duplicate().position(RecordFrame.HEADER_BYTES);
            int thread = payload.getInt();
            int seq = payload.getInt();
            assertThat(lsns[thread][seq])
                    .as("handle of thread %d record %d", thread, seq)
                    .isEqualTo(i);
        }
        long syncs = storage.persists.stream().filter(d -> d == Durability.SYNC).count();
        assertThat(syncs)
                .as("syncs for %d records written by %d threads", records, threads)
                .isLessThan(records / 2);
        assertThat(storage.closed).isTrue();
    }

    @Test
    void batchesHoldAtMostMaxBatchBytesAndALargerRecordGoesAlone() throws Exception {
        MemoryStorage storage = new MemoryStorage(0);
        storage.gate = new CountDownLatch(1);
        WalSettings s = settings(Map.of(WalSettings.MAX_BATCH_BYTES, "1000"));
        try (GroupCommitWriteAheadLog wal = new GroupCommitWriteAheadLog(storage, s, Set.of(), "t")) {
            Thread leader = writeInBackground(wal, ByteBuffer.allocate(10)); // leads, then waits at the gate
            assertThat(storage.writing.await(30, TimeUnit.SECONDS)).isTrue();
            for (int i = 0; i < 50; i++) {
                wal.append(ByteBuffer.allocate(i == 25 ? 5000 : 68), TS); // 100-byte frames, one of 5032
            }
            storage.gate.countDown();
            leader.join();
            wal.sync(Durability.FLUSH);
        }
        assertThat(storage.headers()).hasSize(51);
        for (int b = 0; b < storage.batchBytes.size(); b++) {
            if (storage.batchFrames.get(b) > 1) {
                assertThat(storage.batchBytes.get(b)).as("bytes of batch %d", b).isLessThanOrEqualTo(1000);
            }
        }
        assertThat(storage.batchBytes).contains(5032L);
        assertThat(storage.batchFrames).as("queued records are batched").contains(10);
    }

    @Test
    void aLoneWriterWritesInItsOwnThreadAtEveryLevel() throws Exception {
        for (Durability level : Durability.values()) {
            MemoryStorage storage = new MemoryStorage(0);
            WalSettings s = settings(Map.of(WalSettings.DURABILITY, level.name().toLowerCase(java.util.Locale.ROOT)));
            try (GroupCommitWriteAheadLog wal = new GroupCommitWriteAheadLog(storage, s, Set.of(), "t")) {
                for (int i = 0; i < 10; i++) {
                    wal.write(ByteBuffer.allocate(10), TS);
                }
                assertThat(storage.headers())
                        .as("records stored when write returns at %s", level)
                        .hasSize(10);
            }
            assertThat(storage.writerThreads)
                    .as("threads that wrote at %s", level)
                    .containsOnly(Thread.currentThread().getName());
            if (level != Durability.NONE) {
                assertThat(storage.persists)
                        .as("one persist per record at %s", level)
                        .hasSize(10)
                        .containsOnly(level);
            }
        }
    }

    @Test
    void aLoneWriterStoresItsRecordDirectlyInItsOwnThreadAndALaterWriterJoinsTheNextBatch() throws Exception {
        for (Durability level : new Durability[] {Durability.FLUSH, Durability.SYNC}) {
            MemoryStorage storage = new MemoryStorage(0);
            WalSettings s = settings(Map.of(WalSettings.DURABILITY, level.name().toLowerCase(java.util.Locale.ROOT)));
            String me = Thread.currentThread().getName();
            try (GroupCommitWriteAheadLog wal = new GroupCommitWriteAheadLog(storage, s, Set.of(), "direct")) {
                for (int i = 0; i < 5; i++) {
                    assertThat(wal.write(ByteBuffer.allocate(10), TS)).isEqualTo(RecordHandle.of(i));
                }
                assertThat(storage.writerThreads).as("write at %s", level).containsOnly(me);
                assertThat(storage.persistThreads).as("persist at %s", level).containsOnly(me);
                assertThat(storage.persists)
                        .as("one persist per record at %s", level)
                        .hasSize(5)
                        .containsOnly(level);
                assertThat(Thread.getAllStackTraces().keySet())
                        .as("no helper thread started at %s", level)
                        .noneMatch(t -> t.getName().equals("lifeboat-wal-group-commit-direct"));

                // A writer arriving while the lone writer's record is in storage queues behind it
                // and leads the next batch itself.
                storage.gate = new CountDownLatch(1);
                CountDownLatch writing = new CountDownLatch(1);
                AtomicReference<Throwable> failure = new AtomicReference<>();
                Thread lone = new Thread(
                        () -> {
                            try {
                                writing.countDown();
                                wal.write(ByteBuffer.allocate(10), TS);
                            } catch (Throwable e) {
                                failure.compareAndSet(null, e);
                            }
                        },
                        "lone");
                lone.start();
                assertThat(writing.await(30, TimeUnit.SECONDS)).isTrue();
                awaitParked(lone); // at the gate, inside storage.write
                Thread follower = new Thread(
                        () -> {
                            try {
                                wal.write(ByteBuffer.allocate(20), TS);
                            } catch (Throwable e) {
                                failure.compareAndSet(null, e);
                            }
                        },
                        "follower");
                follower.start();
                awaitParked(follower);
                storage.gate.countDown();
                lone.join();
                follower.join();
                assertThat(failure.get()).isNull();
                assertThat(storage.writerThreads.subList(5, 7)).containsExactly("lone", "follower");
                assertThat(storage.persistThreads.subList(5, 7)).containsExactly("lone", "follower");
            }
            assertThat(storage.headers())
                    .extracting(RecordFrame.Header::lsn)
                    .containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L);
        }
    }

    @Test
    void aLoneWritersStorageFailureFailsTheLogBeforeItReturns() throws Exception {
        for (Durability level : new Durability[] {Durability.FLUSH, Durability.SYNC}) {
            MemoryStorage storage = new MemoryStorage(0);
            IOException disk = new IOException("disk on fire");
            storage.failWrites = disk;
            WalSettings s = settings(Map.of(WalSettings.DURABILITY, level.name().toLowerCase(java.util.Locale.ROOT)));
            GroupCommitWriteAheadLog wal = new GroupCommitWriteAheadLog(storage, s, Set.of(), "direct");
            assertThatThrownBy(() -> wal.write(ByteBuffer.allocate(10), TS))
                    .as("the storage's own exception at %s", level)
                    .isSameAs(disk);
            assertThat(storage.writerThreads)
                    .containsOnly(Thread.currentThread().getName());
            storage.failWrites = null; // storage works again: the log must still refuse
            assertThatThrownBy(() -> wal.write(ByteBuffer.allocate(1), TS))
                    .isInstanceOf(IOException.class)
                    .hasRootCause(disk);
            assertThatThrownBy(() -> wal.append(ByteBuffer.allocate(1), TS))
                    .isInstanceOf(IOException.class)
                    .hasRootCause(disk);
            assertThatThrownBy(wal::sync).isInstanceOf(IOException.class).hasRootCause(disk);
            assertThat(wal.appendAsync(ByteBuffer.allocate(1), TS)).isCompletedExceptionally();
            assertThat(storage.writerThreads)
                    .as("storage calls after the failure")
                    .hasSize(1);
            assertThatThrownBy(wal::close).isInstanceOf(IOException.class);
            assertThat(storage.closed).isTrue();
            assertThat(storage.headers()).isEmpty();
        }
    }

    @Test
    @Timeout(60) // a caller that led inline would block on the gate forever
    void oneThreadPipeliningAppendAsyncNeverWaitsForStorageAndIsBatched() throws Exception {
        MemoryStorage storage = new MemoryStorage(0);
        storage.gate = new CountDownLatch(1);
        try (GroupCommitWriteAheadLog wal = new GroupCommitWriteAheadLog(storage, settings(Map.of()), Set.of(), "t")) {
            List<CompletableFuture<RecordHandle>> futures = new ArrayList<>();
            futures.add(wal.appendAsync(ByteBuffer.allocate(10), TS));
            assertThat(storage.writing.await(30, TimeUnit.SECONDS))
                    .as("the helper writes the first record")
                    .isTrue();
            for (int i = 1; i < 100; i++) {
                futures.add(wal.appendAsync(ByteBuffer.allocate(10), TS));
            }
            assertThat(futures)
                    .as("appendAsync returns while storage is blocked")
                    .noneMatch(CompletableFuture::isDone);
            storage.gate.countDown();
            for (int i = 0; i < futures.size(); i++) {
                assertThat(futures.get(i).get(30, TimeUnit.SECONDS)).isEqualTo(RecordHandle.of(i));
            }
            assertThat(storage.batchFrames)
                    .as("records queued during a batch go in the next one")
                    .containsExactly(1, 99);
            assertThat(storage.writerThreads).as("threads that wrote").containsOnly("lifeboat-wal-group-commit-t");
        }
    }

    @Test
    void writersArrivingDuringABatchJoinTheNextOneLedByOneOfThem() throws Exception {
        MemoryStorage storage = new MemoryStorage(0);
        storage.gate = new CountDownLatch(1);
        try (GroupCommitWriteAheadLog wal = new GroupCommitWriteAheadLog(storage, settings(Map.of()), Set.of(), "t")) {
            Thread first = writeInBackground(wal, ByteBuffer.allocate(10));
            assertThat(storage.writing.await(30, TimeUnit.SECONDS)).isTrue();
            List<Thread> followers = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                followers.add(writeInBackground(wal, ByteBuffer.allocate(10)));
            }
            for (Thread f : followers) {
                awaitParked(f);
            }
            storage.gate.countDown();
            first.join();
            for (Thread f : followers) {
                f.join();
            }
            assertThat(storage.batchFrames).containsExactly(1, 6);
            assertThat(storage.persists).containsExactly(Durability.SYNC, Durability.SYNC);
            assertThat(followers.stream().map(Thread::getName))
                    .as("the second batch is led by a follower")
                    .contains(storage.writerThreads.get(1));
        }
    }

    @Test
    void futuresQueuedBehindABatchWithNobodyWaitingAreCompletedByTheHelper() throws Exception {
        MemoryStorage storage = new MemoryStorage(0);
        storage.gate = new CountDownLatch(1);
        try (GroupCommitWriteAheadLog wal = new GroupCommitWriteAheadLog(storage, settings(Map.of()), Set.of(), "t")) {
            Thread first = writeInBackground(wal, ByteBuffer.allocate(10));
            assertThat(storage.writing.await(30, TimeUnit.SECONDS)).isTrue();
            List<CompletableFuture<RecordHandle>> futures = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                futures.add(wal.appendAsync(ByteBuffer.allocate(10), TS));
            }
            assertThat(futures)
                    .as("appendAsync does not wait for a batch in flight")
                    .noneMatch(CompletableFuture::isDone);
            storage.gate.countDown();
            for (int i = 0; i < 5; i++) {
                assertThat(futures.get(i).get(30, TimeUnit.SECONDS)).isEqualTo(RecordHandle.of(i + 1));
            }
            first.join();
            assertThat(storage.writerThreads.get(1)).isEqualTo("lifeboat-wal-group-commit-t");
        }
    }

    @Test
    void anInterruptedFollowerStopsWaitingAndItsRecordIsStillWritten() throws Exception {
        MemoryStorage storage = new MemoryStorage(0);
        storage.gate = new CountDownLatch(1);
        try (GroupCommitWriteAheadLog wal = new GroupCommitWriteAheadLog(storage, settings(Map.of()), Set.of(), "t")) {
            Thread first = writeInBackground(wal, ByteBuffer.allocate(10));
            assertThat(storage.writing.await(30, TimeUnit.SECONDS)).isTrue();
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            Thread follower = new Thread(() -> {
                try {
                    wal.write(ByteBuffer.allocate(20), TS);
                } catch (Throwable e) {
                    thrown.set(e);
                }
            });
            follower.start();
            awaitParked(follower);
            follower.interrupt();
            follower.join();
            assertThat(thrown.get()).isInstanceOf(java.io.InterruptedIOException.class);
            storage.gate.countDown();
            first.join();
            wal.sync();
        }
        assertThat(storage.headers()).extracting(RecordFrame.Header::length).containsExactly(10, 20);
    }

    @Test
    @org.junit.jupiter.api.Timeout(120)
    void aWriterInterruptedTwiceWhileItsRecordsAreQueuedWritesAgainWithoutTouchingThem() throws Exception {
        MemoryStorage storage = new MemoryStorage(0);
        storage.gate = new CountDownLatch(1);
        try (GroupCommitWriteAheadLog wal = new GroupCommitWriteAheadLog(storage, settings(Map.of()), Set.of(), "t")) {
            Thread first = writeInBackground(wal, ByteBuffer.allocate(10));
            assertThat(storage.writing.await(30, TimeUnit.SECONDS)).isTrue();
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            java.util.concurrent.Semaphore interrupted = new java.util.concurrent.Semaphore(0);
            List<Long> lsns = new java.util.concurrent.CopyOnWriteArrayList<>();
            Thread follower = new Thread(() -> {
                try {
                    for (int size : new int[] {20, 30}) {
                        try {
                            wal.write(ByteBuffer.allocate(size), TS);
                            thrown.set(new AssertionError("not interrupted"));
                        } catch (java.io.InterruptedIOException e) {
                            Thread.interrupted();
                            interrupted.release();
                        }
                    }
                    // The records of 20 and 30 bytes are still queued with their entries; these
                    // writes must not reuse them.
                    for (int size : new int[] {40, 50, 60}) {
                        lsns.add(wal.write(ByteBuffer.allocate(size), TS).lsn());
                    }
                } catch (Throwable e) {
                    thrown.compareAndSet(null, e);
                }
            });
            follower.start();
            for (int i = 0; i < 2; i++) {
                awaitParked(follower);
                follower.interrupt();
                assertThat(interrupted.tryAcquire(30, TimeUnit.SECONDS)).isTrue();
            }
            storage.gate.countDown();
            first.join(30_000);
            follower.join(30_000);
            assertThat(follower.isAlive()).as("the follower's writes return").isFalse();
            assertThat(thrown.get()).isNull();
            assertThat(lsns).containsExactly(3L, 4L, 5L);
        }
        assertThat(storage.headers()).extracting(RecordFrame.Header::length).containsExactly(10, 20, 30, 40, 50, 60);
    }

    @Test
    void aLeaderWritesWithItsInterruptStatusClearedAndGetsItBack() throws Exception {
        MemoryStorage storage = new MemoryStorage(0);
        try (GroupCommitWriteAheadLog wal = new GroupCommitWriteAheadLog(storage, settings(Map.of()), Set.of(), "t")) {
            Thread.currentThread().interrupt();
            try {
                assertThat(wal.write(ByteBuffer.allocate(10), TS)).isEqualTo(RecordHandle.of(0));
                assertThat(Thread.currentThread().isInterrupted()).isTrue();
            } finally {
                Thread.interrupted();
            }
        }
        assertThat(storage.sawInterrupt)
                .as("storage called with the interrupt status set")
                .isFalse();
    }

    @Test
    void closeWhileWritersWaitWritesTheirRecordsFirst() throws Exception {
        MemoryStorage storage = new MemoryStorage(0);
        storage.gate = new CountDownLatch(1);
        GroupCommitWriteAheadLog wal = new GroupCommitWriteAheadLog(storage, settings(Map.of()), Set.of(), "t");
        Thread first = writeInBackground(wal, ByteBuffer.allocate(10));
        assertThat(storage.writing.await(30, TimeUnit.SECONDS)).isTrue();
        List<Thread> followers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            followers.add(writeInBackground(wal, ByteBuffer.allocate(10)));
        }
        for (Thread f : followers) {
            awaitParked(f);
        }
        AtomicReference<Throwable> closeFailure = new AtomicReference<>();
        Thread closer = new Thread(() -> {
            try {
                wal.close();
            } catch (Throwable e) {
                closeFailure.set(e);
            }
        });
        closer.start();
        awaitParked(closer);
        assertThatThrownBy(() -> wal.append(ByteBuffer.allocate(1), TS)).isInstanceOf(IllegalStateException.class);
        storage.gate.countDown();
        closer.join();
        first.join();
        for (Thread f : followers) {
            f.join();
        }
        assertThat(closeFailure.get()).isNull();
        assertThat(storage.headers()).hasSize(4);
        assertThat(storage.closed).isTrue();
    }

    @Test
    void aFailedBatchFailsTheWritersQueuedBehindIt() throws Exception {
        MemoryStorage storage = new MemoryStorage(0);
        storage.gate = new CountDownLatch(1);
        IOException disk = new IOException("disk on fire");
        storage.failWrites = disk;
        GroupCommitWriteAheadLog wal = new GroupCommitWriteAheadLog(storage, settings(Map.of()), Set.of(), "t");
        CompletableFuture<RecordHandle> first = CompletableFuture.supplyAsync(() -> {
            try {
                return wal.write(ByteBuffer.allocate(10), TS);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertThat(storage.writing.await(30, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<RecordHandle> queued = wal.appendAsync(ByteBuffer.allocate(10), TS);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread follower = new Thread(() -> {
            try {
                wal.write(ByteBuffer.allocate(10), TS);
            } catch (Throwable e) {
                thrown.set(e);
            }
        });
        follower.start();
        awaitParked(follower);
        storage.gate.countDown();
        assertThatThrownBy(() -> first.get(30, TimeUnit.SECONDS)).hasRootCause(disk);
        assertThatThrownBy(() -> queued.get(30, TimeUnit.SECONDS)).hasRootCause(disk);
        follower.join();
        assertThat(thrown.get()).as("the storage's own exception").isSameAs(disk);
        assertThatThrownBy(() -> wal.write(ByteBuffer.allocate(1), TS))
                .isInstanceOf(IOException.class)
                .hasRootCause(disk);
        assertThatThrownBy(wal::close).isInstanceOf(IOException.class);
        assertThat(storage.closed).isTrue();
    }

    @Test
    void aWriterAtNoneThatLedAFailedBatchSeesTheFailure() throws Exception {
        MemoryStorage storage = new MemoryStorage(0);
        IOException disk = new IOException("disk on fire");
        storage.failWrites = disk;
        GroupCommitWriteAheadLog wal =
                new GroupCommitWriteAheadLog(storage, settings(Map.of(WalSettings.DURABILITY, "none")), Set.of(), "t");
        assertThatThrownBy(() -> wal.write(ByteBuffer.allocate(1), TS)).isSameAs(disk);
        assertThat(wal.appendAsync(ByteBuffer.allocate(1), TS)).isCompletedExceptionally();
        assertThatThrownBy(wal::close).isInstanceOf(IOException.class);
    }

    @Test
    void anAppenderThatWroteAFullBatchItselfSeesItsFailure() throws Exception {
        MemoryStorage storage = new MemoryStorage(0);
        IOException disk = new IOException("disk on fire");
        storage.failWrites = disk;
        GroupCommitWriteAheadLog wal = new GroupCommitWriteAheadLog(
                storage, settings(Map.of(WalSettings.MAX_BATCH_BYTES, "1")), Set.of(), "t");
        assertThatThrownBy(() -> wal.append(ByteBuffer.allocate(1), TS))
                .as("a batch's worth queued: the appender wrote it, and gets no handle for a record it failed to write")
                .isSameAs(disk);
        assertThatThrownBy(() -> wal.append(ByteBuffer.allocate(1), TS))
                .isInstanceOf(IOException.class)
                .hasRootCause(disk);
        assertThatThrownBy(wal::close).isInstanceOf(IOException.class);
    }

    @Test
    void withADelayTheLeaderWaitsForAFullBatchAndASyncCutsTheWaitShort() throws Exception {
        MemoryStorage storage = new MemoryStorage(0);
        // 10-byte records make 42-byte frames: four fill a batch long before the delay ends.
        WalSettings s = settings(Map.of(WalSettings.BATCH_DELAY, "10s", WalSettings.MAX_BATCH_BYTES, "168"));
        try (GroupCommitWriteAheadLog wal = new GroupCommitWriteAheadLog(storage, s, Set.of(), "t")) {
            List<Thread> writers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                writers.add(writeInBackground(wal, ByteBuffer.allocate(10)));
            }
            for (Thread w : writers) {
                w.join(TimeUnit.SECONDS.toMillis(5));
                assertThat(w.isAlive())
                        .as("a full batch does not wait for the delay")
                        .isFalse();
            }
            assertThat(storage.batchFrames).containsExactly(4);
            Thread lone = writeInBackground(wal, ByteBuffer.allocate(10));
            awaitParked(lone); // the leader waits for its batch to fill
            long start = System.nanoTime();
            wal.sync(Durability.FLUSH);
            lone.join();
            assertThat(System.nanoTime() - start)
                    .as("sync does not wait for the delay")
                    .isLessThan(TimeUnit.SECONDS.toNanos(5));
            assertThat(storage.headers()).hasSize(5);
        }
    }

    private static Thread writeInBackground(GroupCommitWriteAheadLog wal, ByteBuffer record) {
        Thread t = new Thread(() -> {
            try {
                wal.write(record, TS);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        t.start();
        return t;
    }

    /** Waits until {@code t} is parked (waiting for a batch, or for the lock). */
    private static void awaitParked(Thread t) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (t.getState() != Thread.State.WAITING && t.getState() != Thread.State.TIMED_WAITING) {
            assertThat(System.nanoTime()).as("%s parks", t.getName()).isLessThan(deadline);
            Thread.sleep(1);
        }
    }

    @Test
    void appendersWaitWhileTooManyBytesAreInFlight() throws Exception {
        MemoryStorage storage = new MemoryStorage(0);
        storage.gate = new CountDownLatch(1);
        WalSettings s = settings(Map.of(WalSettings.MAX_IN_FLIGHT_BYTES, "300"));
        try (GroupCommitWriteAheadLog wal = new GroupCommitWriteAheadLog(storage, s, Set.of(), "t")) {
            wal.append(ByteBuffer.allocate(68), TS);
            wal.append(ByteBuffer.allocate(68), TS);
            wal.append(ByteBuffer.allocate(68), TS); // 300 bytes in flight
            CountDownLatch appended = new CountDownLatch(1);
            Thread blocked = new Thread(() -> {
                try {
                    wal.append(ByteBuffer.allocate(68), TS);
                    appended.countDown();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            blocked.start();
            assertThat(appended.await(300, TimeUnit.MILLISECONDS))
                    .as("an append beyond the in-flight limit returned")
                    .isFalse();
            storage.gate.countDown();
            assertThat(appended.await(30, TimeUnit.SECONDS)).isTrue();
            blocked.join();
        }
        assertThat(storage.headers()).hasSize(4);
    }

    @Test
    void aStorageFailureFailsTheBatchAndEveryLaterCall() throws Exception {
        MemoryStorage storage = new MemoryStorage(0);
        IOException disk = new IOException("disk on fire");
        storage.failWrites = disk;
        GroupCommitWriteAheadLog wal = new GroupCommitWriteAheadLog(storage, settings(Map.of()), Set.of(), "t");
        CompletableFuture<RecordHandle> future = wal.appendAsync(ByteBuffer.allocate(1), TS);
        assertThatThrownBy(() -> future.get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCause(disk);
        assertThatThrownBy(() -> wal.append(ByteBuffer.allocate(1), TS))
                .isInstanceOf(IOException.class)
                .hasRootCause(disk);
        assertThatThrownBy(wal::sync).isInstanceOf(IOException.class).hasRootCause(disk);
        assertThat(wal.appendAsync(ByteBuffer.allocate(1), TS)).isCompletedExceptionally();
        assertThatThrownBy(wal::close).isInstanceOf(IOException.class);
        assertThat(storage.closed)
                .as("the storage is released even after a failure")
                .isTrue();
    }

    @Test
    void syncPersistsAtTheRequestedLevelAndCloseAtTheConfiguredOne() throws IOException {
        MemoryStorage storage = new MemoryStorage(0);
        try (GroupCommitWriteAheadLog wal = new GroupCommitWriteAheadLog(
                storage, settings(Map.of(WalSettings.DURABILITY, "flush")), Set.of(), "t")) {
            wal.append(ByteBuffer.allocate(1), TS);
            wal.sync(Durability.SYNC);
            assertThat(storage.persists).containsExactly(Durability.SYNC);
            wal.append(ByteBuffer.allocate(1), TS);
        }
        assertThat(storage.persists).containsExactly(Durability.SYNC, Durability.FLUSH);
        assertThat(storage.headers()).hasSize(2);
    }

    @Test
    void appendsContinueAtTheRecoveredLsnAndARejectedRecordTakesNone() throws IOException {
        MemoryStorage storage = new MemoryStorage(500);
        try (GroupCommitWriteAheadLog wal = new GroupCommitWriteAheadLog(
                storage, settings(Map.of(WalSettings.MAX_RECORD_BYTES, "10")), Set.of(), "t")) {
            assertThatThrownBy(() -> wal.append(ByteBuffer.allocate(11), TS))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("max-record-bytes");
            assertThat(wal.write(ByteBuffer.allocate(10), TS)).isEqualTo(RecordHandle.of(500));
        }
        assertThat(storage.headers().get(0).lsn()).isEqualTo(500);
    }
}
