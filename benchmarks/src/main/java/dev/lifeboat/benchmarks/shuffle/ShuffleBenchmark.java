package dev.lifeboat.benchmarks.shuffle;

import dev.lifeboat.benchmarks.BenchSupport;
import dev.lifeboat.benchmarks.servers.BackendFixture;
import dev.lifeboat.spi.Lifeboat;
import dev.lifeboat.spi.shuffle.MapOutputId;
import dev.lifeboat.spi.shuffle.MapOutputWriter;
import dev.lifeboat.spi.shuffle.MapStatus;
import dev.lifeboat.spi.shuffle.ShuffleBlockStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
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
 * A whole shuffle: 16 map outputs of 64 partitions written and committed, then every block read
 * back (reduce by reduce, as reducers do) and verified. The raw baseline writes the same bytes as
 * one plain file per map output and reads each block back with a positional read. One op = one
 * shuffle; MB/s = 16 × 64 × blockKiB / time.
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
public class ShuffleBenchmark {
    static final int MAPS = 16;
    static final int PARTITIONS = 64;

    /** A store of {@code backend}; each op is a new shuffle, removed after the iteration. */
    @State(Scope.Benchmark)
    public static class Store {
        @Param({"local", "hadoop", "s3", "azure"})
        public String backend;

        @Param({"16"})
        public int blockKiB;

        BackendFixture fixture;
        ShuffleBlockStore store;
        byte[] block;
        int shuffleId;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            fixture = BackendFixture.start(backend);
            try {
                block = BenchSupport.bytes(blockKiB * 1024);
                store = Lifeboat.openShuffleBlockStore(fixture.uri("shuffle"), fixture.options());
            } catch (IOException | RuntimeException e) {
                fixture.closeAfter(e);
                throw e;
            }
        }

        @TearDown(Level.Iteration)
        public void removeShuffle() throws IOException {
            store.removeShuffle(shuffleId - 1);
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            try {
                store.close();
            } finally {
                fixture.close();
            }
        }
    }

    /** Plain files below a fresh directory. */
    @State(Scope.Benchmark)
    public static class Raw {
        @Param({"16"})
        public int blockKiB;

        Path dir;
        ByteBuffer block;
        int shuffleId;

        @Setup(Level.Trial)
        public void setUp() {
            dir = BenchSupport.freshDir("raw-shuffle");
            block = BenchSupport.record(blockKiB * 1024);
        }

        @TearDown(Level.Iteration)
        public void removeShuffle() {
            BenchSupport.deleteRecursively(dir.resolve("shuffle-" + (shuffleId - 1)));
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            BenchSupport.deleteRecursively(dir);
        }
    }

    @Benchmark
    public long writeThenReadAll(Store s) throws IOException {
        int shuffle = s.shuffleId++;
        List<MapStatus> statuses = new ArrayList<>(MAPS);
        for (int m = 0; m < MAPS; m++) {
            try (MapOutputWriter w = s.store.openMapOutput(MapOutputId.of(shuffle, m, 0), PARTITIONS)) {
                for (int r = 0; r < PARTITIONS; r++) {
                    try (OutputStream out = w.openPartition(r)) {
                        out.write(s.block);
                    }
                }
                statuses.add(w.commit());
            }
        }
        long bytes = 0;
        byte[] buffer = new byte[64 * 1024];
        for (int r = 0; r < PARTITIONS; r++) {
            for (MapStatus status : statuses) {
                try (InputStream in = s.store.openBlock(status, r)) {
                    int n;
                    while ((n = in.read(buffer)) > 0) {
                        bytes += n;
                    }
                }
            }
        }
        return bytes;
    }

    /** The baseline: one file per map output (not forced, as local map outputs are not), then positional reads. */
    @Benchmark
    public long rawWriteThenReadAll(Raw raw) throws IOException {
        Path shuffle = Files.createDirectories(raw.dir.resolve("shuffle-" + raw.shuffleId++));
        int blockBytes = raw.block.remaining();
        for (int m = 0; m < MAPS; m++) {
            try (FileChannel ch = FileChannel.open(
                    shuffle.resolve(m + ".data"), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                for (int r = 0; r < PARTITIONS; r++) {
                    ch.write(raw.block.duplicate());
                }
            }
        }
        long bytes = 0;
        ByteBuffer buffer = ByteBuffer.allocate(blockBytes);
        for (int r = 0; r < PARTITIONS; r++) {
            for (int m = 0; m < MAPS; m++) {
                try (FileChannel ch = FileChannel.open(shuffle.resolve(m + ".data"), StandardOpenOption.READ)) {
                    long position = (long) r * blockBytes;
                    buffer.clear();
                    while (buffer.hasRemaining()) {
                        int n = ch.read(buffer, position + buffer.position());
                        if (n < 0) {
                            throw new IOException("short block " + r + " of map output " + m);
                        }
                    }
                    bytes += blockBytes;
                }
            }
        }
        return bytes;
    }
}
