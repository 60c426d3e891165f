package dev.lifeboat.runtime.streaming;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.spi.FencedException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A sink that writes each batch to its own file, {@code batch-<20-digit id>.txt}, atomically and
 * at most once: the rows go to a hidden temporary file that is forced to disk and then published
 * with a hard link, which fails if the batch file exists (put-if-absent, no overwriting rename).
 * A batch written again is skipped; if its rows differ from the published ones that is a bug in
 * the caller and raises {@link IllegalStateException}.
 *
 * <p>Fenced: {@code _epoch} holds the greatest epoch that wrote; a write with a smaller non-zero
 * epoch is refused with {@link FencedException}, checked and published under a file lock.
 */
public final class FileSink implements Sink {
    private static final String PREFIX = "batch-";
    private static final String SUFFIX = ".txt";

    private final Path directory;

    public FileSink(Path directory) throws IOException {
        this.directory = requireNonNull(directory, "directory is null");
        Files.createDirectories(directory);
    }

    public Path directory() {
        return directory;
    }

    @Override
    public void addBatch(long batchId, long epoch, List<String> rows) throws IOException {
        if (batchId < 0 || epoch < 0) {
            throw new IllegalArgumentException("negative batch id or epoch: " + batchId + ", " + epoch);
        }
        StringBuilder text = new StringBuilder();
        for (String row : rows) {
            text.append(row).append('\n');
        }
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        Path target = directory.resolve(String.format("%s%020d%s", PREFIX, batchId, SUFFIX));
        Path temp = directory.resolve(".tmp-" + batchId + "-" + UUID.randomUUID());
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
        try (FileChannel lockChannel = FileChannel.open(
                directory.resolve("_sink.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            lockChannel.lock(); // released when the channel closes
            checkEpoch(epoch);
            try {
                Files.createLink(target, temp);
                forceDirectory();
            } catch (FileAlreadyExistsException e) {
                if (!Arrays.equals(Files.readAllBytes(target), bytes)) {
                    throw new IllegalStateException(
                            "batch " + batchId + " was already written to " + target
                                    + " with different rows: the query is not deterministic for a replayed batch",
                            e);
                }
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private void checkEpoch(long epoch) throws IOException {
        if (epoch == 0) {
            return;
        }
        Path file = directory.resolve("_epoch");
        long current =
                Files.exists(file) ? Long.parseLong(Files.readString(file).strip()) : 0;
        if (epoch < current) {
            throw new FencedException("file sink " + directory, epoch, current);
        }
        if (epoch > current) {
            Path tmp = directory.resolve("._epoch.tmp");
            try (FileChannel ch = FileChannel.open(
                    tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(ByteBuffer.wrap((epoch + "\n").getBytes(StandardCharsets.US_ASCII)));
                ch.force(true);
            }
            Files.move(
                    tmp,
                    file,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            forceDirectory();
        }
    }

    private void forceDirectory() throws IOException {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        }
    }

    /** Every published batch of a sink directory: batch id to rows, in batch order. */
    public static SortedMap<Long, List<String>> readAll(Path directory) throws IOException {
        SortedMap<Long, List<String>> out = new TreeMap<>();
        if (!Files.isDirectory(directory)) {
            return out;
        }
        try (Stream<Path> files = Files.list(directory)) {
            for (Path p : files.toList()) {
                String n = p.getFileName().toString();
                if (n.startsWith(PREFIX) && n.endsWith(SUFFIX)) {
                    long id = Long.parseLong(n.substring(PREFIX.length(), n.length() - SUFFIX.length()));
                    out.put(id, Files.readAllLines(p, StandardCharsets.UTF_8));
                }
            }
        }
        return out;
    }
}
