package dev.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.spi.Lifeboat;
import dev.lifeboat.spi.checkpoint.CheckpointId;
import dev.lifeboat.spi.checkpoint.CheckpointStore;
import dev.lifeboat.spi.checkpoint.CheckpointWriter;
import dev.lifeboat.spi.wal.WriteAheadLog;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lifeboat inspect} on damage planted by hand with plain file I/O, not through the
 * backend, as an operator would meet it.
 */
class InspectTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();

    @Test
    void intactWalIsReportedClean() throws IOException {
        writeWal(dir, 50);
        assertThat(inspect(dir.toString())).isZero();
        assertThat(out()).contains("write-ahead log", "records: 50", "OK: no damage found");
    }

    @Test
    void tornTailIsFoundWithItsLocation() throws IOException {
        writeWal(dir, 50);
        Path segment = onlySegment(dir);
        long size = Files.size(segment);
        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            ch.truncate(size - 3); // a crash in the middle of the last record
        }
        assertThat(inspect(dir.toString())).isEqualTo(1);
        assertThat(out())
                .contains("records: 49", "torn tail in", segment.getFileName().toString(), "DAMAGE FOUND");
        assertThat(Files.size(segment)).as("inspect never modifies storage").isEqualTo(size - 3);
    }

    @Test
    void flippedByteInTheMiddleIsCorruptionWithSegmentAndOffset() throws IOException {
        writeWal(dir, 50);
        Path segment = onlySegment(dir);
        flip(segment, 100);
        assertThat(inspect("--kind", "wal", dir.toUri().toString())).isEqualTo(1);
        assertThat(out()).contains("CorruptDataException", segment.getFileName().toString(), "offset");
    }

    @Test
    void checkpointWithAFlippedByteNamesCheckpointAndPart() throws IOException {
        try (CheckpointStore store = Lifeboat.openCheckpointStore(dir.toUri(), Map.of())) {
            for (int i = 0; i < 3; i++) {
                try (CheckpointWriter w = store.begin(CheckpointId.of("rdd-" + i))) {
                    w.writePart("part-0", ("checkpoint " + i).repeat(100).getBytes(StandardCharsets.UTF_8));
                    w.commit();
                }
            }
        }
        assertThat(inspect("--kind", "checkpoints", dir.toString())).isZero();
        assertThat(out()).contains("checkpoints: 3", "rdd-2");

        Path part;
        try (Stream<Path> files = Files.walk(dir)) {
            part = files.filter(p -> p.getFileName().toString().contains("part-0"))
                    .filter(Files::isRegularFile)
                    .filter(p -> {
                        try {
                            return new String(Files.readAllBytes(p), StandardCharsets.UTF_8).startsWith("checkpoint 1");
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    })
                    .findFirst()
                    .orElseThrow();
        }
        flip(part, 5);
        stdout.reset();
        assertThat(inspect("--kind", "checkpoints", dir.toString())).isEqualTo(1);
        assertThat(out()).contains("DAMAGE FOUND", "rdd-1", "part-0");
    }

    @Test
    void checkpointPartWithAppendedBytesIsDamage() throws IOException {
        try (CheckpointStore store = Lifeboat.openCheckpointStore(dir.toUri(), Map.of())) {
            try (CheckpointWriter w = store.begin(CheckpointId.of("rdd-7"))) {
                w.writePart("part-0", "seven".repeat(100).getBytes(StandardCharsets.UTF_8));
                w.commit();
            }
        }
        assertThat(inspect("--kind", "checkpoints", dir.toString())).isZero();
        Path part;
        try (Stream<Path> files = Files.walk(dir)) {
            part = files.filter(p -> p.getFileName().toString().contains("part-0"))
                    .filter(Files::isRegularFile)
                    .findFirst()
                    .orElseThrow();
        }
        Files.write(part, "garbage".getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);
        stdout.reset();
        assertThat(inspect("--kind", "checkpoints", dir.toString()))
                .as("exit code with a part longer than recorded")
                .isEqualTo(1);
        assertThat(out()).contains("DAMAGE FOUND", "rdd-7", "part-0", "7 bytes more than the 500 recorded");
    }

    @Test
    void badArgumentsAreUsageErrors() {
        assertThat(Main.run(new String[] {"inspect"}, new PrintStream(stdout), new PrintStream(stderr)))
                .isEqualTo(2);
        assertThat(stderr.toString(StandardCharsets.UTF_8)).contains("a URI to inspect is required");
        assertThat(Main.run(
                        new String[] {"inspect", "--kind", "tape", "/x"},
                        new PrintStream(stdout),
                        new PrintStream(stderr)))
                .isEqualTo(2);
        assertThat(stderr.toString(StandardCharsets.UTF_8)).contains("'tape'", "wal, checkpoints or shuffle");
        assertThat(Main.run(new String[] {"frobnicate"}, new PrintStream(stdout), new PrintStream(stderr)))
                .isEqualTo(2);
    }

    @Test
    void unknownSchemeNamesTheSchemesTheCommandCarries() {
        assertThat(inspect("--kind", "wal", "gs://bucket/wal")).isEqualTo(2);
        assertThat(stderr.toString(StandardCharsets.UTF_8))
                .contains("'gs'")
                .contains("file", "hdfs", "chronicle", "s3", "azblob");
    }

    @Test
    void unreachableServerIsAnAccessErrorNamingTheUri() throws IOException {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort(); // closed again: nothing listens there
        }
        String uri = "hdfs://127.0.0.1:" + port + "/wal";
        assertThat(inspect("--kind", "wal", uri)).as(out()).isEqualTo(2);
        assertThat(out()).contains("cannot read " + uri, "Connection refused").doesNotContain("DAMAGE");
    }

    private int inspect(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "inspect";
        System.arraycopy(args, 0, all, 1, args.length);
        return Main.run(
                all,
                new PrintStream(stdout, true, StandardCharsets.UTF_8),
                new PrintStream(stderr, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return stdout.toString(StandardCharsets.UTF_8);
    }

    private static void writeWal(Path dir, int records) throws IOException {
        try (WriteAheadLog wal = Lifeboat.openWriteAheadLog(dir.toUri(), Map.of())) {
            for (int i = 0; i < records; i++) {
                wal.write(ByteBuffer.wrap(("record number " + i).getBytes(StandardCharsets.UTF_8)), i);
            }
        }
    }

    private static Path onlySegment(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".wal"))
                    .findFirst()
                    .orElseThrow();
        }
    }

    private static void flip(Path file, long offset) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, offset);
            b.put(0, (byte) ~b.get(0)).rewind();
            ch.write(b, offset);
        }
    }
}
