package dev.lifeboat.benchmarks.wal;

import dev.lifeboat.benchmarks.BenchSupport;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
 * The device's ceilings, measured in the same run as the logs: a plain {@code FileChannel}
 * append loop with {@code force(false)} after every record (the sync ceiling of one writer) and
 * with one {@code force(false)} per MiB (the sequential-write ceiling). One op = one record, as in
 * {@link WalAppendBenchmark}; MB/s = ops × record size.
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
@Threads(1)
public class RawDiskBenchmark {
    private static final long MIB = 1 << 20;
    /** A new file after this many bytes, so that an iteration's footprint stays bounded. */
    private static final long FILE_BYTES = 256 * MIB;

    @Param({"100", "1024", "65536"})
    public int recordBytes;

    private Path dir;
    private FileChannel channel;
    private ByteBuffer record;
    private long sinceForce;
    private long fileBytes;

    @Setup(Level.Trial)
    public void setUp() {
        dir = BenchSupport.freshDir("raw");
        record = BenchSupport.record(recordBytes);
    }

    @Setup(Level.Iteration)
    public void openFile() throws IOException {
        channel = FileChannel.open(
                dir.resolve("raw.log"),
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        sinceForce = 0;
        fileBytes = 0;
    }

    @TearDown(Level.Iteration)
    public void closeFile() throws IOException {
        channel.force(false);
        channel.close();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        BenchSupport.deleteRecursively(dir);
    }

    /** Write one record and force it: what a log that syncs every record can at best do. */
    @Benchmark
    public int forcePerRecord() throws IOException {
        int n = write();
        channel.force(false);
        return n;
    }

    /** Write one record, force once a MiB has accumulated: the sequential bandwidth ceiling. */
    @Benchmark
    public int forcePerMiB() throws IOException {
        int n = write();
        sinceForce += n;
        if (sinceForce >= MIB) {
            channel.force(false);
            sinceForce = 0;
        }
        return n;
    }

    private int write() throws IOException {
        if (fileBytes >= FILE_BYTES) {
            channel.force(false);
            channel.truncate(0);
            channel.position(0);
            fileBytes = 0;
        }
        int n = channel.write(record.duplicate());
        fileBytes += n;
        return n;
    }
}
