package dev.lifeboat.backend.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.spi.ConcurrentWriterException;
import dev.lifeboat.spi.CorruptDataException;
import dev.lifeboat.spi.fault.StorageFaults;
import dev.lifeboat.spi.fault.StoredKind;
import dev.lifeboat.spi.fault.StoredObject;
import dev.lifeboat.spi.wal.CloseableIterator;
import dev.lifeboat.spi.wal.Durability;
import dev.lifeboat.spi.wal.LogRecord;
import dev.lifeboat.spi.wal.RecordHandle;
import dev.lifeboat.spi.wal.RecoveryReport;
import dev.lifeboat.spi.wal.WriteAheadLog;
import dev.lifeboat.spi.wal.WriteAheadLogReader;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the local write-ahead log does beyond the compatibility kit: its file layout, recovery of
 * damage in sealed segments, truncation of segments written by an earlier writer, the offset
 * index, read-only views that follow the writer, the writer lock across processes, and URI
 * validation.
 */
class LocalWriteAheadLogTest {
    private static final long TS = 1_700_000_000_000L;
    private static final Map<String, String> SMALL = Map.of("segment-bytes", "4KiB");

    private final LocalWriteAheadLogProvider provider = new LocalWriteAheadLogProvider();

    @TempDir
    Path tmp;

    // ---------------------------------------------------------------- layout

    @Test
    void segmentsAreNamedByTheirFirstLsnAndRollBeforeExceedingSegmentBytes() throws IOException {
        Path dir = tmp.resolve("log");
        try (WriteAheadLog wal = provider.open(dir.toUri(), SMALL)) {
            for (int i = 0; i < 100; i++) {
                wal.append(ByteBuffer.wrap(payload(i, 200)), TS + i);
            }
            wal.sync();
        }
        List<Path> segments = segmentFiles(dir);
        assertThat(segments).hasSizeGreaterThan(4);
        assertThat(segments.get(0).getFileName()).hasToString("00000000000000000000.wal");
        assertThat(dir.resolve("writer.lock")).exists();
        long expectedFirst = 0;
        for (Path segment : segments) {
            assertThat(Files.size(segment)).as("size of %s", segment).isLessThanOrEqualTo(4096);
            assertThat(firstLsn(segment))
                    .as("first LSN in the name of %s", segment)
                    .isEqualTo(expectedFirst);
            expectedFirst += Files.size(segment) / (32 + 200);
        }
        assertThat(expectedFirst).isEqualTo(100);
    }

    @Test
    void aRecordLargerThanASegmentGetsASegmentOfItsOwn() throws IOException {
        Path dir = tmp.resolve("log");
        byte[] big = payload(1, 10_000);
        try (WriteAheadLog wal = provider.open(dir.toUri(), SMALL)) {
            wal.append(ByteBuffer.wrap(payload(0, 100)), TS);
            wal.append(ByteBuffer.wrap(big), TS + 1);
            wal.append(ByteBuffer.wrap(payload(2, 100)), TS + 2);
        }
        assertThat(segmentFiles(dir).stream().map(LocalWriteAheadLogTest::firstLsn))
                .containsExactly(0L, 1L, 2L);
        try (WriteAheadLogReader reader = provider.openReader(dir.toUri(), Map.of())) {
            assertThat(reader.read(RecordHandle.of(1)).orElseThrow().bytes()).isEqualTo(big);
            assertThat(bytesOf(readAll(reader))).containsExactly(payload(0, 100), big, payload(2, 100));
        }
    }

    @Test
    void faultInjectionListsSegmentsKeyedByFirstLsnAndNothingElse() throws IOException {
        Path dir = tmp.resolve("log");
        write(dir, SMALL, 40, 200);
        StorageFaults faults = provider.faults(dir.toUri(), SMALL);
        List<StoredObject> segments = faults.list(StoredKind.WAL_SEGMENT);
        assertThat(segments)
                .extracting(StoredObject::name)
                .containsExactlyElementsOf(
                        segmentFiles(dir).stream().map(Path::toString).collect(Collectors.toList()));
        assertThat(segments)
                .extracting(StoredObject::key)
                .containsExactlyElementsOf(segmentFiles(dir).stream()
                        .map(p -> Long.toString(firstLsn(p)))
                        .collect(Collectors.toList()));
        assertThat(faults.list(StoredKind.CHECKPOINT_PART)).isEmpty();
    }

    // ---------------------------------------------------------------- recovery

    @Test
    void zeroFilledTailIsCutLikeATornWrite() throws IOException {
        Path dir = tmp.resolve("log");
        write(dir, Map.of(), 5, 100);
        Path segment = segmentFiles(dir).get(0);
        long length = Files.size(segment);
        try (var ch = Files.newByteChannel(segment, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ch.write(ByteBuffer.allocate(100_000)); // e.g. space a file system allocated but never wrote
        }
        try (WriteAheadLog wal = provider.open(dir.toUri(), Map.of())) {
            RecoveryReport.TornTail torn = wal.recovery().tornTail().orElseThrow();
            assertThat(torn).isEqualTo(new RecoveryReport.TornTail(segment.toString(), length, 100_000));
            assertThat(wal.recovery().nextLsn()).isEqualTo(5);
        }
        assertThat(Files.size(segment)).isEqualTo(length);
    }

    @Test
    void garbageAfterTheLastRecordIsCorruptionNotATornTail() throws IOException {
        Path dir = tmp.resolve("log");
        write(dir, Map.of(), 5, 100);
        Path segment = segmentFiles(dir).get(0);
        long length = Files.size(segment);
        byte[] garbage = payload(99, 200);
        try (var ch = Files.newByteChannel(segment, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ch.write(ByteBuffer.wrap(garbage));
        }
        assertThatThrownBy(() -> provider.open(dir.toUri(), Map.of()))
                .isInstanceOfSatisfying(CorruptDataException.class, e -> {
                    assertThat(e.location()).isEqualTo(segment.toString());
                    assertThat(e.offset()).isEqualTo(length);
                });
        assertThat(Files.size(segment)).as("the damage is not cut off").isEqualTo(length + garbage.length);
        assertThat(dir.resolve("writer.lock")).exists();
        assertThat(tryLock(dir.resolve("writer.lock")))
                .as("a writer that failed to open released its lock")
                .isTrue();
    }

    @Test
    void damageInASealedSegmentIsReportedByTheReadThatReachesItNamingFileAndOffset() throws IOException {
        Path dir = tmp.resolve("log");
        write(dir, SMALL, 100, 200);
        Path second = segmentFiles(dir).get(1);
        long secondFirst = firstLsn(second);
        long damagedOffset = 3 * 232 + 40; // inside the payload of the segment's fourth record
        flipByte(second, damagedOffset);

        try (WriteAheadLog wal = provider.open(dir.toUri(), SMALL)) {
            assertThat(wal.recovery())
                    .as("only the newest segment is scanned on open")
                    .isEqualTo(RecoveryReport.clean(100));
            assertThat(wal.read(RecordHandle.of(secondFirst + 1)).orElseThrow().bytes())
                    .as("a record before the damage in the same segment")
                    .isEqualTo(payload((int) secondFirst + 1, 200));
            assertThatThrownBy(() -> wal.read(RecordHandle.of(secondFirst + 3)))
                    .isInstanceOfSatisfying(CorruptDataException.class, e -> {
                        assertThat(e.location()).isEqualTo(second.toString());
                        assertThat(e.offset()).isEqualTo(3 * 232);
                    });
            assertThatThrownBy(() -> wal.read(RecordHandle.of(secondFirst + 5)))
                    .as("a record after the damage cannot be found without passing it")
                    .isInstanceOf(CorruptDataException.class);
            assertThat(wal.read(RecordHandle.of(99))).as("a later segment").isPresent();
            try (CloseableIterator<LogRecord> it = wal.replayAll()) {
                for (long lsn = 0; lsn < secondFirst + 3; lsn++) {
                    assertThat(it.next().handle().lsn()).isEqualTo(lsn);
                }
                assertThatThrownBy(it::hasNext)
                        .isInstanceOf(UncheckedIOException.class)
                        .hasCauseInstanceOf(CorruptDataException.class);
                assertThatThrownBy(it::hasNext)
                        .as("the damage is reported again, never taken for the end")
                        .hasCauseInstanceOf(CorruptDataException.class);
            }
            assertThat(wal.write(ByteBuffer.wrap(payload(100, 10)), TS)).isEqualTo(RecordHandle.of(100));
        }
    }

    @Test
    void aMissingMiddleSegmentIsCorruptionNotASilentGap() throws IOException {
        Path dir = tmp.resolve("log");
        write(dir, SMALL, 100, 200);
        List<Path> segments = segmentFiles(dir);
        Files.delete(segments.get(2));
        try (WriteAheadLogReader reader = provider.openReader(dir.toUri(), Map.of())) {
            assertThatThrownBy(() -> readAll(reader))
                    .hasCauseInstanceOf(CorruptDataException.class)
                    .cause()
                    .hasMessageContaining("records are missing")
                    .hasMessageContaining(segments.get(1).toString());
        }
    }

    @Test
    void aSealedSegmentCutShortIsCorruption() throws IOException {
        Path dir = tmp.resolve("log");
        write(dir, SMALL, 100, 200);
        Path first = segmentFiles(dir).get(0);
        try (var ch = Files.newByteChannel(first, StandardOpenOption.WRITE)) {
            ch.truncate(Files.size(first) - 10);
        }
        try (WriteAheadLog wal = provider.open(dir.toUri(), SMALL)) {
            assertThatThrownBy(() -> readAll(wal))
                    .hasCauseInstanceOf(CorruptDataException.class)
                    .cause()
                    .hasMessageContaining(first.toString());
        }
    }

    @Test
    void aReaderOfATornLogChangesNothingAndStopsBeforeTheTear() throws IOException {
        Path dir = tmp.resolve("log");
        write(dir, Map.of(), 10, 100);
        Path segment = segmentFiles(dir).get(0);
        long cut = Files.size(segment) - 50;
        try (var ch = Files.newByteChannel(segment, StandardOpenOption.WRITE)) {
            ch.truncate(cut);
        }
        Files.delete(dir.resolve("writer.lock"));
        try (WriteAheadLogReader reader = provider.openReader(dir.toUri(), Map.of())) {
            assertThat(reader.recovery())
                    .isEqualTo(new RecoveryReport(
                            9,
                            java.util.Optional.of(
                                    new RecoveryReport.TornTail(segment.toString(), 9 * 132, cut - 9 * 132))));
            assertThat(readAll(reader)).hasSize(9);
            assertThat(reader.read(RecordHandle.of(9))).isEmpty();
            assertThat(reader.last()).contains(RecordHandle.of(8));
        }
        assertThat(Files.size(segment)).isEqualTo(cut);
        assertThat(dir.resolve("writer.lock")).as("a reader takes no lock").doesNotExist();
    }

    // ---------------------------------------------------------------- truncation

    @Test
    void truncationDeletesWholeSegmentFilesOfAnEarlierWriter() throws IOException {
        Path dir = tmp.resolve("log");
        write(dir, SMALL, 100, 200); // 17 records per segment
        int before = segmentFiles(dir).size();
        try (WriteAheadLog wal = provider.open(dir.toUri(), SMALL)) {
            wal.truncateBefore(TS + 40); // segments of this log were written by the earlier writer
            assertThat(wal.first()).contains(RecordHandle.of(34));
            wal.truncateBefore(RecordHandle.of(60));
            assertThat(wal.first()).contains(RecordHandle.of(51));
        }
        assertThat(segmentFiles(dir)).hasSize(before - 3);
        assertThat(firstLsn(segmentFiles(dir).get(0))).isEqualTo(51);
    }

    @Test
    void truncationByTimeStopsAtTheFirstSegmentWithANewerRecordSoTheLogStaysContiguous() throws IOException {
        Path dir = tmp.resolve("log");
        try (WriteAheadLog wal = provider.open(dir.toUri(), SMALL)) {
            for (int i = 0; i < 100; i++) {
                // Record 20 (in the second segment) carries a late timestamp; the rest grow slowly.
                wal.append(ByteBuffer.wrap(payload(i, 200)), i == 20 ? TS + 1_000_000 : TS + i);
            }
            wal.sync(Durability.FLUSH);
            wal.truncateBefore(TS + 90);
            assertThat(wal.first())
                    .as("only the first segment is older than the threshold throughout")
                    .contains(RecordHandle.of(17));
            assertThat(readAll(wal)).hasSize(83);
        }
    }

    @Test
    void replayWhileTruncatingSkipsWhatWasDeletedAndKeepsOrder() throws Exception {
        Path dir = tmp.resolve("log");
        try (WriteAheadLog wal = provider.open(dir.toUri(), SMALL)) {
            for (int i = 0; i < 500; i++) {
                wal.append(ByteBuffer.wrap(payload(i, 200)), TS + i);
            }
            wal.sync(Durability.FLUSH);
            try (CloseableIterator<LogRecord> it = wal.replayAll()) {
                assertThat(it.next().handle().lsn()).isZero();
                wal.truncateBefore(RecordHandle.of(250));
                long previous = 0;
                long count = 1;
                while (it.hasNext()) {
                    long lsn = it.next().handle().lsn();
                    assertThat(lsn).isGreaterThan(previous);
                    previous = lsn;
                    count++;
                }
                assertThat(previous).isEqualTo(499);
                assertThat(count).isLessThan(500);
            }
        }
    }

    // ---------------------------------------------------------------- reading

    @Test
    void randomReadsThroughTheIndexMatchAReplay() throws IOException {
        Path dir = tmp.resolve("log");
        Random random = new Random(42);
        List<byte[]> written = new ArrayList<>();
        try (WriteAheadLog wal = provider.open(dir.toUri(), Map.of("segment-bytes", "1MiB"))) {
            for (int i = 0; i < 3000; i++) {
                // Mostly small records, some of them larger than an index stride.
                byte[] p = payload(i, random.nextInt(20) == 0 ? 70_000 + random.nextInt(100_000) : random.nextInt(300));
                written.add(p);
                wal.append(ByteBuffer.wrap(p), TS + i);
            }
            wal.sync(Durability.FLUSH);
            for (int n = 0; n < 500; n++) {
                int lsn = random.nextInt(written.size());
                assertThat(wal.read(RecordHandle.of(lsn)).orElseThrow().bytes())
                        .as("writer read(lsn:%d)", lsn)
                        .isEqualTo(written.get(lsn));
            }
        }
        try (WriteAheadLogReader reader = provider.openReader(dir.toUri(), Map.of())) {
            for (int n = 0; n < 500; n++) {
                int lsn = random.nextInt(written.size());
                assertThat(reader.read(RecordHandle.of(lsn)).orElseThrow().bytes())
                        .as("reader read(lsn:%d)", lsn)
                        .isEqualTo(written.get(lsn));
            }
            int from = 1234;
            assertThat(bytesOf(readAll(reader, from))).containsExactlyElementsOf(written.subList(from, written.size()));
        }
    }

    @Test
    void aReaderFollowsTheWriterAcrossRollsAndTruncation() throws IOException {
        Path dir = tmp.resolve("log");
        try (WriteAheadLog wal = provider.open(dir.toUri(), SMALL);
                WriteAheadLogReader reader = provider.openReader(dir.toUri(), Map.of())) {
            assertThat(reader.first()).isEmpty();
            assertThat(reader.last()).isEmpty();
            for (int i = 0; i < 100; i++) {
                wal.append(ByteBuffer.wrap(payload(i, 200)), TS + i);
            }
            wal.sync(Durability.FLUSH);
            assertThat(reader.read(RecordHandle.of(99)).orElseThrow().bytes()).isEqualTo(payload(99, 200));
            assertThat(reader.last()).contains(RecordHandle.of(99));
            assertThat(readAll(reader)).hasSize(100);
            wal.truncateBefore(RecordHandle.of(50));
            assertThat(reader.first()).contains(RecordHandle.of(34));
            assertThat(reader.read(RecordHandle.of(0)))
                    .as("a record truncated by the writer")
                    .isEmpty();
            assertThat(readAll(reader)).hasSize(66);
        }
    }

    // ---------------------------------------------------------------- writer lock

    @Test
    void aWriterInAnotherProcessIsRefusedNamingTheDirectory() throws Exception {
        Path dir = tmp.resolve("log");
        write(dir, Map.of(), 1, 10);
        Process child = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        LockHolder.class.getName(),
                        dir.toUri().toString())
                .redirectErrorStream(true)
                .start();
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            assertThat(out.readLine()).isEqualTo("OPEN");
            assertThatThrownBy(() -> provider.open(dir.toUri(), Map.of()))
                    .isInstanceOf(ConcurrentWriterException.class)
                    .hasMessageContaining(dir.toString())
                    .hasMessageContaining("another process");
            try (WriteAheadLogReader reader = provider.openReader(dir.toUri(), Map.of())) {
                assertThat(reader.read(RecordHandle.of(1)).orElseThrow().bytes())
                        .isEqualTo(payload(1, 10));
            }
        } finally {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
        try (WriteAheadLog wal = provider.open(dir.toUri(), Map.of())) {
            assertThat(wal.recovery().nextLsn())
                    .as("the killed writer's lock died with it")
                    .isEqualTo(2);
        }
    }

    /** Holds a log's writer open in a child process until killed. */
    public static final class LockHolder {
        public static void main(String[] args) throws Exception {
            try (WriteAheadLog wal = new LocalWriteAheadLogProvider().open(URI.create(args[0]), Map.of())) {
                wal.write(ByteBuffer.wrap(payload(1, 10)), TS);
                System.out.println("OPEN");
                System.out.flush();
                Thread.sleep(TimeUnit.MINUTES.toMillis(5));
            }
        }
    }

    @Test
    void aSecondWriterInThisProcessIsRefusedAndTheLockIsReleasedOnClose() throws IOException {
        Path dir = tmp.resolve("log");
        WriteAheadLog first = provider.open(dir.toUri(), Map.of());
        assertThatThrownBy(() -> provider.open(dir.toUri(), Map.of()))
                .isInstanceOf(ConcurrentWriterException.class)
                .hasMessageContaining(dir.toString())
                .hasMessageContaining("this process");
        first.close();
        provider.open(dir.toUri(), Map.of()).close();
    }

    @Test
    void concurrentOpensOfOneLogAdmitExactlyOneWriter() throws Exception {
        Path dir = tmp.resolve("log");
        int threads = 8;
        List<Thread> openers = new ArrayList<>();
        List<WriteAheadLog> opened = new java.util.concurrent.CopyOnWriteArrayList<>();
        AtomicReference<Throwable> unexpected = new AtomicReference<>();
        for (int t = 0; t < threads; t++) {
            Thread opener = new Thread(() -> {
                try {
                    opened.add(provider.open(dir.toUri(), Map.of()));
                } catch (ConcurrentWriterException expected) {
                    // all but one
                } catch (Throwable e) {
                    unexpected.compareAndSet(null, e);
                }
            });
            openers.add(opener);
            opener.start();
        }
        for (Thread opener : openers) {
            opener.join();
        }
        for (WriteAheadLog wal : opened) {
            wal.close();
        }
        assertThat(unexpected.get()).isNull();
        assertThat(opened).hasSize(1);
    }

    // ---------------------------------------------------------------- URIs and options

    // ---------------------------------------------------------------- interrupts

    /**
     * Writers lead group-commit batches in their own threads, so an interrupt can land inside a
     * {@code FileChannel} call, which closes the channel. The log reopens the segment and repeats
     * the call: interrupting writers never fails the log, and every acknowledged record is kept.
     */
    @Test
    void interruptingWritersNeverFailsTheLogAndKeepsEveryAcknowledgedRecord() throws Exception {
        Path dir = tmp.resolve("log");
        int threads = 4;
        int perThread = 300;
        List<List<Long>> acked = new ArrayList<>();
        try (WriteAheadLog wal = provider.open(dir.toUri(), Map.of("durability", "sync", "segment-bytes", "64KiB"))) {
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> writers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                List<Long> mine = new ArrayList<>();
                acked.add(mine);
                int thread = t;
                Thread writer = new Thread(() -> {
                    for (int s = 0; s < perThread; s++) {
                        try {
                            mine.add(wal.write(ByteBuffer.wrap(payload(thread * perThread + s, 300)), TS)
                                    .lsn());
                        } catch (java.io.InterruptedIOException e) {
                            Thread.interrupted(); // stopped waiting for another thread's batch: not acknowledged
                        } catch (Throwable e) {
                            failure.compareAndSet(null, e);
                            return;
                        }
                        Thread.interrupted();
                    }
                });
                writers.add(writer);
                writer.start();
            }
            Random random = new Random(7);
            while (writers.stream().anyMatch(Thread::isAlive)) {
                writers.get(random.nextInt(threads)).interrupt();
                Thread.sleep(0, 200_000);
            }
            for (Thread writer : writers) {
                writer.join();
            }
            assertThat(failure.get()).as("a writer failed").isNull();
            assertThat(wal.write(ByteBuffer.wrap(payload(0, 300)), TS))
                    .as("the log still writes")
                    .isNotNull();
        }
        List<Long> all = acked.stream().flatMap(List::stream).toList();
        assertThat(all).as("acknowledged records").isNotEmpty();
        try (WriteAheadLogReader reader = provider.openReader(dir.toUri(), Map.of());
                CloseableIterator<LogRecord> it = reader.replayAll()) {
            Map<Long, Integer> found = new HashMap<>();
            long expected = 0;
            while (it.hasNext()) {
                LogRecord r = it.next();
                assertThat(r.handle().lsn()).isEqualTo(expected++);
                found.put(r.handle().lsn(), r.payload().remaining());
            }
            assertThat(found.keySet()).containsAll(all);
        }
    }

    @Test
    void uriMustBeAnAbsoluteLocalPathWithoutHostQueryOrFragment() {
        for (String bad :
                List.of("file:relative/dir", "file://host/dir", "file:///dir?x=1", "file:///dir#frag", "hdfs:///dir")) {
            assertThatThrownBy(() -> provider.open(URI.create(bad), Map.of()))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(bad);
            assertThatThrownBy(() -> provider.openReader(URI.create(bad), Map.of()))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void optionsAreValidatedByTheProviderItselfNamingEveryBadOne() {
        Map<String, String> bad = new HashMap<>();
        bad.put("segment-bytes", "tiny");
        bad.put("durabilty", "sync");
        assertThatThrownBy(() -> provider.open(tmp.resolve("log").toUri(), bad))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("segment-bytes")
                .hasMessageContaining("tiny")
                .hasMessageContaining("durabilty");
        assertThat(tmp.resolve("log"))
                .as("nothing is created for invalid options")
                .doesNotExist();
    }

    @Test
    void openReaderOfAnEmptyDirectoryIsNoSuchFile() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("empty"));
        assertThatThrownBy(() -> provider.openReader(dir.toUri(), Map.of()))
                .isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining(dir.toString());
        assertThat(dir).isEmptyDirectory();
    }

    // ---------------------------------------------------------------- helpers

    private void write(Path dir, Map<String, String> options, int records, int length) throws IOException {
        try (WriteAheadLog wal = provider.open(dir.toUri(), options)) {
            for (int i = 0; i < records; i++) {
                wal.append(ByteBuffer.wrap(payload(i, length)), TS + i);
            }
        }
    }

    static byte[] payload(int i, int length) {
        byte[] b = new byte[length];
        new Random(i * 31L + length).nextBytes(b);
        return b;
    }

    private static List<Path> segmentFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".wal"))
                    .sorted()
                    .collect(Collectors.toList());
        }
    }

    private static long firstLsn(Path segment) {
        String name = segment.getFileName().toString();
        assertThat(name).matches("\\d{20}\\.wal");
        return Long.parseLong(name.substring(0, 20));
    }

    private static void flipByte(Path file, long offset) throws IOException {
        try (var ch = Files.newByteChannel(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            ch.position(offset).read(one);
            one.put(0, (byte) ~one.get(0)).rewind();
            ch.position(offset).write(one);
        }
    }

    private static boolean tryLock(Path file) throws IOException {
        try (var ch = java.nio.channels.FileChannel.open(file, StandardOpenOption.WRITE);
                var lock = ch.tryLock()) {
            return lock != null;
        }
    }

    private static List<LogRecord> readAll(WriteAheadLogReader log) throws IOException {
        return readAll(log, 0);
    }

    private static List<LogRecord> readAll(WriteAheadLogReader log, long from) throws IOException {
        List<LogRecord> out = new ArrayList<>();
        try (CloseableIterator<LogRecord> it = log.replay(RecordHandle.of(from))) {
            while (it.hasNext()) {
                out.add(it.next());
            }
        }
        return out;
    }

    private static List<byte[]> bytesOf(List<LogRecord> records) {
        return records.stream().map(LogRecord::bytes).collect(Collectors.toList());
    }
}
