package dev.lifeboat.benchmarks.shuffle;

import dev.lifeboat.benchmarks.BenchSupport;
import dev.lifeboat.spi.Lifeboat;
import dev.lifeboat.spi.shuffle.MapOutputId;
import dev.lifeboat.spi.shuffle.MapOutputWriter;
import dev.lifeboat.spi.shuffle.MapStatus;
import dev.lifeboat.spi.shuffle.ShuffleBlockStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
 * A whole shuffle: 16 map outputs of 64 partitions written and committed, then every block read
 * back and verified. One op = one shuffle; MB/s = 16 × 64 × blockKiB / time.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {BenchSupport.FLAG_REFLECT, BenchSupport.FLAG_NIO, BenchSupport.FLAG_REF,
        BenchSupport.FLAG_ANALYTICS})
public class ShuffleBenchmark {
    private static final int MAPS = 16;
    private static final int PARTITIONS = 64;

    @Param({"local"})
    public String backend;

    @Param({"16"})
    public int blockKiB;

    private Path dir;
    private ShuffleBlockStore store;
    private byte[] block;
    private int shuffleId;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = BenchSupport.freshDir("shuffle-" + backend);
        block = new byte[blockKiB * 1024];
        BenchSupport.record(block.length).get(block);
        store = Lifeboat.openShuffleBlockStore(dir.toUri(), Map.of());
    }

    @TearDown(Level.Iteration)
    public void removeShuffle() throws IOException {
        store.removeShuffle(shuffleId - 1);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        store.close();
        BenchSupport.deleteRecursively(dir);
    }

    @Benchmark
    public long writeThenReadAll() throws IOException {
        int shuffle = shuffleId++;
        List<MapStatus> statuses = new ArrayList<>(MAPS);
        for (int m = 0; m < MAPS; m++) {
            try (MapOutputWriter w = store.openMapOutput(MapOutputId.of(shuffle, m, 0), PARTITIONS)) {
                for (int r = 0; r < PARTITIONS; r++) {
                    try (OutputStream out = w.openPartition(r)) {
                        out.write(block);
                    }
                }
                statuses.add(w.commit());
            }
        }
        long bytes = 0;
        byte[] buffer = new byte[64 * 1024];
        for (int r = 0; r < PARTITIONS; r++) {
            for (MapStatus s : statuses) {
                try (InputStream in = store.openBlock(s, r)) {
                    int n;
                    while ((n = in.read(buffer)) > 0) {
                        bytes += n;
                    }
                }
            }
        }
        return bytes;
    }
}
