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

class GroupCommitWriteAheadLogTest {
    private static final long TS = 1_700_000_000_000L;

    /** Frames kept in memory; every call recorded. Writes can be held back and made to fail. */
    private static final class MemoryStorage implements LogStorage {
        final List<ByteBuffer> frames = new ArrayList<>();
        final List<Integer> batchFrames = new ArrayList<>();
        final List<Long> batchBytes = new ArrayList<>();
        final List<Durability> persists = new ArrayList<>();
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
                            ByteBuffer p = ByteBuffer.allocate(8).putInt(thread).putInt(s).flip();
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
            assertThat(lsns[thread][seq]).as("handle of thread %d record %d", thread, seq).isEqualTo(i);
        }
        long syncs = storage.persists.stream().filter(d -> d == Durability.SYNC).count();
        assertThat(syncs).as("syncs for %d records written by %d threads", records, threads).isLessThan(records / 2);
        assertThat(storage.closed).isTrue();
    }

    @Test
    void batchesHoldAtMostMaxBatchBytesAndALargerRecordGoesAlone() throws Exception {
        MemoryStorage storage = new MemoryStorage(0);
        storage.gate = new CountDownLatch(1);
        WalSettings s = settings(Map.of(WalSettings.MAX_BATCH_BYTES, "1000"));
        try (GroupCommitWriteAheadLog wal = new GroupCommitWriteAheadLog(storage, s, Set.of(), "t")) {
            wal.append(ByteBuffer.allocate(10), TS); // taken by the committer, which then waits at the gate
            assertThat(storage.writing.await(30, TimeUnit.SECONDS)).isTrue();
            for (int i = 0; i < 50; i++) {
                wal.append(ByteBuffer.allocate(i == 25 ? 5000 : 68), TS); // 100-byte frames, one of 5032
            }
            storage.gate.countDown();
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
            assertThat(appended.await(300, TimeUnit.MILLISECONDS)).as("an append beyond the in-flight limit returned")
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
        assertThatThrownBy(() -> future.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCause(disk);
        assertThatThrownBy(() -> wal.append(ByteBuffer.allocate(1), TS)).isInstanceOf(IOException.class)
                .hasRootCause(disk);
        assertThatThrownBy(wal::sync).isInstanceOf(IOException.class).hasRootCause(disk);
        assertThat(wal.appendAsync(ByteBuffer.allocate(1), TS)).isCompletedExceptionally();
        assertThatThrownBy(wal::close).isInstanceOf(IOException.class);
        assertThat(storage.closed).as("the storage is released even after a failure").isTrue();
    }

    @Test
    void syncPersistsAtTheRequestedLevelAndCloseAtTheConfiguredOne() throws IOException {
        MemoryStorage storage = new MemoryStorage(0);
        try (GroupCommitWriteAheadLog wal = new GroupCommitWriteAheadLog(storage,
                settings(Map.of(WalSettings.DURABILITY, "flush")), Set.of(), "t")) {
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
        try (GroupCommitWriteAheadLog wal = new GroupCommitWriteAheadLog(storage,
                settings(Map.of(WalSettings.MAX_RECORD_BYTES, "10")), Set.of(), "t")) {
            assertThatThrownBy(() -> wal.append(ByteBuffer.allocate(11), TS))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("max-record-bytes");
            assertThat(wal.write(ByteBuffer.allocate(10), TS)).isEqualTo(RecordHandle.of(500));
        }
        assertThat(storage.headers().get(0).lsn()).isEqualTo(500);
    }
}
