package dev.lifeboat.benchmarks.checkpoint;

import dev.lifeboat.benchmarks.BenchSupport;
import dev.lifeboat.spi.Lifeboat;
import dev.lifeboat.spi.checkpoint.Checkpoint;
import dev.lifeboat.spi.checkpoint.CheckpointId;
import dev.lifeboat.spi.checkpoint.CheckpointInfo;
import dev.lifeboat.spi.checkpoint.CheckpointStore;
import dev.lifeboat.spi.checkpoint.CheckpointWriter;
import dev.lifeboat.spi.checkpoint.PartInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
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
 * Committing a checkpoint of {@code sizeMiB} in {@code parts} parts (durable and visible when
 * commit returns), reading one back with verification, and the raw baseline: the same bytes
 * written to plain files with one {@code force} each. One op = one whole checkpoint.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {BenchSupport.FLAG_REFLECT, BenchSupport.FLAG_NIO, BenchSupport.FLAG_REF,
        BenchSupport.FLAG_ANALYTICS})
public class CheckpointBenchmark {
    private static final int CHUNK = 1 << 20;

    @Param({"local"})
    public String backend;

    @Param({"1", "256"})
    public int sizeMiB;

    @Param({"1", "16"})
    public int parts;

    private Path dir;
    private CheckpointStore store;
    private byte[] chunk;
    private long sequence;
    private CheckpointId readable;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = BenchSupport.freshDir("checkpoint-" + backend);
        chunk = new byte[CHUNK];
        BenchSupport.record(CHUNK).get(chunk);
        store = Lifeboat.openCheckpointStore(dir.resolve("store").toUri(), Map.of());
        readable = CheckpointId.of("readable");
        write(readable);
    }

    @TearDown(Level.Iteration)
    public void cleanUp() throws IOException {
        for (CheckpointId id : store.list("bench")) {
            store.delete(id);
        }
        BenchSupport.deleteRecursively(dir.resolve("raw"));
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        store.close();
        BenchSupport.deleteRecursively(dir);
    }

    @Benchmark
    public CheckpointInfo commit() throws IOException {
        return write(CheckpointId.of("bench", sequence++));
    }

    @Benchmark
    public long readBack() throws IOException {
        long bytes = 0;
        Checkpoint c = store.open(readable).orElseThrow();
        byte[] buffer = new byte[CHUNK];
        for (PartInfo p : c.info().parts()) {
            try (InputStream in = c.openPart(p.name())) {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    bytes += n;
                }
            }
        }
        return bytes;
    }

    /** The baseline: each part to its own file, written in 1 MiB chunks, forced once. */
    @Benchmark
    public long rawWriteForce() throws IOException {
        Path raw = Files.createDirectories(dir.resolve("raw").resolve(Long.toString(sequence++)));
        long bytes = 0;
        for (int p = 0; p < parts; p++) {
            try (FileChannel ch = FileChannel.open(raw.resolve("part-" + p), StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                for (long left = partBytes(); left > 0; left -= CHUNK) {
                    bytes += ch.write(ByteBuffer.wrap(chunk, 0, (int) Math.min(CHUNK, left)));
                }
                ch.force(true);
            }
        }
        return bytes;
    }

    private CheckpointInfo write(CheckpointId id) throws IOException {
        try (CheckpointWriter w = store.begin(id)) {
            for (int p = 0; p < parts; p++) {
                try (OutputStream out = w.openPart("part-" + p)) {
                    for (long left = partBytes(); left > 0; left -= CHUNK) {
                        out.write(chunk, 0, (int) Math.min(CHUNK, left));
                    }
                }
            }
            return w.commit();
        }
    }

    private long partBytes() {
        return (long) sizeMiB * CHUNK / parts;
    }
}
