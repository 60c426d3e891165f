package dev.lifeboat.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.lifeboat.compat.internal.ChildArgs;
import dev.lifeboat.compat.internal.ChildJvm;
import dev.lifeboat.compat.internal.Kit;
import dev.lifeboat.compat.internal.Payloads;
import dev.lifeboat.compat.internal.Seeds;
import dev.lifeboat.compat.internal.WalCrashChild;
import dev.lifeboat.spi.Capability;
import dev.lifeboat.spi.ConcurrentWriterException;
import dev.lifeboat.spi.CorruptDataException;
import dev.lifeboat.spi.Lifeboat;
import dev.lifeboat.spi.OptionSpec;
import dev.lifeboat.spi.fault.StorageFaults;
import dev.lifeboat.spi.fault.StoredKind;
import dev.lifeboat.spi.fault.StoredObject;
import dev.lifeboat.spi.wal.CloseableIterator;
import dev.lifeboat.spi.wal.Durability;
import dev.lifeboat.spi.wal.LogRecord;
import dev.lifeboat.spi.wal.RecordHandle;
import dev.lifeboat.spi.wal.RecoveryReport;
import dev.lifeboat.spi.wal.WriteAheadLog;
import dev.lifeboat.spi.wal.WriteAheadLogProvider;
import dev.lifeboat.spi.wal.WriteAheadLogReader;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The contract every {@link WriteAheadLog} backend keeps. A backend's test extends this class and
 * supplies its provider, a fresh root per call, and the options its server needs, as
 * {@link BackendContract} shows; the tests every contract shares (discovery, an unknown option
 * key, capabilities) come from there.
 *
 * <p>Every log is opened through {@link Lifeboat} with {@link #options()} plus the standard WAL
 * keys a test needs ({@code durability}, {@code segment-bytes}, {@code max-record-bytes}).
 *
 * <p>The crash test runs {@link WalCrashChild} in a child JVM (same {@code java}, class path and
 * module flags as the test JVM) and kills it with {@code SIGKILL}, so the backend's classes and
 * everything {@link #newRoot()} points at must be reachable from another process.
 *
 * <p>One long class on purpose, as Micrometer's {@code MeterRegistryCompatibilityKit} is: a
 * backend's test extends exactly one class per contract and inherits every test, {@code lifeboat
 * tck} and the capability matrix count the tests per contract class, and a split would make every
 * backend author extend several classes and keep them in step. Its child processes, payloads and
 * fault hooks live in {@code compat.internal}; what stays here is one test method per guarantee.
 */
public abstract non-sealed class WriteAheadLogContract extends BackendContract<WriteAheadLogProvider, WriteAheadLog> {
    /** The standard option keys every WAL backend accepts. */
    public static final List<String> STANDARD_OPTION_KEYS = List.of(
            "durability",
            "segment-bytes",
            "max-record-bytes",
            "group-commit.max-batch-bytes",
            "group-commit.delay",
            "group-commit.max-in-flight-bytes");

    private static final long SEED = 0x5EED_4A11L;
    /** The timestamp of the kit's first record; later records add their index. For overrides. */
    protected static final long TS = 1_700_000_000_000L;

    private static final Duration CHILD_START = Duration.ofSeconds(60);
    private static final Duration CHILD_ACK = Duration.ofSeconds(60);

    @Override
    final WriteAheadLogProvider discoveredProvider(URI uri) {
        return Lifeboat.walProvider(uri);
    }

    @Override
    final WriteAheadLog openThroughLifeboat(URI root, Map<String, String> options) throws IOException {
        return Lifeboat.openWriteAheadLog(root, options);
    }

    @Override
    final Set<Capability> capabilitiesOf(WriteAheadLog log) {
        return log.capabilities();
    }

    // ---------------------------------------------------------------- options

    @Test
    public void standardOptionKeysAreAccepted() {
        List<OptionSpec> specs = provider().options();
        for (String key : STANDARD_OPTION_KEYS) {
            assertThat(specs.stream().anyMatch(s -> s.accepts(key)))
                    .as("the provider's options() accept the standard key '%s'", key)
                    .isTrue();
        }
    }

    @Test
    public void badOptionValueIsRejectedNamingIt() {
        assertThatThrownBy(() ->
                        openLog(newRoot(), Map.of("durability", "sometimes")).close())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sometimes");
    }

    @ParameterizedTest(name = "durability={0}")
    @EnumSource(Durability.class)
    public void durabilityOptionIsHonoured(Durability level) throws IOException {
        URI root = newRoot();
        String value = level.name().toLowerCase(Locale.ROOT);
        try (WriteAheadLog wal = openLog(root, Map.of("durability", value))) {
            assertThat(wal.durability()).isEqualTo(level);
            RecordHandle h = wal.write(ByteBuffer.wrap(record(0)), TS);
            assertThat(h).isEqualTo(RecordHandle.of(0));
            wal.sync(Durability.FLUSH);
        }
        try (WriteAheadLog wal = openLog(root, Map.of("durability", value))) {
            assertRecords(wal, 0, List.of(record(0)));
        }
    }

    // ---------------------------------------------------------------- basic behaviour

    @Test
    public void newLogIsEmpty() throws IOException {
        try (WriteAheadLog wal = openLog(newRoot(), Map.of())) {
            assertThat(wal.recovery().nextLsn()).isZero();
            assertThat(wal.recovery().tornTail()).isEmpty();
            assertThat(wal.first()).isEmpty();
            assertThat(wal.last()).isEmpty();
            assertThat(wal.read(RecordHandle.of(0))).isEmpty();
            assertThat(readAll(wal)).isEmpty();
        }
    }

    @Test
    public void lsnsStartAtZeroAndFollowAppendOrder() throws IOException {
        try (WriteAheadLog wal = openLog(newRoot(), Map.of())) {
            List<byte[]> written = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                byte[] r = record(i);
                written.add(r);
                RecordHandle h =
                        i % 2 == 0 ? wal.append(ByteBuffer.wrap(r), TS + i) : wal.write(ByteBuffer.wrap(r), TS + i);
                assertThat(h.lsn()).as("LSN of the record appended %d-th", i).isEqualTo(i);
            }
            wal.sync();
            assertRecords(wal, 0, written);
            assertThat(wal.first()).contains(RecordHandle.of(0));
            assertThat(wal.last()).contains(RecordHandle.of(99));
            for (int i = 0; i < 100; i++) {
                Optional<LogRecord> r = wal.read(RecordHandle.of(i));
                assertThat(r).as("read(lsn:%d)", i).isPresent();
                assertThat(r.get().bytes()).isEqualTo(written.get(i));
                assertThat(r.get().timestampMillis()).isEqualTo(TS + i);
                assertThat(r.get().handle()).isEqualTo(RecordHandle.of(i));
            }
            assertThat(wal.read(RecordHandle.of(100)))
                    .as("a record not yet written")
                    .isEmpty();
        }
    }

    @Test
    public void appendDoesNotKeepTheCallersBuffer() throws IOException {
        try (WriteAheadLog wal = openLog(newRoot(), Map.of())) {
            byte[] bytes = record(1);
            byte[] copy = bytes.clone();
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            RecordHandle h = wal.append(buffer, TS);
            assertThat(buffer.remaining())
                    .as("append must not move the caller's buffer")
                    .isEqualTo(bytes.length);
            Arrays.fill(bytes, (byte) 0x55); // reused by the caller at once
            wal.sync();
            assertThat(wal.read(h).orElseThrow().bytes()).isEqualTo(copy);
        }
    }

    @Test
    public void handleRoundTripsThroughBytes() throws IOException {
        try (WriteAheadLog wal = openLog(newRoot(), Map.of())) {
            RecordHandle last = null;
            for (int i = 0; i < 5; i++) {
                last = wal.append(ByteBuffer.wrap(record(i)), TS + i);
            }
            wal.sync();
            byte[] bytes = last.toBytes();
            assertThat(bytes).hasSize(RecordHandle.SERIALIZED_SIZE);
            RecordHandle back = RecordHandle.fromBytes(bytes);
            assertThat(back).isEqualTo(last).isEqualByComparingTo(last);
            assertThat(wal.read(back).orElseThrow().bytes()).isEqualTo(record(4));
        }
    }

    @Test
    public void recordsSurviveCloseAndReopen() throws IOException {
        URI root = newRoot();
        List<byte[]> written = new ArrayList<>();
        try (WriteAheadLog wal = openLog(root, Map.of())) {
            for (int i = 0; i < 50; i++) {
                written.add(record(i));
                wal.append(ByteBuffer.wrap(record(i)), TS + i);
            }
        }
        try (WriteAheadLog wal = openLog(root, Map.of())) {
            assertThat(wal.recovery()).isEqualTo(RecoveryReport.clean(50));
            assertRecords(wal, 0, written);
            assertThat(wal.read(RecordHandle.of(7)).orElseThrow().timestampMillis())
                    .isEqualTo(TS + 7);
            RecordHandle next = wal.write(ByteBuffer.wrap(record(50)), TS + 50);
            assertThat(next).as("appends continue after the last record").isEqualTo(RecordHandle.of(50));
            written.add(record(50));
        }
        try (WriteAheadLogReader reader = Lifeboat.openWriteAheadLogReader(root, optionsWith(Map.of()))) {
            assertRecords(reader, 0, written);
            assertThat(reader.recovery().tornTail()).isEmpty();
        }
    }

    @Test
    public void emptyRecordRoundTrips() throws IOException {
        URI root = newRoot();
        try (WriteAheadLog wal = openLog(root, Map.of())) {
            wal.write(ByteBuffer.wrap(record(0)), TS);
            RecordHandle empty = wal.write(ByteBuffer.allocate(0), TS + 1);
            wal.write(ByteBuffer.wrap(record(2)), TS + 2);
            assertThat(empty).isEqualTo(RecordHandle.of(1));
            assertThat(wal.read(empty).orElseThrow().bytes()).isEmpty();
        }
        try (WriteAheadLog wal = openLog(root, Map.of())) {
            assertRecords(wal, 0, List.of(record(0), new byte[0], record(2)));
        }
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    public void sixteenMebibyteRecordRoundTrips() throws IOException {
        URI root = newRoot();
        Map<String, String> big = Map.of("max-record-bytes", "32MiB");
        byte[] large = Payloads.bytes(SEED, 16, 16 << 20);
        try (WriteAheadLog wal = openLog(root, big)) {
            wal.append(ByteBuffer.wrap(record(0)), TS);
            RecordHandle h = wal.write(ByteBuffer.wrap(large), TS + 1);
            wal.write(ByteBuffer.wrap(record(2)), TS + 2);
            assertThat(h).isEqualTo(RecordHandle.of(1));
            assertThat(wal.read(h).orElseThrow().bytes()).isEqualTo(large);
        }
        try (WriteAheadLog wal = openLog(root, big)) {
            assertRecords(wal, 0, List.of(record(0), large, record(2)));
        }
    }

    @Test
    public void recordOverTheLimitIsRejected() throws IOException {
        try (WriteAheadLog wal = openLog(newRoot(), Map.of("max-record-bytes", "1KiB"))) {
            assertThat(wal.append(ByteBuffer.allocate(1024), TS)).isEqualTo(RecordHandle.of(0));
            assertThatThrownBy(() -> wal.append(ByteBuffer.allocate(1025), TS))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> wal.appendAsync(ByteBuffer.allocate(1025), TS))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> wal.write(ByteBuffer.allocate(4096), TS))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(wal.write(ByteBuffer.allocate(10), TS))
                    .as("a rejected record takes no LSN and leaves the log usable")
                    .isEqualTo(RecordHandle.of(1));
        }
    }

    @Test
    public void useAfterCloseIsIllegalState() throws IOException {
        WriteAheadLog wal = openLog(newRoot(), Map.of());
        RecordHandle h = wal.write(ByteBuffer.wrap(record(0)), TS);
        wal.close();
        wal.close(); // idempotent
        ByteBuffer r = ByteBuffer.wrap(record(1));
        assertThatThrownBy(() -> wal.append(r, TS)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> wal.appendAsync(r, TS)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> wal.write(r, TS)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> wal.sync(Durability.SYNC)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> wal.read(h)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> wal.replay(h)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(wal::first).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(wal::last).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> wal.truncateBefore(h)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> wal.truncateBefore(TS)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    public void readerUseAfterCloseIsIllegalState() throws IOException {
        URI root = newRoot();
        try (WriteAheadLog wal = openLog(root, Map.of())) {
            wal.write(ByteBuffer.wrap(record(0)), TS);
        }
        WriteAheadLogReader reader = Lifeboat.openWriteAheadLogReader(root, optionsWith(Map.of()));
        reader.close();
        reader.close(); // idempotent
        assertThatThrownBy(() -> reader.read(RecordHandle.of(0))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(reader::replayAll).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(reader::first).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(reader::last).isInstanceOf(IllegalStateException.class);
    }

    @Test
    public void openReaderOfAMissingLogFailsWithNoSuchFile() {
        assertThatThrownBy(() -> Lifeboat.openWriteAheadLogReader(newRoot(), optionsWith(Map.of()))
                        .close())
                .isInstanceOf(NoSuchFileException.class);
    }

    @Test
    public void appendAsyncFuturesCompleteWithIncreasingHandles() throws Exception {
        URI root = newRoot();
        List<CompletableFuture<RecordHandle>> futures = new ArrayList<>();
        try (WriteAheadLog wal = openLog(root, Map.of("durability", "sync"))) {
            for (int i = 0; i < 1000; i++) {
                futures.add(wal.appendAsync(ByteBuffer.wrap(record(i)), TS + i));
            }
            for (int i = 0; i < futures.size(); i++) {
                assertThat(futures.get(i).get(60, TimeUnit.SECONDS)).isEqualTo(RecordHandle.of(i));
            }
        }
        try (WriteAheadLog wal = openLog(root, Map.of())) {
            assertThat(wal.recovery().nextLsn()).isEqualTo(1000);
            assertThat(wal.read(RecordHandle.of(999)).orElseThrow().bytes()).isEqualTo(record(999));
        }
    }

    @Test
    public void syncAtEveryLevelWaitsForEarlierAppends() throws IOException {
        URI root = newRoot();
        try (WriteAheadLog wal = openLog(root, Map.of("durability", "none"))) {
            int i = 0;
            for (Durability level : Durability.values()) {
                RecordHandle h = wal.append(ByteBuffer.wrap(record(i)), TS + i);
                wal.sync(level);
                if (level.atLeast(Durability.FLUSH)) {
                    assertThat(wal.read(h))
                            .as("record appended before sync(%s)", level)
                            .isPresent();
                }
                i++;
            }
            wal.append(ByteBuffer.wrap(record(i)), TS + i);
            wal.sync();
            wal.sync(); // nothing new: returns at once
            try (WriteAheadLogReader reader = Lifeboat.openWriteAheadLogReader(root, optionsWith(Map.of()))) {
                assertThat(readAll(reader))
                        .as("records a reader sees after sync")
                        .hasSize(i + 1);
            }
        }
    }

    // ---------------------------------------------------------------- truncation

    @Test
    public void truncateBeforeHandleDropsWholeOlderSegments() throws IOException {
        URI root = newRoot();
        Map<String, String> small = Map.of("segment-bytes", "4KiB");
        List<byte[]> written = new ArrayList<>();
        long firstAfterAll;
        try (WriteAheadLog wal = openLog(root, small)) {
            for (int i = 0; i < 100; i++) {
                written.add(record(300 + i, 300));
                wal.append(ByteBuffer.wrap(written.get(i)), TS + i);
            }
            wal.sync();
            RecordHandle keep = RecordHandle.of(60);
            wal.truncateBefore(keep);
            long first = wal.first().orElseThrow().lsn();
            assertThat(first)
                    .as("first record after truncateBefore(lsn:60) with 4 KiB segments")
                    .isGreaterThan(0)
                    .isLessThanOrEqualTo(60);
            assertThat(wal.read(RecordHandle.of(0))).as("a truncated record").isEmpty();
            assertRecords(wal, first, written.subList((int) first, 100));
            try (CloseableIterator<LogRecord> it = wal.replay(RecordHandle.of(0))) {
                assertThat(it.next().handle().lsn())
                        .as("replay from a truncated handle starts at first()")
                        .isEqualTo(first);
            }
            wal.truncateBefore(keep); // idempotent
            assertThat(wal.first()).contains(RecordHandle.of(first));
            assertThat(wal.write(ByteBuffer.wrap(record(100)), TS + 100)).isEqualTo(RecordHandle.of(100));
            written.add(record(100));
            wal.truncateBefore(RecordHandle.of(100_000)); // beyond the end: the open segment stays
            assertThat(wal.read(RecordHandle.of(100))).as("the newest record").isPresent();
            firstAfterAll = wal.first().orElseThrow().lsn();
        }
        try (WriteAheadLog again = openLog(root, small)) {
            assertThat(again.first()).contains(RecordHandle.of(firstAfterAll));
            assertRecords(again, firstAfterAll, written.subList((int) firstAfterAll, 101));
            assertThat(again.recovery().nextLsn()).isEqualTo(101);
        }
    }

    @Test
    public void truncateBeforeTimestampDropsSegmentsWhoseNewestRecordIsOlder() throws IOException {
        URI root = newRoot();
        Map<String, String> small = Map.of("segment-bytes", "4KiB");
        List<byte[]> written = new ArrayList<>();
        try (WriteAheadLog wal = openLog(root, small)) {
            for (int i = 0; i < 100; i++) {
                written.add(record(300 + i, 300));
                wal.append(ByteBuffer.wrap(written.get(i)), TS + 10L * i);
            }
            wal.sync();
            wal.truncateBefore(TS + 10L * 60);
            long first = wal.first().orElseThrow().lsn();
            assertThat(first)
                    .as("first record after truncateBefore(timestamp of lsn:60) with 4 KiB segments")
                    .isGreaterThan(0)
                    .isLessThanOrEqualTo(60);
            assertRecords(wal, first, written.subList((int) first, 100));
            wal.truncateBefore(TS + 10L * 60); // idempotent
            assertThat(wal.first()).contains(RecordHandle.of(first));
            wal.truncateBefore(Long.MAX_VALUE);
            assertThat(wal.last())
                    .as("the segment being written is never dropped")
                    .contains(RecordHandle.of(99));
            assertThat(wal.read(RecordHandle.of(99)).orElseThrow().bytes()).isEqualTo(written.get(99));
            assertThat(wal.write(ByteBuffer.wrap(record(100)), TS + 1000)).isEqualTo(RecordHandle.of(100));
        }
        try (WriteAheadLog wal = openLog(root, small)) {
            assertThat(wal.recovery().nextLsn()).isEqualTo(101);
            assertThat(wal.read(RecordHandle.of(100)).orElseThrow().bytes()).isEqualTo(record(100));
        }
    }

    // ---------------------------------------------------------------- concurrency

    @Test
    public void eightThreadsAppendingConcurrentlyKeepEveryRecordAndEachThreadsOrder() throws Exception {
        int threads = 8;
        int perThread = 10_000;
        URI root = newRoot();
        long[][] lsns = new long[threads][perThread];
        try (WriteAheadLog wal = openLog(root, Map.of())) {
            CountDownLatch start = new CountDownLatch(1);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                Thread worker = new Thread(
                        () -> {
                            try {
                                start.await();
                                List<CompletableFuture<RecordHandle>> futures = new ArrayList<>();
                                for (int s = 0; s < perThread; s++) {
                                    ByteBuffer payload = ByteBuffer.allocate(16)
                                            .putInt(thread)
                                            .putInt(s)
                                            .putLong(SEED ^ s)
                                            .flip();
                                    if (thread % 2 == 0) {
                                        lsns[thread][s] =
                                                wal.append(payload, TS + s).lsn();
                                    } else {
                                        futures.add(wal.appendAsync(payload, TS + s));
                                    }
                                }
                                for (int s = 0; s < futures.size(); s++) {
                                    lsns[thread][s] = futures.get(s)
                                            .get(120, TimeUnit.SECONDS)
                                            .lsn();
                                }
                            } catch (Throwable e) {
                                failure.compareAndSet(null, e);
                            }
                        },
                        "wal-contract-appender-" + t);
                workers.add(worker);
                worker.start();
            }
            start.countDown();
            for (Thread worker : workers) {
                worker.join();
            }
            if (failure.get() != null) {
                throw new AssertionError("an appending thread failed", failure.get());
            }
            wal.sync();
            for (int t = 0; t < threads; t++) {
                for (int s = 1; s < perThread; s++) {
                    assertThat(lsns[t][s])
                            .as("thread %d: LSN of append %d after %d", t, s, s - 1)
                            .isGreaterThan(lsns[t][s - 1]);
                }
            }
        }
        try (WriteAheadLog wal = openLog(root, Map.of())) {
            int[] nextSeq = new int[threads];
            long expectedLsn = 0;
            try (CloseableIterator<LogRecord> it = wal.replayAll()) {
                while (it.hasNext()) {
                    LogRecord r = it.next();
                    assertThat(r.handle().lsn()).as("LSNs are dense").isEqualTo(expectedLsn);
                    ByteBuffer p = r.payload();
                    int thread = p.getInt(0);
                    int seq = p.getInt(4);
                    assertThat(seq)
                            .as("thread %d's records in LSN order", thread)
                            .isEqualTo(nextSeq[thread]);
                    assertThat(lsns[thread][seq])
                            .as("handle returned for thread %d append %d", thread, seq)
                            .isEqualTo(r.handle().lsn());
                    nextSeq[thread]++;
                    expectedLsn++;
                }
            }
            assertThat(expectedLsn).isEqualTo((long) threads * perThread);
        }
    }

    @Test
    public void secondWriterOnTheSameLogIsRefused() throws IOException {
        assumeCapability(Capability.WAL_SINGLE_WRITER);
        URI root = newRoot();
        try (WriteAheadLog first = openLog(root, Map.of())) {
            first.write(ByteBuffer.wrap(record(0)), TS);
            try {
                WriteAheadLog second = openLog(root, Map.of());
                second.close();
                fail("a second writer opened on %s while the first was open", root);
            } catch (ConcurrentWriterException expected) {
                // the contract
            }
            assertThat(first.write(ByteBuffer.wrap(record(1)), TS + 1))
                    .as("the first writer keeps working after refusing a second")
                    .isEqualTo(RecordHandle.of(1));
        }
        try (WriteAheadLog again = openLog(root, Map.of())) {
            assertRecords(again, 0, List.of(record(0), record(1)));
        }
    }

    @Test
    public void readerBesideTheWriterSeesFlushedRecords() throws IOException {
        URI root = newRoot();
        try (WriteAheadLog wal = openLog(root, Map.of())) {
            List<byte[]> written = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                written.add(record(i));
                wal.append(ByteBuffer.wrap(record(i)), TS + i);
            }
            wal.sync(Durability.FLUSH);
            try (WriteAheadLogReader reader = Lifeboat.openWriteAheadLogReader(root, optionsWith(Map.of()))) {
                assertRecords(reader, 0, written);
                assertThat(reader.first()).contains(RecordHandle.of(0));
                for (int i = 10; i < 20; i++) {
                    written.add(record(i));
                    wal.append(ByteBuffer.wrap(record(i)), TS + i);
                }
                wal.sync(Durability.FLUSH);
                assertThat(reader.read(RecordHandle.of(15)).orElseThrow().bytes())
                        .isEqualTo(record(15));
                assertThat(reader.last()).contains(RecordHandle.of(19));
                assertThat(readAll(reader, RecordHandle.of(10)).stream().map(LogRecord::bytes))
                        .containsExactlyElementsOf(written.subList(10, 20));
            }
            assertThat(wal.write(ByteBuffer.wrap(record(20)), TS + 20))
                    .as("the writer is unaffected by the reader")
                    .isEqualTo(RecordHandle.of(20));
        }
    }

    @Test
    public void replayWhileAnotherThreadAppendsSeesAConsistentPrefix() throws Exception {
        URI root = newRoot();
        int total = 3000;
        try (WriteAheadLog wal = openLog(root, Map.of("segment-bytes", "64KiB"))) {
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread writer = new Thread(
                    () -> {
                        try {
                            for (int i = 0; i < total; i++) {
                                wal.append(ByteBuffer.wrap(record(i)), TS + i);
                                if (i % 50 == 49) {
                                    wal.sync(Durability.FLUSH);
                                }
                            }
                            wal.sync(Durability.FLUSH);
                        } catch (Throwable e) {
                            failure.set(e);
                        }
                    },
                    "wal-contract-writer");
            writer.start();
            long seen = 0;
            int replays = 0;
            try (WriteAheadLogReader reader = Lifeboat.openWriteAheadLogReader(root, optionsWith(Map.of()))) {
                while (writer.isAlive() || replays < 2) {
                    WriteAheadLogReader view = replays % 2 == 0 ? wal : reader;
                    long count = 0;
                    try (CloseableIterator<LogRecord> it = view.replayAll()) {
                        while (it.hasNext()) {
                            LogRecord r = it.next();
                            assertThat(r.handle().lsn())
                                    .as("replay %d: LSNs are dense", replays)
                                    .isEqualTo(count);
                            assertThat(r.bytes())
                                    .as("replay %d: payload of lsn:%d", replays, count)
                                    .isEqualTo(record((int) count));
                            count++;
                        }
                    }
                    if (view == wal) {
                        assertThat(count)
                                .as("the writer's own replay never goes backwards")
                                .isGreaterThanOrEqualTo(seen);
                        seen = count;
                    }
                    replays++;
                }
                writer.join();
                if (failure.get() != null) {
                    throw new AssertionError("the appending thread failed", failure.get());
                }
                assertThat(readAll(reader))
                        .as("a reader after the writer flushed everything")
                        .hasSize(total);
            }
            assertThat(readAll(wal)).hasSize(total);
        }
    }

    // ---------------------------------------------------------------- damage

    /**
     * Writes records, then cuts the last segment at every byte offset inside the last record, as
     * a crash in mid-write would. A reader must report the torn tail without cutting it; a writer
     * must cut it, report it, keep exactly the earlier records and continue at the next LSN; and
     * opening again must be clean.
     */
    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    public void tornTailAtEveryOffsetOfTheLastRecordIsCutOff() throws IOException {
        URI root = newRoot();
        Map<String, String> opts = Map.of("segment-bytes", "1MiB");
        StorageFaults faults = faults(root, opts);
        List<byte[]> earlier = List.of(record(0, 100), record(1, 100), record(2, 100));
        byte[] last = record(3, 61);
        try (WriteAheadLog wal = openLog(root, opts)) {
            for (int i = 0; i < earlier.size(); i++) {
                wal.append(ByteBuffer.wrap(earlier.get(i)), TS + i);
            }
        }
        int cuts = 0;
        for (long k = 1; ; k++) {
            Map<String, Long> before;
            try (WriteAheadLog wal = openLog(root, opts)) {
                assertThat(wal.recovery().tornTail())
                        .as("reopening after the torn tail at cut %d was cut off", k - 1)
                        .isEmpty();
                assertRecords(wal, 0, earlier);
                before = lengths(faults.list(StoredKind.WAL_SEGMENT));
                assertThat(wal.write(ByteBuffer.wrap(last), TS + 3)).isEqualTo(RecordHandle.of(earlier.size()));
            }
            StoredObject segment = lastSegment(faults);
            long start = before.getOrDefault(segment.name(), 0L);
            long end = segment.length();
            if (k == 1) {
                assertThat(end - start)
                        .as("bytes the last record added to segment %s", segment.name())
                        .isGreaterThanOrEqualTo(last.length);
            }
            long cut = start + k;
            if (cut >= end) {
                break;
            }
            faults.truncate(segment, cut);
            try (WriteAheadLogReader reader = Lifeboat.openWriteAheadLogReader(root, optionsWith(opts))) {
                assertThat(reader.recovery().tornTail())
                        .as("a reader of a log cut at %d of %s", cut, segment.name())
                        .isPresent();
                assertRecords(reader, 0, earlier);
            }
            assertThat(lastSegment(faults).length())
                    .as("a reader changes nothing in storage")
                    .isEqualTo(cut);
            try (WriteAheadLog wal = openLog(root, opts)) {
                Optional<RecoveryReport.TornTail> torn = wal.recovery().tornTail();
                assertThat(torn)
                        .as("the torn tail of a log cut at %d of %s", cut, segment.name())
                        .isPresent();
                assertThat(Kit.sameObject(torn.get().segment(), segment.name()))
                        .as(
                                "torn tail in segment '%s', expected '%s'",
                                torn.get().segment(), segment.name())
                        .isTrue();
                assertThat(torn.get().offset() + torn.get().discardedBytes())
                        .as("the torn tail reaches the end of the cut segment")
                        .isEqualTo(cut);
                assertThat(wal.recovery().nextLsn()).isEqualTo(earlier.size());
                assertRecords(wal, 0, earlier);
            }
            cuts++;
        }
        assertThat(cuts).as("offsets cut inside the last record").isGreaterThanOrEqualTo(last.length);
    }

    /**
     * Flips one byte inside an early record that more records follow. Opening or replaying the
     * log must fail with {@link CorruptDataException} naming the segment and an offset within
     * the damaged record; it must never return fewer records as if the log ended there, and the
     * writer must not cut the damage off.
     */
    @ParameterizedTest(name = "{0} byte of the damaged record")
    @ValueSource(strings = {"first", "middle", "last"})
    public void corruptRecordInTheMiddleIsReportedNeverTreatedAsTheEnd(String where) throws IOException {
        URI root = newRoot();
        Map<String, String> opts = Map.of("segment-bytes", "1MiB");
        StorageFaults faults = faults(root, opts);
        Map<String, Long> beforeDamaged;
        Map<String, Long> afterDamaged;
        try (WriteAheadLog wal = openLog(root, opts)) {
            wal.append(ByteBuffer.wrap(record(0, 200)), TS);
            wal.sync(Durability.FLUSH);
            beforeDamaged = lengths(faults.list(StoredKind.WAL_SEGMENT));
            wal.append(ByteBuffer.wrap(record(1, 200)), TS + 1);
            wal.sync(Durability.FLUSH);
            afterDamaged = lengths(faults.list(StoredKind.WAL_SEGMENT));
            for (int i = 2; i < 10; i++) {
                wal.append(ByteBuffer.wrap(record(i, 200)), TS + i);
            }
        }
        String segmentName = null;
        for (Map.Entry<String, Long> e : afterDamaged.entrySet()) {
            if (!e.getValue().equals(beforeDamaged.get(e.getKey()))) {
                segmentName = e.getKey();
            }
        }
        assertThat(segmentName).as("a segment grew when lsn:1 was flushed").isNotNull();
        long start = beforeDamaged.getOrDefault(segmentName, 0L);
        long end = afterDamaged.get(segmentName);
        long offset = switch (where) {
            case "first" -> start;
            case "middle" -> (start + end) / 2;
            default -> end - 1;
        };
        faults.flipByte(object(faults, segmentName), offset);
        Map<String, Long> damaged = lengths(faults.list(StoredKind.WAL_SEGMENT));

        CorruptDataException fromReader =
                expectCorruption("a reader", () -> Lifeboat.openWriteAheadLogReader(root, optionsWith(opts)));
        CorruptDataException fromWriter = expectCorruption("a writer", () -> openLog(root, opts));
        for (CorruptDataException e : List.of(fromReader, fromWriter)) {
            assertThat(Kit.sameObject(e.location(), segmentName))
                    .as("corruption reported in '%s', expected segment '%s'", e.location(), segmentName)
                    .isTrue();
            assertThat(e.offset())
                    .as("offset of the damage (lsn:1 spans [%d, %d), byte %d flipped)", start, end, offset)
                    .isBetween(start, end - 1);
        }
        assertThat(lengths(faults.list(StoredKind.WAL_SEGMENT)))
                .as("opening a damaged log must not cut the damage off")
                .containsAllEntriesOf(damaged);
    }

    /**
     * A flipped byte in the last record of the log, which was acknowledged under {@code sync}: the
     * frame is complete and its bytes were written, so this is corruption, not a torn write.
     * Opening the log (writer or reader) reports {@link CorruptDataException} naming the segment
     * and an offset inside the record, and cuts nothing; with the option
     * {@code recovery.cut-corrupt-last-record=true} the writer cuts the record, reports it as the
     * torn tail and appends after it.
     */
    @Test
    public void flippedByteInTheLastSyncedRecordIsCorruptionNotATornTail() throws IOException {
        URI root = newRoot();
        Map<String, String> opts = Map.of("segment-bytes", "1MiB", "durability", "sync");
        StorageFaults faults = faults(root, opts);
        Map<String, Long> beforeLast;
        Map<String, Long> afterLast;
        try (WriteAheadLog wal = openLog(root, opts)) {
            for (int i = 0; i < 4; i++) {
                wal.write(ByteBuffer.wrap(record(i, 200)), TS + i);
            }
            beforeLast = lengths(faults.list(StoredKind.WAL_SEGMENT));
            wal.write(ByteBuffer.wrap(record(4, 200)), TS + 4);
            afterLast = lengths(faults.list(StoredKind.WAL_SEGMENT));
        }
        String segmentName = null;
        for (Map.Entry<String, Long> e : afterLast.entrySet()) {
            if (!e.getValue().equals(beforeLast.get(e.getKey()))) {
                segmentName = e.getKey();
            }
        }
        assertThat(segmentName).as("a segment grew when lsn:4 was synced").isNotNull();
        long start = beforeLast.getOrDefault(segmentName, 0L);
        long end = afterLast.get(segmentName);
        long offset = start + RECORD_HEADER_BYTES + (end - start - RECORD_HEADER_BYTES) / 2;
        faults.flipByte(object(faults, segmentName), offset);
        Map<String, Long> damaged = lengths(faults.list(StoredKind.WAL_SEGMENT));

        CorruptDataException fromWriter = expectCorruption("a writer", () -> openLog(root, opts));
        assertThat(Kit.sameObject(fromWriter.location(), segmentName))
                .as("corruption reported in '%s', expected segment '%s'", fromWriter.location(), segmentName)
                .isTrue();
        assertThat(fromWriter.offset())
                .as("offset of the damage (lsn:4 spans [%d, %d))", start, end)
                .isBetween(start, end - 1);
        expectCorruption("a reader", () -> Lifeboat.openWriteAheadLogReader(root, optionsWith(opts)));
        assertThat(lengths(faults.list(StoredKind.WAL_SEGMENT)))
                .as("opening the log must not cut an acknowledged record")
                .containsAllEntriesOf(damaged);

        try (WriteAheadLog wal = openLog(
                root,
                Map.of("segment-bytes", "1MiB", "durability", "sync", "recovery.cut-corrupt-last-record", "true"))) {
            assertThat(wal.recovery().nextLsn())
                    .as("the damaged record cut on request")
                    .isEqualTo(4);
            assertThat(wal.recovery().tornTail())
                    .as("the cut record reported as the torn tail")
                    .isPresent();
            assertThat(wal.write(ByteBuffer.wrap(record(5, 200)), TS + 5)).isEqualTo(RecordHandle.of(4));
            List<LogRecord> records = readAll(wal);
            assertThat(records).hasSize(5);
            assertThat(records.get(3).payload()).isEqualTo(ByteBuffer.wrap(record(3, 200)));
            assertThat(records.get(4).payload()).isEqualTo(ByteBuffer.wrap(record(5, 200)));
        }
    }

    // ---------------------------------------------------------------- crash

    /**
     * Runs {@link WalCrashChild} in another JVM, appending with {@code durability=sync} from four
     * threads, kills it with {@code SIGKILL} at a random moment after some acknowledgements, then
     * reopens the log: every acknowledged record must be there, intact, with dense LSNs.
     */
    @ParameterizedTest(name = "round {0}")
    @MethodSource("sigkillRounds")
    public void acknowledgedRecordsSurviveSigkill(long round) throws Exception {
        assumeCapability(Capability.WAL_SURVIVES_PROCESS_CRASH);
        long seed = Seeds.seed(round);
        Random random = new Random(seed);
        URI root = newRoot();
        Map<String, String> opts = optionsWith(Map.of("durability", "sync", "segment-bytes", "64KiB"));
        int killAfter = 20 + random.nextInt(300);
        Map<Long, String[]> acks = new HashMap<>();
        try (ChildJvm child = ChildJvm.start(
                WalCrashChild.class,
                List.of(ChildArgs.encodeUri(root), ChildArgs.encodeOptions(opts), "4", Long.toString(seed)))) {
            child.awaitLine("READY", CHILD_START);
            while (acks.size() < killAfter) {
                String line = child.nextLine(CHILD_ACK)
                        .orElseThrow(() -> new AssertionError("the child stopped acknowledging after " + acks.size()
                                + " records: " + child.describe()));
                collectAck(line, acks);
            }
            Thread.sleep(random.nextInt(20));
            for (String line : child.kill()) {
                collectAck(line, acks);
            }
        }
        long recovered;
        try (WriteAheadLog wal = Lifeboat.openWriteAheadLog(root, opts)) {
            List<LogRecord> records = readAll(wal);
            assertValidCrashRecords(records, seed, 4);
            assertAcknowledgedPresent(records, acks, "after SIGKILL");
            assertThat(wal.recovery().nextLsn()).isEqualTo(records.size());
            recovered = records.size();
            assertThat(wal.write(ByteBuffer.wrap(record(0)), TS))
                    .as("the first append after recovery")
                    .isEqualTo(RecordHandle.of(recovered));
        }
        try (WriteAheadLog wal = Lifeboat.openWriteAheadLog(root, opts)) {
            assertThat(wal.recovery()).as("reopening a recovered log").isEqualTo(RecoveryReport.clean(recovered + 1));
        }
    }

    /**
     * Runs {@link WalCrashChild} in another JVM with {@code durability=flush} and replays the log
     * from this JVM while the child appends: every record the child acknowledged before a replay
     * began is in it, with dense LSNs and intact payloads, and a record still being written is
     * the end of the log, never an error.
     */
    @Test
    public void readerInAnotherProcessSeesAcknowledgedRecordsWhileTheWriterRuns() throws Exception {
        assumeCapability(Capability.WAL_CROSS_PROCESS_READERS);
        long seed = Seeds.seed(0);
        URI root = newRoot();
        Map<String, String> opts = optionsWith(Map.of("durability", "flush", "segment-bytes", "64KiB"));
        Map<Long, String[]> acks = new HashMap<>();
        try (ChildJvm child = ChildJvm.start(
                WalCrashChild.class,
                List.of(ChildArgs.encodeUri(root), ChildArgs.encodeOptions(opts), "2", Long.toString(seed)))) {
            child.awaitLine("READY", CHILD_START);
            try (WriteAheadLogReader reader = Lifeboat.openWriteAheadLogReader(root, opts)) {
                for (int round = 1; round <= 5; round++) {
                    while (acks.size() < 200 * round) {
                        String line = child.nextLine(CHILD_ACK)
                                .orElseThrow(() -> new AssertionError("the child stopped acknowledging after "
                                        + acks.size() + " records: " + child.describe()));
                        collectAck(line, acks);
                    }
                    Map<Long, String[]> before = new HashMap<>(acks);
                    List<LogRecord> records = readAll(reader);
                    assertValidCrashRecords(records, seed, 2);
                    assertAcknowledgedPresent(records, before, "replay " + round + " in another process");
                }
            }
            child.kill();
        }
    }

    // ---------------------------------------------------------------- helpers for subclasses

    /** Opens the log at {@code root} through {@link Lifeboat} with {@link #options()} and {@code extra}. */
    protected final WriteAheadLog openLog(URI root, Map<String, String> extra) throws IOException {
        return Lifeboat.openWriteAheadLog(root, optionsWith(extra));
    }

    /** A deterministic record of 1 to 300 bytes. */
    protected static byte[] record(int i) {
        return record(i, 1 + Payloads.length(SEED, i, 299));
    }

    /** A deterministic record of {@code length} bytes. */
    protected static byte[] record(int i, int length) {
        return Payloads.bytes(SEED, i, length);
    }

    /** Every record {@code log} replays from the start. */
    protected static List<LogRecord> readAll(WriteAheadLogReader log) throws IOException {
        return readAll(log, RecordHandle.of(0));
    }

    /** Every record {@code log} replays from {@code from}. */
    protected static List<LogRecord> readAll(WriteAheadLogReader log, RecordHandle from) throws IOException {
        List<LogRecord> out = new ArrayList<>();
        try (CloseableIterator<LogRecord> it = log.replay(from)) {
            while (it.hasNext()) {
                out.add(it.next());
            }
        }
        return out;
    }

    /** Asserts that {@code log} replays exactly {@code expected}, with LSNs from {@code firstLsn}. */
    protected static void assertRecords(WriteAheadLogReader log, long firstLsn, List<byte[]> expected)
            throws IOException {
        List<LogRecord> records = readAll(log);
        assertThat(records.stream().map(r -> r.handle().lsn()).collect(Collectors.toList()))
                .as("LSNs replayed")
                .containsExactlyElementsOf(java.util.stream.LongStream.range(firstLsn, firstLsn + expected.size())
                        .boxed()
                        .collect(Collectors.toList()));
        for (int i = 0; i < expected.size(); i++) {
            assertThat(records.get(i).bytes())
                    .as("payload of lsn:%d", firstLsn + i)
                    .isEqualTo(expected.get(i));
        }
    }

    private interface Opener {
        WriteAheadLogReader open() throws IOException;
    }

    /** Bytes of a record frame's header in the shared format (magic ... payload CRC32C). */
    private static final int RECORD_HEADER_BYTES = 32;

    private static CorruptDataException expectCorruption(String who, Opener opener) throws IOException {
        int seen = 0;
        try (WriteAheadLogReader log = opener.open()) {
            try (CloseableIterator<LogRecord> it = log.replayAll()) {
                while (it.hasNextChecked()) { // the typed error, without unwrapping
                    it.nextChecked();
                    seen++;
                }
            }
        } catch (CorruptDataException e) {
            return e;
        }
        throw new AssertionError(who + " opened the damaged log and replayed " + seen
                + " of 10 records without reporting CorruptDataException");
    }

    /** Records written by {@link WalCrashChild}: dense LSNs, each thread's in order, payloads intact. */
    private static void assertValidCrashRecords(List<LogRecord> records, long seed, int threads) {
        long[] nextSeq = new long[threads];
        for (int i = 0; i < records.size(); i++) {
            LogRecord r = records.get(i);
            assertThat(r.handle().lsn()).as("LSNs are dense").isEqualTo(i);
            int thread = Payloads.walRecordThread(r.payload());
            long seq = Payloads.walRecordSeq(r.payload());
            assertThat(thread).as("thread of lsn:%d", i).isBetween(0, threads - 1);
            assertThat(seq)
                    .as("thread %d's records follow its acknowledgements", thread)
                    .isEqualTo(nextSeq[thread]);
            nextSeq[thread]++;
            assertThat(r.bytes())
                    .as("payload of lsn:%d", i)
                    .isEqualTo(Payloads.walRecord(seed, thread, seq, WalCrashChild.MAX_FILLER));
        }
    }

    private static void assertAcknowledgedPresent(List<LogRecord> records, Map<Long, String[]> acks, String when) {
        List<Long> missing = acks.keySet().stream()
                .filter(lsn -> lsn >= records.size())
                .sorted()
                .collect(Collectors.toList());
        assertThat(missing)
                .as(
                        "acknowledged LSNs missing %s (%d acknowledged, %d records found)",
                        when, acks.size(), records.size())
                .isEmpty();
        for (Map.Entry<Long, String[]> ack : acks.entrySet()) {
            long lsn = ack.getKey();
            LogRecord r = records.get((int) lsn);
            assertThat(Payloads.walRecordThread(r.payload())).isEqualTo(Integer.parseInt(ack.getValue()[0]));
            assertThat(Payloads.walRecordSeq(r.payload())).isEqualTo(Long.parseLong(ack.getValue()[1]));
            assertThat(Integer.toHexString(Payloads.crc32c(r.payload())))
                    .as("checksum of acknowledged lsn:%d", lsn)
                    .isEqualTo(ack.getValue()[2]);
        }
    }

    private static void collectAck(String line, Map<Long, String[]> acks) {
        if (line.startsWith("ACK ")) {
            String[] words = line.split(" ", -1);
            String[] previous = acks.put(Long.parseLong(words[1]), new String[] {words[2], words[3], words[4]});
            assertThat(previous).as("lsn %s acknowledged twice", words[1]).isNull();
        }
    }

    private static Map<String, Long> lengths(List<StoredObject> objects) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (StoredObject o : objects) {
            out.put(o.name(), o.length());
        }
        return out;
    }

    private static StoredObject lastSegment(StorageFaults faults) throws IOException {
        List<StoredObject> segments = faults.list(StoredKind.WAL_SEGMENT);
        assertThat(segments).as("WAL segments listed by fault injection").isNotEmpty();
        return segments.get(segments.size() - 1);
    }

    private static StoredObject object(StorageFaults faults, String name) throws IOException {
        return faults.list(StoredKind.WAL_SEGMENT).stream()
                .filter(o -> o.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("segment " + name + " is no longer listed"));
    }
}
