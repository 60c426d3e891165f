package dev.lifeboat.benchmarks.wal;

import dev.lifeboat.benchmarks.BenchSupport;
import dev.lifeboat.spi.Lifeboat;
import dev.lifeboat.spi.wal.RecordHandle;
import dev.lifeboat.spi.wal.WriteAheadLog;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Optional;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Latency percentiles (p50, p99, p99.9 in the JMH sample-time result) of a {@code sync} append,
 * beside a raw write + {@code force} of the same size.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = {BenchSupport.FLAG_REFLECT, BenchSupport.FLAG_NIO, BenchSupport.FLAG_REF,
        BenchSupport.FLAG_ANALYTICS})
public class WalLatencyBenchmark {
    @Param({"local"})
    public String backend;

    @Param({"1024"})
    public int recordBytes;

    private Path dir;
    private WriteAheadLog wal;
    private FileChannel raw;
    private ByteBuffer record;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = BenchSupport.freshDir("wal-latency-" + backend);
        record = BenchSupport.record(recordBytes);
        wal = Lifeboat.openWriteAheadLog(WalAppendBenchmark.uri(backend, dir.resolve("wal")),
                Map.of("durability", "sync"));
        raw = FileChannel.open(dir.resolve("raw.log"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    }

    @TearDown(Level.Iteration)
    public void truncate() throws IOException {
        Optional<RecordHandle> last = wal.last();
        if (last.isPresent()) {
            wal.truncateBefore(last.get());
        }
        raw.truncate(0);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        wal.close();
        raw.close();
        BenchSupport.deleteRecursively(dir);
    }

    @Benchmark
    @Threads(1)
    public RecordHandle syncAppend1() throws IOException {
        return wal.write(record.duplicate(), 0);
    }

    @Benchmark
    @Threads(16)
    public RecordHandle syncAppend16() throws IOException {
        return wal.write(record.duplicate(), 0);
    }

    /** The raw baseline: one write and one force per record, one thread. */
    @Benchmark
    @Threads(1)
    public int rawWriteForce() throws IOException {
        int n = raw.write(record.duplicate());
        raw.force(false);
        return n;
    }
}
