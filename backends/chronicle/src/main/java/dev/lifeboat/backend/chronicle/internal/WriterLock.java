package dev.lifeboat.backend.chronicle.internal;

import dev.lifeboat.spi.ConcurrentWriterException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The lock that makes a queue directory's writer the only one: {@code lifeboat-writer.lock},
 * locked with {@link FileChannel#tryLock()} for as long as the writer is open. Chronicle's own
 * write lock only serialises single appends (and is broken when its holder dies), so two
 * processes could otherwise interleave records with clashing LSNs. The operating system drops
 * the lock when the holder dies, so a killed writer never blocks its successor.
 */
public final class WriterLock implements AutoCloseable {
    public static final String FILE_NAME = "lifeboat-writer.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private WriterLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock of {@code directory}, which must exist.
     *
     * @throws ConcurrentWriterException if a writer in this or another process holds it
     */
    public static WriterLock acquire(Path directory) throws IOException {
        Path file = directory.resolve(FILE_NAME);
        FileChannel channel =
                FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                throw refused(directory, "this process");
            }
            if (lock == null) {
                throw refused(directory, "another process (" + holder(channel) + ")");
            }
            channel.truncate(0);
            channel.write(
                    ByteBuffer.wrap(
                            ("pid " + ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)),
                    0);
            return new WriterLock(channel, lock);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        try {
            if (lock.isValid()) {
                lock.release();
            }
        } finally {
            channel.close();
        }
    }

    private static ConcurrentWriterException refused(Path directory, String who) {
        return new ConcurrentWriterException("the Chronicle write-ahead log " + directory + " already has a writer in "
                + who + ": " + FILE_NAME + " is locked");
    }

    private static String holder(FileChannel channel) {
        try {
            ByteBuffer b = ByteBuffer.allocate(64);
            channel.read(b, 0);
            String text = new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII).trim();
            return text.isEmpty() ? "pid unknown" : text;
        } catch (IOException e) {
            return "pid unknown";
        }
    }
}
