package dev.lifeboat.benchmarks.wal;

import dev.lifeboat.benchmarks.BenchSupport;
import dev.lifeboat.benchmarks.servers.BackendFixture;
import dev.lifeboat.spi.Lifeboat;
import dev.lifeboat.spi.wal.CloseableIterator;
import dev.lifeboat.spi.wal.LogRecord;
import dev.lifeboat.spi.wal.WriteAheadLog;
import dev.lifeboat.spi.wal.WriteAheadLogReader;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Replaying a whole log of {@code logMiB} (every record's CRC32C verified by the reader) beside
 * the raw baseline: a plain sequential read of a file of the same size on the same disk, in
 * 1 MiB chunks. One op = one full pass; MB/s = logMiB / (seconds per op). Both were just written,
 * so both read from the page cache: the ratio is the log's own cost of reading.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 5)
@Fork(
        value = 1,
        jvmArgsAppend = {
            BenchSupport.FLAG_REFLECT,
            BenchSupport.FLAG_NIO,
            BenchSupport.FLAG_REF,
            BenchSupport.FLAG_ANALYTICS,
            BenchSupport.FLAG_HEAP
        })
public class WalReplayBenchmark {
    private static final int CHUNK = 1 << 20;

    /** A log of {@code logMiB} in records of {@code recordBytes}, written once per trial. */
    @State(Scope.Benchmark)
    public static class Log {
        @Param({"local", "chronicle", "hadoop", "s3", "azure"})
        public String backend;

        @Param({"1024"})
        public int logMiB;

        @Param({"4096"})
        public int recordBytes;

        BackendFixture fixture;
        URI uri;
        Map<String, String> options;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            fixture = BackendFixture.start(backend);
            uri = fixture.uri("wal");
            options = fixture.options(WalAppendBenchmark.options("none"));
            ByteBuffer record = BenchSupport.record(recordBytes);
            long records = (long) logMiB * CHUNK / recordBytes;
            try (WriteAheadLog wal = Lifeboat.openWriteAheadLog(uri, options)) {
                for (long i = 0; i < records; i++) {
                    wal.append(record.duplicate(), i);
                }
                wal.sync();
            } catch (IOException | RuntimeException e) {
                fixture.closeAfter(e);
                throw e;
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            fixture.close();
        }
    }

    /** A plain file of {@code logMiB}, written and forced once per trial. */
    @State(Scope.Benchmark)
    public static class RawFile {
        @Param({"1024"})
        public int logMiB;

        Path dir;
        Path file;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            dir = BenchSupport.freshDir("raw-read");
            file = dir.resolve("raw.log");
            ByteBuffer chunk = ByteBuffer.wrap(BenchSupport.bytes(CHUNK));
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                for (int i = 0; i < logMiB; i++) {
                    ch.write(chunk.clear());
                }
                ch.force(false);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            BenchSupport.deleteRecursively(dir);
        }
    }

    @Benchmark
    public long replay(Log log) throws IOException {
        long bytes = 0;
        try (WriteAheadLogReader reader = Lifeboat.openWriteAheadLogReader(log.uri, log.options);
                CloseableIterator<LogRecord> it = reader.replayAll()) {
            while (it.hasNext()) {
                bytes += it.next().payload().remaining();
            }
        }
        return bytes;
    }

    /** The baseline: read the file front to back in 1 MiB chunks. */
    @Benchmark
    public long rawSequentialRead(RawFile raw) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocateDirect(CHUNK);
        long bytes = 0;
        try (FileChannel ch = FileChannel.open(raw.file, StandardOpenOption.READ)) {
            int n;
            while ((n = ch.read(buffer.clear())) > 0) {
                bytes += n;
            }
        }
        return bytes;
    }
}
