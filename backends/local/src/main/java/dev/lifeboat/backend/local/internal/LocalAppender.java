package dev.lifeboat.backend.local.internal;

import static dev.lifeboat.backend.local.internal.LocalLogStorage.MAX_INTERRUPT_RETRIES;
import static dev.lifeboat.backend.local.internal.LocalLogStorage.syncDirectory;

import dev.lifeboat.backend.common.io.Closeables;
import dev.lifeboat.backend.common.wal.WalSettings;
import dev.lifeboat.spi.wal.Durability;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * The writing side of a {@link LocalLogStorage}: the writer lock, the segment being written and
 * its channel, the staging buffer that gathers a batch's frames into few {@code write} calls,
 * rolling to a new segment, and forcing the segment and the directory. Only a writer's storage
 * has one.
 *
 * <p>Used by one leader of group commit at a time, except {@link #nextLsn()}.
 */
final class LocalAppender {
    private static final int MIN_STAGING_BYTES = 64 * 1024;
    private static final int MAX_STAGING_BYTES = 8 * 1024 * 1024;

    private final Path dir;
    private final LocalSegments segments;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final long segmentBytes;
    private final ByteBuffer staging;
    private LocalSegment active;
    private FileChannel out;
    /** Bytes in the active segment (all handed to the OS). */
    private long size;

    private boolean unforced;
    private boolean directoryUnsynced;
    private volatile long nextLsn;

    LocalAppender(Path dir, LocalSegments segments, FileChannel lockChannel, FileLock lock, WalSettings settings) {
        this.dir = dir;
        this.segments = segments;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.segmentBytes = settings.segmentBytes();
        int staging = (int) Math.min(MAX_STAGING_BYTES, Math.max(MIN_STAGING_BYTES, settings.maxBatchBytes()));
        this.staging = ByteBuffer.allocateDirect(staging);
    }

    /**
     * Starts writing at the end ({@code size} bytes) of {@code active}, the newest segment, whose
     * channel is {@code out}. The appender owns the channel from here: {@link #close} closes it.
     */
    void start(LocalSegment active, FileChannel out, long size) {
        this.out = out;
        this.active = active;
        this.size = size;
        this.nextLsn = active.endLsn();
    }

    /** The LSN the next record gets: after the last one handed to the OS, so visible to readers. */
    long nextLsn() {
        return nextLsn;
    }

    void write(List<ByteBuffer> frames, long firstLsn) throws IOException {
        if (firstLsn != nextLsn) {
            throw new IllegalStateException(
                    "frames start at LSN " + firstLsn + " but the log's next LSN is " + nextLsn);
        }
        staging.clear();
        int staged = 0;
        for (int i = 0; i < frames.size(); i++) {
            ByteBuffer frame = frames.get(i);
            int n = frame.remaining();
            long end = size + staging.position();
            if (end > 0 && end + n > segmentBytes) {
                flush(frames, staged, i);
                staged = i;
                roll(firstLsn + i);
            }
            if (n > staging.remaining()) {
                flush(frames, staged, i);
                staged = i;
            }
            if (n > staging.capacity()) {
                writeFully(frame.duplicate());
                active.appendWritten(frames, i, i + 1, size);
                size += n;
                staged = i + 1;
            } else {
                staging.put(staging.position(), frame, frame.position(), n).position(staging.position() + n);
            }
        }
        flush(frames, staged, frames.size());
        nextLsn = firstLsn + frames.size();
    }

    /** Writes the staged frames {@code from..to} and makes them visible to readers. */
    private void flush(List<ByteBuffer> frames, int from, int to) throws IOException {
        if (staging.position() == 0) {
            return;
        }
        staging.flip();
        int n = staging.remaining();
        writeFully(staging);
        staging.clear();
        active.appendWritten(frames, from, to, size);
        size += n;
    }

    /** Writes {@code bytes} at the end of the active segment ({@link #size}). */
    private void writeFully(ByteBuffer bytes) throws IOException {
        int start = bytes.position();
        boolean interrupted = false;
        try {
            for (int attempt = 0; ; attempt++) {
                try {
                    while (bytes.hasRemaining()) {
                        out.write(bytes, size + (bytes.position() - start));
                    }
                    break;
                } catch (ClosedByInterruptException e) {
                    interrupted = true;
                    reopenAfterInterrupt(e, attempt);
                    bytes.position(start); // positional writes of the same bytes: safe to repeat
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        unforced = true;
    }

    /** {@code fdatasync} of the active segment. */
    private void force() throws IOException {
        boolean interrupted = false;
        try {
            for (int attempt = 0; ; attempt++) {
                try {
                    out.force(false);
                    break;
                } catch (ClosedByInterruptException e) {
                    interrupted = true;
                    reopenAfterInterrupt(e, attempt); // fsync of a new descriptor covers the file's pages
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        unforced = false;
    }

    /**
     * The writing thread (whichever writer leads the batch) was interrupted during a channel
     * call, which closed the channel: reopens the active segment so that an interrupted caller
     * does not fail the log for every writer. The caller restores the interrupt status.
     */
    private void reopenAfterInterrupt(ClosedByInterruptException e, int attempt) throws IOException {
        Thread.interrupted();
        if (attempt >= MAX_INTERRUPT_RETRIES) {
            throw e;
        }
        out = FileChannel.open(active.path(), StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    /** Seals the active segment (forced, so every segment but the newest is durable) and starts the next. */
    private void roll(long firstLsn) throws IOException {
        if (unforced) {
            force();
        }
        out.close();
        active.seal();
        Path path = dir.resolve(LocalSegment.fileName(firstLsn));
        FileChannel next = FileChannel.open(
                path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
        LocalSegment segment = segments.create(path, firstLsn);
        segment.markWriterOwned();
        segments.add(segment);
        active = segment;
        out = next;
        size = 0;
        directoryUnsynced = true;
    }

    void persist(Durability level) throws IOException {
        if (level != Durability.SYNC) {
            return; // FLUSH: every frame was handed to the OS by write()
        }
        if (unforced) {
            force();
        }
        if (directoryUnsynced) {
            syncDirectory(dir);
            directoryUnsynced = false;
        }
    }

    void close() throws IOException {
        Closeables.closeAll(out, lock, lockChannel);
    }
}
