package dev.lifeboat.benchmarks.wal;

import dev.lifeboat.benchmarks.BenchSupport;
import dev.lifeboat.benchmarks.servers.BackendFixture;
import dev.lifeboat.spi.Lifeboat;
import dev.lifeboat.spi.wal.RecordHandle;
import dev.lifeboat.spi.wal.WriteAheadLog;
import java.io.IOException;
import java.nio.ByteBuffer;
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
 * Appending to a write-ahead log and waiting for the configured durability ({@code write}), with
 * 1, 4 and 16 concurrent writers sharing one log (group commit). One op = one acknowledged
 * record; MB/s = ops × record size. The baselines are in {@link RawDiskBenchmark}.
 *
 * <p>Segments roll at 64 MiB and every segment but the newest is truncated after each
 * iteration, so the disk footprint stays bounded whatever the rate.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(
        value = 1,
        jvmArgsAppend = {
            BenchSupport.FLAG_REFLECT,
            BenchSupport.FLAG_NIO,
            BenchSupport.FLAG_REF,
            BenchSupport.FLAG_ANALYTICS,
            BenchSupport.FLAG_HEAP
        })
public class WalAppendBenchmark {
    /** A backend that serves write-ahead logs: local, chronicle, hadoop, s3 or azure. */
    @Param({"local", "chronicle", "hadoop", "s3", "azure"})
    public String backend;

    @Param({"100", "1024", "65536"})
    public int recordBytes;

    @Param({"none", "flush", "sync"})
    public String durability;

    private BackendFixture fixture;
    private WriteAheadLog wal;
    private ByteBuffer record;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        fixture = BackendFixture.start(backend);
        try {
            record = BenchSupport.record(recordBytes);
            wal = Lifeboat.openWriteAheadLog(fixture.uri("wal"), fixture.options(options(durability)));
        } catch (IOException | RuntimeException e) {
            fixture.closeAfter(e);
            throw e;
        }
    }

    /** The options every WAL suite opens logs with: 64 MiB segments, records up to 1 MiB. */
    static Map<String, String> options(String durability) {
        return Map.of("durability", durability, "segment-bytes", "64MiB", "max-record-bytes", "1MiB");
    }

    /** Keep the disk footprint bounded: drop the segments of the finished iteration. */
    @TearDown(Level.Iteration)
    public void truncate() throws IOException {
        Optional<RecordHandle> last = wal.last();
        if (last.isPresent()) {
            wal.truncateBefore(last.get());
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        try {
            if (wal != null) {
                wal.close();
            }
        } finally {
            fixture.close();
        }
    }

    // The threads share one record: a log never moves the position of the record it is given (its
    // contract), so an op allocates nothing of its own and JMH's -prof gc shows the log's allocation.

    @Benchmark
    @Threads(1)
    public RecordHandle writers1() throws IOException {
        return wal.write(record, 0);
    }

    @Benchmark
    @Threads(4)
    public RecordHandle writers4() throws IOException {
        return wal.write(record, 0);
    }

    @Benchmark
    @Threads(16)
    public RecordHandle writers16() throws IOException {
        return wal.write(record, 0);
    }
}
