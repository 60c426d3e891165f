package dev.lifeboat.backend.chronicle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.backend.chronicle.internal.ChronicleJvm;
import dev.lifeboat.backend.chronicle.internal.ChronicleWalSettings;
import dev.lifeboat.spi.ConcurrentWriterException;
import dev.lifeboat.spi.wal.CloseableIterator;
import dev.lifeboat.spi.wal.LogRecord;
import dev.lifeboat.spi.wal.RecordHandle;
import dev.lifeboat.spi.wal.WriteAheadLog;
import dev.lifeboat.spi.wal.WriteAheadLogReader;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the kit does not cover: Chronicle's roll cycles, its JVM flags, and writers in two processes. */
class ChronicleWriteAheadLogTest {
    private static final long TS = 1_700_000_000_000L;

    private final ChronicleWriteAheadLogProvider provider = new ChronicleWriteAheadLogProvider();

    @TempDir
    Path tmp;

    // ---------------------------------------------------------------- roll cycles

    /**
     * Thousands of cycle files (one record each, a clock that moves a second per record under the
     * one-second test roll cycle): reopening finds the next LSN, reads any record by LSN, replays
     * across every file, and truncation deletes whole files.
     */
    @Test
    void reopenAfterThousandsOfCycleFiles() throws IOException {
        int cycles = 2000;
        Path dir = tmp.resolve("many");
        AtomicLong clock = new AtomicLong(TS);
        ChronicleWalSettings settings = settings(
                        dir,
                        Map.of(
                                "roll-cycle",
                                "test-secondly",
                                "max-record-bytes",
                                "64KiB",
                                "block-size",
                                "4MiB",
                                "durability",
                                "flush"))
                .withWallClock(clock::get);
        try (WriteAheadLog wal = ChronicleWriteAheadLogProvider.open(settings)) {
            for (int i = 0; i < cycles; i++) {
                assertThat(wal.write(ByteBuffer.wrap(payload(i)), TS + i)).isEqualTo(RecordHandle.of(i));
                clock.addAndGet(1000);
            }
        }
        assertThat(cycleFiles(dir)).as("one cycle file per record").hasSize(cycles);

        try (WriteAheadLog wal = ChronicleWriteAheadLogProvider.open(settings)) {
            assertThat(wal.recovery().nextLsn()).isEqualTo(cycles);
            assertThat(wal.recovery().tornTail()).isEmpty();
            assertThat(wal.first()).contains(RecordHandle.of(0));
            assertThat(wal.last()).contains(RecordHandle.of(cycles - 1));
            for (int lsn : new int[] {0, 1, 777, 1250, cycles - 2, cycles - 1}) {
                LogRecord r = wal.read(RecordHandle.of(lsn)).orElseThrow();
                assertThat(r.bytes()).as("lsn:%d", lsn).isEqualTo(payload(lsn));
                assertThat(r.timestampMillis()).isEqualTo(TS + lsn);
            }
            assertThat(wal.read(RecordHandle.of(cycles))).isEmpty();
            assertThat(countFrom(wal, 1000)).isEqualTo(cycles - 1000);

            wal.truncateBefore(RecordHandle.of(1500));
            assertThat(wal.first()).contains(RecordHandle.of(1500));
            assertThat(wal.read(RecordHandle.of(1499))).isEmpty();
            assertThat(cycleFiles(dir)).hasSize(cycles - 1500);

            clock.addAndGet(1000);
            assertThat(wal.write(ByteBuffer.wrap(payload(cycles)), TS + cycles)).isEqualTo(RecordHandle.of(cycles));
        }
        try (WriteAheadLogReader reader = provider.openReader(uri(dir), Map.of())) {
            assertThat(reader.first()).contains(RecordHandle.of(1500));
            assertThat(reader.last()).contains(RecordHandle.of(cycles));
            assertThat(countFrom(reader, 0)).isEqualTo(cycles + 1 - 1500);
            assertThat(reader.read(RecordHandle.of(1789)).orElseThrow().bytes()).isEqualTo(payload(1789));
        }
    }

    @Test
    void segmentBytesClosesACycleFileEarly() throws IOException {
        Path dir = tmp.resolve("early");
        try (WriteAheadLog wal = provider.open(uri(dir), Map.of("segment-bytes", "4KiB"))) {
            for (int i = 0; i < 200; i++) {
                wal.append(ByteBuffer.wrap(payload(i)), TS + i);
            }
            wal.sync();
        }
        // About 33 + 36 bytes of payload and headers each: some 60 records fit in 4 KiB.
        assertThat(cycleFiles(dir)).as("200 records in 4 KiB cycles").hasSizeBetween(3, 6);
        try (WriteAheadLog wal = provider.open(uri(dir), Map.of("segment-bytes", "4KiB"))) {
            assertThat(wal.recovery().nextLsn()).isEqualTo(200);
            assertThat(countFrom(wal, 0)).isEqualTo(200);
        }
    }

    @Test
    void truncatingCycleFilesWrittenSinceTheLastSyncLeavesTheNextSyncWorking() throws IOException {
        Path dir = tmp.resolve("truncate-unsynced");
        try (WriteAheadLog wal = provider.open(uri(dir), Map.of("segment-bytes", "4KiB", "durability", "flush"))) {
            for (int i = 0; i < 300; i++) {
                wal.write(ByteBuffer.wrap(payload(i)), TS + i);
            }
            int before = cycleFiles(dir).size();
            wal.truncateBefore(RecordHandle.of(250));
            assertThat(cycleFiles(dir)).as("cycle files after truncation").hasSizeLessThan(before);
            wal.sync();
            assertThat(wal.write(ByteBuffer.wrap(payload(300)), TS + 300)).isEqualTo(RecordHandle.of(300));
            wal.sync();
            assertThat(countFrom(wal, 0))
                    .isEqualTo(301 - wal.first().orElseThrow().lsn());
        }
    }

    @Test
    void aCycleFileWhoseCreationWasCutShortIsRemovedByTheNextWriter() throws IOException {
        Path dir = tmp.resolve("half-created");
        AtomicLong clock = new AtomicLong(TS);
        ChronicleWalSettings settings =
                settings(dir, Map.of("roll-cycle", "test-secondly")).withWallClock(clock::get);
        try (WriteAheadLog wal = ChronicleWriteAheadLogProvider.open(settings)) {
            wal.write(ByteBuffer.wrap(payload(0)), TS);
        }
        Path only = cycleFiles(dir).get(0);
        // The next second's file as a writer killed while creating it leaves it: zeros, no header.
        String name = only.getFileName().toString();
        Path next = only.resolveSibling(nextSecond(name));
        try (var ch = java.nio.channels.FileChannel.open(
                next, java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(1 << 16));
        }
        clock.addAndGet(5000);
        try (WriteAheadLog wal = ChronicleWriteAheadLogProvider.open(settings)) {
            assertThat(next).as("the cycle file without a header").doesNotExist();
            assertThat(wal.recovery().nextLsn()).isEqualTo(1);
            assertThat(wal.write(ByteBuffer.wrap(payload(1)), TS + 1)).isEqualTo(RecordHandle.of(1));
            assertThat(countFrom(wal, 0)).isEqualTo(2);
        }
    }

    /**
     * A writer killed in mid-append, as Chronicle leaves it: the excerpt's bytes are in the file
     * but its length header is still 0, and Chronicle's write lock is held by a dead process. The
     * next writer reports those bytes as the torn tail, continues at the next LSN without waiting
     * for Chronicle's lock timeout, and the reopened log is clean.
     */
    @Test
    void aWriterKilledInMidAppendLeavesATornTailThatIsReportedAndCut() throws Exception {
        Path dir = tmp.resolve("killed-mid-append");
        try (WriteAheadLog wal = provider.open(uri(dir), Map.of())) {
            for (int i = 0; i < 3; i++) {
                wal.write(ByteBuffer.wrap(payload(i)), TS + i);
            }
        }
        Process child = java(true, HaltInMidAppend.class, dir.toString());
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            assertThat(readLineStartingWith(out, "WRITING")).isEqualTo("WRITING");
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            child.destroyForcibly();
        }
        long torn;
        try (WriteAheadLogReader reader = provider.openReader(uri(dir), Map.of())) {
            assertThat(reader.recovery().tornTail())
                    .as("a reader sees the unfinished excerpt's bytes")
                    .isPresent();
            assertThat(countFrom(reader, 0)).isEqualTo(3);
        }
        try (WriteAheadLog wal = provider.open(uri(dir), Map.of())) {
            var tail = wal.recovery().tornTail().orElseThrow();
            torn = tail.discardedBytes();
            assertThat(torn).as("bytes of the unfinished excerpt").isGreaterThanOrEqualTo(HaltInMidAppend.BYTES);
            assertThat(tail.segment()).endsWith(".cq4");
            assertThat(wal.recovery().nextLsn()).isEqualTo(3);
            assertThat(wal.write(ByteBuffer.wrap(payload(3)), TS + 3)).isEqualTo(RecordHandle.of(3));
        }
        try (WriteAheadLog wal = provider.open(uri(dir), Map.of())) {
            assertThat(wal.recovery().tornTail()).as("reopening after the cut").isEmpty();
            assertThat(countFrom(wal, 0)).isEqualTo(4);
        }
    }

    /** Starts a Chronicle excerpt on a queue, writes part of a frame into it, and halts. */
    public static final class HaltInMidAppend {
        static final int BYTES = 20;

        public static void main(String[] args) {
            net.openhft.chronicle.queue.impl.single.SingleChronicleQueue queue =
                    net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder.binary(Path.of(args[0]))
                            .build();
            net.openhft.chronicle.queue.ExcerptAppender appender = queue.createAppender();
            net.openhft.chronicle.wire.DocumentContext dc = appender.writingDocument();
            byte[] partial = new byte[BYTES];
            java.util.Arrays.fill(partial, (byte) 0x5A);
            dc.wire().bytes().write(partial);
            System.out.println("WRITING");
            System.out.flush();
            Runtime.getRuntime().halt(9);
        }
    }

    /**
     * Chronicle closes a cycle with an end-of-file marker before it creates the next one; a writer
     * killed in between leaves the newest cycle closed (and the next file, if any, without a
     * header). The next writer must append in a new cycle instead of failing on the closed one.
     */
    @Test
    void aCycleClosedByAWriterThatDiedBeforeTheNextFileExistedIsRolledPast() throws IOException {
        Path dir = tmp.resolve("sealed");
        AtomicLong clock = new AtomicLong(TS);
        ChronicleWalSettings settings =
                settings(dir, Map.of("roll-cycle", "test-secondly")).withWallClock(clock::get);
        try (WriteAheadLog wal = ChronicleWriteAheadLogProvider.open(settings)) {
            for (int i = 0; i < 3; i++) {
                wal.write(ByteBuffer.wrap(payload(i)), TS + i);
            }
            clock.addAndGet(1000);
            wal.write(ByteBuffer.wrap(payload(99)), TS + 99); // rolls: closes the first cycle
        }
        List<Path> files = cycleFiles(dir);
        assertThat(files).hasSize(2);
        // The second file as it is before Chronicle wrote its header: zeros.
        Files.write(files.get(1), new byte[1 << 16]);
        clock.set(TS); // the wall clock is still in the closed cycle
        try (WriteAheadLog wal = ChronicleWriteAheadLogProvider.open(settings)) {
            assertThat(wal.recovery().nextLsn()).isEqualTo(3);
            assertThat(wal.recovery().tornTail()).isEmpty();
            assertThat(wal.write(ByteBuffer.wrap(payload(3)), TS + 3)).isEqualTo(RecordHandle.of(3));
            assertThat(countFrom(wal, 0)).isEqualTo(4);
        }
        try (WriteAheadLog wal = ChronicleWriteAheadLogProvider.open(settings)) {
            assertThat(wal.write(ByteBuffer.wrap(payload(4)), TS + 4)).isEqualTo(RecordHandle.of(4));
            assertThat(countFrom(wal, 0)).isEqualTo(5);
        }
    }

    // ---------------------------------------------------------------- options

    @Test
    void unknownRollCycleIsRejectedListingTheAcceptedOnes() {
        assertThatThrownBy(() -> provider.open(uri(tmp.resolve("x")), Map.of("roll-cycle", "fortnightly")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'roll-cycle' = 'fortnightly'")
                .hasMessageContaining("fast-daily")
                .hasMessageContaining("test-secondly");
    }

    @Test
    void blockSizeTooSmallForTheLargestRecordIsRejected() {
        assertThatThrownBy(() ->
                        provider.open(uri(tmp.resolve("x")), Map.of("block-size", "4MiB", "max-record-bytes", "16MiB")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'block-size' = '4MiB'")
                .hasMessageContaining("max-record-bytes");
    }

    @Test
    void uriMustNameAnAbsoluteLocalDirectory() {
        assertThatThrownBy(() -> provider.open(URI.create("chronicle://host/dir"), Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("host");
        assertThatThrownBy(() -> provider.open(URI.create("chronicle:relative"), Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("absolute");
    }

    // ---------------------------------------------------------------- two processes

    @Test
    void aWriterInAnotherProcessIsRefusedAndItsLockDiesWithIt() throws Exception {
        Path dir = tmp.resolve("two-writers");
        try (WriteAheadLog wal = provider.open(uri(dir), Map.of())) {
            wal.write(ByteBuffer.wrap(payload(0)), TS);
        }
        Process child = java(true, WriterHolder.class, uri(dir).toString());
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            assertThat(readLineStartingWith(out, "OPEN")).isEqualTo("OPEN");
            assertThatThrownBy(() -> provider.open(uri(dir), Map.of()))
                    .isInstanceOf(ConcurrentWriterException.class)
                    .hasMessageContaining(dir.toString())
                    .hasMessageContaining("another process");
            try (WriteAheadLogReader reader = provider.openReader(uri(dir), Map.of())) {
                assertThat(reader.read(RecordHandle.of(1)).orElseThrow().bytes())
                        .isEqualTo(payload(1));
            }
        } finally {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
        try (WriteAheadLog wal = provider.open(uri(dir), Map.of())) {
            assertThat(wal.recovery().nextLsn())
                    .as("the killed writer's lock died with it")
                    .isEqualTo(2);
        }
    }

    /** Holds a log's writer open in a child process until killed. */
    public static final class WriterHolder {
        public static void main(String[] args) throws Exception {
            try (WriteAheadLog wal = new ChronicleWriteAheadLogProvider().open(URI.create(args[0]), Map.of())) {
                wal.write(ByteBuffer.wrap(payload(1)), TS + 1);
                System.out.println("OPEN");
                System.out.flush();
                Thread.sleep(TimeUnit.MINUTES.toMillis(5));
            }
        }
    }

    // ---------------------------------------------------------------- JVM flags

    @Test
    void aJvmWithoutTheFlagsGetsAnErrorNamingThem() throws Exception {
        Process child =
                java(false, OpenWithoutFlags.class, uri(tmp.resolve("no-flags")).toString());
        String out;
        try (BufferedReader r =
                new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            out = readLineStartingWith(r, "FAILED");
        } finally {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
        assertThat(out)
                .startsWith("FAILED java.lang.IllegalStateException: ")
                .contains("lacks " + ChronicleJvm.OPEN_REFLECT + " " + ChronicleJvm.OPEN_NIO + " "
                        + ChronicleJvm.EXPORT_REF)
                .contains(String.join(" ", ChronicleJvm.FLAGS))
                .doesNotContain("net.openhft");
        assertThat(Files.exists(tmp.resolve("no-flags")))
                .as("nothing was created")
                .isFalse();
    }

    /** Opens a log and prints the failure's class and message on one line. */
    public static final class OpenWithoutFlags {
        public static void main(String[] args) {
            try {
                new ChronicleWriteAheadLogProvider()
                        .open(URI.create(args[0]), Map.of())
                        .close();
                System.out.println("OPENED");
            } catch (Throwable t) {
                System.out.println("FAILED " + t.getClass().getName() + ": " + t.getMessage());
            }
            System.out.flush();
        }
    }

    // ---------------------------------------------------------------- helpers

    private static ChronicleWalSettings settings(Path dir, Map<String, String> options) {
        ChronicleJvm.check();
        return ChronicleWalSettings.parse(uri(dir), options);
    }

    private static URI uri(Path dir) {
        return URI.create("chronicle://" + dir.toAbsolutePath());
    }

    private static byte[] payload(long i) {
        byte[] b = new byte[8 + (int) (i % 50)];
        ByteBuffer.wrap(b).putLong(i);
        for (int k = 8; k < b.length; k++) {
            b[k] = (byte) (i * 31 + k);
        }
        return b;
    }

    private static long countFrom(dev.lifeboat.spi.wal.WriteAheadLogReader log, long from) throws IOException {
        long n = 0;
        long expected = -1;
        try (CloseableIterator<LogRecord> it = log.replay(RecordHandle.of(from))) {
            while (it.hasNext()) {
                LogRecord r = it.next();
                if (expected >= 0) {
                    assertThat(r.handle().lsn()).as("LSNs are dense").isEqualTo(expected);
                }
                assertThat(r.bytes())
                        .as("payload of %s", r.handle())
                        .isEqualTo(payload(r.handle().lsn()));
                expected = r.handle().lsn() + 1;
                n++;
            }
        }
        return n;
    }

    private static List<Path> cycleFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".cq4"))
                    .sorted()
                    .toList();
        }
    }

    /** The test-secondly file name ({@code yyyyMMdd-HHmmss'T'.cq4}) one second later. */
    private static String nextSecond(String name) {
        java.time.format.DateTimeFormatter f =
                java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(java.time.ZoneOffset.UTC);
        java.time.Instant t = f.parse(name.substring(0, 15), java.time.Instant::from);
        return f.format(t.plusSeconds(1)) + "T.cq4";
    }

    private static Process java(boolean flags, Class<?> main, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (flags) {
            command.addAll(ChronicleJvm.FLAGS);
        }
        command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main.getName());
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    private static String readLineStartingWith(BufferedReader out, String prefix) throws IOException {
        StringBuilder seen = new StringBuilder();
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            if (line.startsWith(prefix)) {
                return line;
            }
            seen.append(line).append('\n');
        }
        throw new AssertionError("the child printed no line starting with " + prefix + ":\n" + seen);
    }
}
