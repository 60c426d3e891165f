package dev.lifeboat.benchmarks.checkpoint;

import dev.lifeboat.benchmarks.BenchSupport;
import dev.lifeboat.benchmarks.servers.BackendFixture;
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
 * {@code commit} returns), reading one back with verification, and the raw baselines: the same
 * bytes written to plain files in 1 MiB chunks with one {@code force} per file, and read back.
 * One op = one whole checkpoint; MB/s = sizeMiB / (seconds per op).
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
public class CheckpointBenchmark {
    static final int CHUNK = 1 << 20;

    /** A store of {@code backend}; each commit writes a new checkpoint, dropped after the iteration. */
    @State(Scope.Benchmark)
    public static class Commit {
        @Param({"local", "hadoop", "s3", "azure"})
        public String backend;

        @Param({"1", "256"})
        public int sizeMiB;

        @Param({"1", "16"})
        public int parts;

        BackendFixture fixture;
        CheckpointStore store;
        byte[] chunk;
        long sequence;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            fixture = BackendFixture.start(backend);
            try {
                chunk = BenchSupport.bytes(CHUNK);
                store = Lifeboat.openCheckpointStore(fixture.uri("checkpoints"), fixture.options());
            } catch (IOException | RuntimeException e) {
                fixture.closeAfter(e);
                throw e;
            }
        }

        @TearDown(Level.Iteration)
        public void cleanUp() throws IOException {
            for (CheckpointId id : store.list("bench")) {
                store.delete(id);
            }
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

    /** A store of {@code backend} holding one checkpoint, written once per trial. */
    @State(Scope.Benchmark)
    public static class Read {
        @Param({"local", "hadoop", "s3", "azure"})
        public String backend;

        @Param({"1", "256"})
        public int sizeMiB;

        @Param({"1", "16"})
        public int parts;

        BackendFixture fixture;
        CheckpointStore store;
        CheckpointId id = CheckpointId.of("readable");

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            fixture = BackendFixture.start(backend);
            try {
                store = Lifeboat.openCheckpointStore(fixture.uri("checkpoints"), fixture.options());
                write(store, id, BenchSupport.bytes(CHUNK), sizeMiB, parts);
            } catch (IOException | RuntimeException e) {
                fixture.closeAfter(e);
                throw e;
            }
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

    /** Plain files on the disk of the local backend; one set is kept for reading. */
    @State(Scope.Benchmark)
    public static class Raw {
        @Param({"1", "256"})
        public int sizeMiB;

        @Param({"1", "16"})
        public int parts;

        Path dir;
        byte[] chunk;
        long sequence;
        Path readable;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            dir = BenchSupport.freshDir("raw-checkpoint");
            chunk = BenchSupport.bytes(CHUNK);
            readable = dir.resolve("readable");
            rawWrite(this, readable);
        }

        @TearDown(Level.Iteration)
        public void cleanUp() {
            BenchSupport.deleteRecursively(dir.resolve("written"));
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            BenchSupport.deleteRecursively(dir);
        }
    }

    @Benchmark
    public CheckpointInfo commit(Commit c) throws IOException {
        return write(c.store, CheckpointId.of("bench", c.sequence++), c.chunk, c.sizeMiB, c.parts);
    }

    /** Opens the checkpoint and reads every part to its end, where the store verifies length and CRC32C. */
    @Benchmark
    public long readBack(Read r) throws IOException {
        long bytes = 0;
        Checkpoint c = r.store.open(r.id).orElseThrow();
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

    /** The baseline of {@link #commit}: each part to its own file in 1 MiB chunks, forced once. */
    @Benchmark
    public long rawWriteForce(Raw raw) throws IOException {
        return rawWrite(raw, raw.dir.resolve("written").resolve(Long.toString(raw.sequence++)));
    }

    /** The baseline of {@link #readBack}: every file read to its end, unverified. */
    @Benchmark
    public long rawRead(Raw raw) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
        long bytes = 0;
        for (int p = 0; p < raw.parts; p++) {
            try (FileChannel ch = FileChannel.open(raw.readable.resolve("part-" + p), StandardOpenOption.READ)) {
                int n;
                while ((n = ch.read(buffer.clear())) > 0) {
                    bytes += n;
                }
            }
        }
        return bytes;
    }

    private static long rawWrite(Raw raw, Path into) throws IOException {
        Files.createDirectories(into);
        long bytes = 0;
        long partBytes = partBytes(raw.sizeMiB, raw.parts);
        for (int p = 0; p < raw.parts; p++) {
            try (FileChannel ch = FileChannel.open(
                    into.resolve("part-" + p), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                for (long left = partBytes; left > 0; left -= CHUNK) {
                    bytes += ch.write(ByteBuffer.wrap(raw.chunk, 0, (int) Math.min(CHUNK, left)));
                }
                ch.force(true);
            }
        }
        return bytes;
    }

    static CheckpointInfo write(CheckpointStore store, CheckpointId id, byte[] chunk, int sizeMiB, int parts)
            throws IOException {
        long partBytes = partBytes(sizeMiB, parts);
        try (CheckpointWriter w = store.begin(id)) {
            for (int p = 0; p < parts; p++) {
                try (OutputStream out = w.openPart("part-" + p)) {
                    for (long left = partBytes; left > 0; left -= CHUNK) {
                        out.write(chunk, 0, (int) Math.min(CHUNK, left));
                    }
                }
            }
            return w.commit();
        }
    }

    private static long partBytes(int sizeMiB, int parts) {
        return (long) sizeMiB * CHUNK / parts;
    }
}
