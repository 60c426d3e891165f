package dev.lifeboat.benchmarks.wal;

import dev.lifeboat.benchmarks.BenchSupport;
import dev.lifeboat.spi.Lifeboat;
import dev.lifeboat.spi.wal.CloseableIterator;
import dev.lifeboat.spi.wal.LogRecord;
import dev.lifeboat.spi.wal.WriteAheadLog;
import dev.lifeboat.spi.wal.WriteAheadLogReader;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
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
 * Replaying a whole log (every record verified) against a plain sequential read of the same
 * files. One op = one full pass over {@code logMiB}; MB/s = logMiB / (seconds per op). Both read
 * from the page cache after the first pass, so the ratio is the log's CPU overhead.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {BenchSupport.FLAG_REFLECT, BenchSupport.FLAG_NIO, BenchSupport.FLAG_REF,
        BenchSupport.FLAG_ANALYTICS, "-Xmx2g"})
public class WalReplayBenchmark {
    @Param({"local"})
    public String backend;

    @Param({"256"})
    public int logMiB;

    @Param({"4096"})
    public int recordBytes;

    private Path dir;
    private URI uri;
    private List<Path> files;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = BenchSupport.freshDir("replay-" + backend);
        uri = WalAppendBenchmark.uri(backend, dir);
        ByteBuffer record = BenchSupport.record(recordBytes);
        long records = (long) logMiB * (1 << 20) / recordBytes;
        try (WriteAheadLog wal = Lifeboat.openWriteAheadLog(uri, Map.of("durability", "none"))) {
            for (long i = 0; i < records; i++) {
                wal.append(record.duplicate(), i);
            }
            wal.sync();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            files = s.filter(Files::isRegularFile).sorted().collect(Collectors.toList());
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        BenchSupport.deleteRecursively(dir);
    }

    @Benchmark
    public long replay() throws IOException {
        long bytes = 0;
        try (WriteAheadLogReader reader = Lifeboat.openWriteAheadLogReader(uri, Map.of());
                CloseableIterator<LogRecord> it = reader.replayAll()) {
            while (it.hasNext()) {
                bytes += it.next().payload().remaining();
            }
        }
        return bytes;
    }

    /** The baseline: read every file of the log front to back in 1 MiB chunks. */
    @Benchmark
    public long rawSequentialRead() throws IOException {
        ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);
        long bytes = 0;
        for (Path f : files) {
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
                int n;
                while ((n = ch.read(buffer.clear())) > 0) {
                    bytes += n;
                }
            }
        }
        return bytes;
    }
}
