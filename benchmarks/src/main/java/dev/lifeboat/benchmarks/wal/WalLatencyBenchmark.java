package dev.lifeboat.benchmarks.wal;

import dev.lifeboat.benchmarks.BenchSupport;
import dev.lifeboat.benchmarks.servers.BackendFixture;
import dev.lifeboat.spi.Lifeboat;
import dev.lifeboat.spi.wal.RecordHandle;
import dev.lifeboat.spi.wal.WriteAheadLog;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
 * Latency percentiles (p50, p99, p99.9 of JMH's sample-time mode) of a {@code sync} append with
 * 1 and 16 writers, beside the raw baseline: one {@code write} and {@code force(false)} of the
 * same size on a plain file.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
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
public class WalLatencyBenchmark {

    /** One log of {@code backend} at {@code durability=sync}. */
    @State(Scope.Benchmark)
    public static class SyncLog {
        @Param({"local", "chronicle", "hadoop", "s3", "azure"})
        public String backend;

        @Param({"1024"})
        public int recordBytes;

        BackendFixture fixture;
        WriteAheadLog wal;
        ByteBuffer record;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            fixture = BackendFixture.start(backend);
            try {
                record = BenchSupport.record(recordBytes);
                wal = Lifeboat.openWriteAheadLog(
                        fixture.uri("wal"), fixture.options(WalAppendBenchmark.options("sync")));
            } catch (IOException | RuntimeException e) {
                fixture.closeAfter(e);
                throw e;
            }
        }

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
    }

    /** A plain file, written and forced one record at a time. */
    @State(Scope.Benchmark)
    public static class RawFile {
        @Param({"1024"})
        public int recordBytes;

        Path dir;
        FileChannel channel;
        ByteBuffer record;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            dir = BenchSupport.freshDir("raw-latency");
            record = BenchSupport.record(recordBytes);
            channel = FileChannel.open(dir.resolve("raw.log"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        }

        @TearDown(Level.Iteration)
        public void truncate() throws IOException {
            channel.truncate(0);
            channel.position(0);
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            channel.close();
            BenchSupport.deleteRecursively(dir);
        }
    }

    @Benchmark
    @Threads(1)
    public RecordHandle syncAppend1(SyncLog log) throws IOException {
        return log.wal.write(log.record.duplicate(), 0);
    }

    @Benchmark
    @Threads(16)
    public RecordHandle syncAppend16(SyncLog log) throws IOException {
        return log.wal.write(log.record.duplicate(), 0);
    }

    /** The raw baseline: one write and one force per record, one thread. */
    @Benchmark
    @Threads(1)
    public int rawWriteForce(RawFile raw) throws IOException {
        int n = raw.channel.write(raw.record.duplicate());
        raw.channel.force(false);
        return n;
    }
}
