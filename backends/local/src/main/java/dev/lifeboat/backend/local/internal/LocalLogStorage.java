package dev.lifeboat.backend.local.internal;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.backend.common.wal.LogStorage;
import dev.lifeboat.backend.common.wal.WalSettings;
import dev.lifeboat.spi.ConcurrentWriterException;
import dev.lifeboat.spi.CorruptDataException;
import dev.lifeboat.spi.fault.StoredKind;
import dev.lifeboat.spi.fault.StoredObject;
import dev.lifeboat.spi.wal.CloseableIterator;
import dev.lifeboat.spi.wal.Durability;
import dev.lifeboat.spi.wal.LogRecord;
import dev.lifeboat.spi.wal.RecordHandle;
import dev.lifeboat.spi.wal.RecoveryReport;
import dev.lifeboat.spi.wal.RecoveryReport.TornTail;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A write-ahead log in one local directory: the {@link LogStorage} behind the local backend's
 * writer ({@link dev.lifeboat.backend.common.wal.GroupCommitWriteAheadLog}) and read-only views.
 *
 * <h2>Layout</h2>
 * <pre>
 * &lt;dir&gt;/00000000000000000000.wal   segments, named by the LSN of their first record (20 digits)
 * &lt;dir&gt;/00000000000000004711.wal   records framed by RecordFrame, back to back
 * &lt;dir&gt;/writer.lock                locked (FileChannel.tryLock) by the one writer while it is open
 * </pre>
 * A writer rolls to a new segment before a frame that would take the segment past
 * {@code segment-bytes} (a larger frame gets a segment of its own), so every segment but the
 * newest ends with a complete frame. A log exists once it has a segment: opening a writer on an
 * empty directory creates the first one.
 *
 * <h2>Durability</h2>
 * {@link #write} hands every frame of a batch to the OS with as few {@code write} calls as
 * possible (the frames are gathered in one reusable direct buffer, which is the copy the JDK
 * would make anyway), so {@link Durability#FLUSH} needs nothing more: the bytes are in the page
 * cache, visible to other processes and kept if this process dies. {@link Durability#SYNC} is one
 * {@code fdatasync} of the segment being written, plus an {@code fsync} of the directory when a
 * segment was created since the last one. A segment is forced when the writer rolls past it, and
 * the directory is forced after truncation deletes segments.
 *
 * <h2>Recovery</h2>
 * Opening a writer scans the newest segment: a torn tail is cut off (the file is truncated and
 * forced) and reported; damage followed by more data is a {@link CorruptDataException} and the
 * writer does not open. Older segments are verified when they are first read. A read-only view
 * changes nothing: it reports a torn tail and stops reading before it, and reports damage when a
 * read reaches it.
 */
public final class LocalLogStorage implements LogStorage {
    /** The writer's lock file in the log directory. */
    public static final String LOCK_FILE = "writer.lock";

    /** Bytes read at a time by replay. */
    private static final long REPLAY_WINDOW_BYTES = 256 * 1024;
    /** Times a write or force is repeated after an interrupt closed the channel under it. */
    static final int MAX_INTERRUPT_RETRIES = 16;

    private final Path dir;
    private final LocalSegments segments;
    private final Object truncateMonitor = new Object();
    /** The writer's state, or null for a read-only view. */
    private final LocalAppender appender;

    private RecoveryReport recovery;
    private volatile boolean closed;

    /** A writer's storage when {@code lock} is given, else a read-only view. */
    private LocalLogStorage(Path dir, FileChannel lockChannel, FileLock lock, WalSettings settings) {
        this.dir = dir;
        this.segments = new LocalSegments(dir, settings != null && settings.cutCorruptLastRecord());
        this.appender = lock == null ? null : new LocalAppender(dir, segments, lockChannel, lock, settings);
    }

    /**
     * Opens the one writer of the log in {@code dir} (created if absent), taking the writer lock
     * and recovering the newest segment.
     *
     * @throws ConcurrentWriterException if another writer, in this process or another, has the log
     * @throws CorruptDataException if the newest segment is damaged before its end
     */
    public static LocalLogStorage openWriter(Path dir, WalSettings settings) throws IOException {
        requireNonNull(dir, "dir is null");
        requireNonNull(settings, "settings is null");
        if (!Files.isDirectory(dir)) {
            Path existing = dir.getParent();
            while (existing != null && !Files.isDirectory(existing)) {
                existing = existing.getParent();
            }
            Files.createDirectories(dir);
            // Make every directory entry just created durable, from the log directory upwards.
            for (Path created = dir;
                    created.getParent() != null && !created.equals(existing);
                    created = created.getParent()) {
                syncDirectory(created.getParent());
            }
        }
        Path lockFile = dir.resolve(LOCK_FILE);
        FileChannel lockChannel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        LocalLogStorage storage = null;
        try {
            FileLock lock;
            try {
                lock = lockChannel.tryLock();
            } catch (OverlappingFileLockException e) {
                throw new ConcurrentWriterException("the write-ahead log at " + dir
                        + " already has an open writer in this process (" + lockFile + " is locked)");
            }
            if (lock == null) {
                throw new ConcurrentWriterException("the write-ahead log at " + dir
                        + " already has an open writer in another process (" + lockFile + " is locked)");
            }
            storage = new LocalLogStorage(dir, lockChannel, lock, settings);
            storage.recoverWriter();
            return storage;
        } catch (IOException | RuntimeException | Error e) {
            if (storage != null) {
                try {
                    storage.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            } else {
                try {
                    lockChannel.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    /**
     * Opens a read-only view of the log in {@code dir}. Takes no lock and changes no file; a torn
     * tail is reported, not cut, and damage is reported by the read that reaches it.
     *
     * @throws NoSuchFileException if {@code dir} holds no segment
     */
    public static LocalLogStorage openReader(Path dir) throws IOException {
        requireNonNull(dir, "dir is null");
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "no write-ahead log: the directory does not exist");
        }
        LocalLogStorage storage = new LocalLogStorage(dir, null, null, null);
        try {
            storage.segments.listSegments();
            Map.Entry<Long, LocalSegment> last = storage.segments.lastEntry();
            if (last == null) {
                throw new NoSuchFileException(
                        dir.toString(),
                        null,
                        "no write-ahead log: the directory holds no segment (*" + LocalSegment.SUFFIX + ")");
            }
            LocalSegment segment = last.getValue();
            try {
                segment.scanToEnd(true, -1);
            } catch (CorruptDataException e) {
                // Reported by the read or replay that reaches the damage; the view still opens.
            }
            storage.recovery = new RecoveryReport(segment.endLsn(), segment.tornTail());
            return storage;
        } catch (IOException | RuntimeException | Error e) {
            try {
                storage.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private void recoverWriter() throws IOException {
        segments.listSegments();
        if (segments.isEmpty()) {
            Path first = dir.resolve(LocalSegment.fileName(0));
            FileChannel.open(first, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)
                    .close();
            syncDirectory(dir);
            segments.listSegments();
        }
        LocalSegment last = segments.lastEntry().getValue();
        last.scanToEnd(true, -1);
        Optional<TornTail> torn = last.tornTail();
        FileChannel out = FileChannel.open(last.path(), StandardOpenOption.READ, StandardOpenOption.WRITE);
        long end = last.endOffset();
        appender.start(last, out, end);
        if (torn.isPresent()) {
            out.truncate(end);
            out.force(true);
        }
        out.position(end);
        last.markWriterOwned();
        recovery = new RecoveryReport(last.endLsn(), torn);
    }

    @Override
    public RecoveryReport recovery() {
        return recovery;
    }

    // ---------------------------------------------------------------- writing

    @Override
    public void write(List<ByteBuffer> frames, long firstLsn, long newestTimestamp) throws IOException {
        checkOpen();
        writer().write(frames, firstLsn);
    }

    @Override
    public void persist(Durability level) throws IOException {
        requireNonNull(level, "level is null");
        checkOpen();
        writer().persist(level);
    }

    private LocalAppender writer() {
        if (appender == null) {
            throw new IllegalStateException("the write-ahead log at " + dir + " is open read-only");
        }
        return appender;
    }

    // ---------------------------------------------------------------- reading

    @Override
    public Optional<LogRecord> read(long lsn) throws IOException {
        checkOpen();
        if (appender != null && lsn >= appender.nextLsn()) {
            return Optional.empty();
        }
        // A window of one byte reads just the frames between the index entries around the record.
        try (LocalLogReplay replay = new LocalLogReplay(this, lsn, 1)) {
            return replay.peek().filter(r -> r.handle().lsn() == lsn);
        }
    }

    @Override
    public CloseableIterator<LogRecord> replay(long fromLsn) throws IOException {
        checkOpen();
        refreshSegments();
        return new LocalLogReplay(this, fromLsn, REPLAY_WINDOW_BYTES);
    }

    @Override
    public Optional<RecordHandle> first() throws IOException {
        checkOpen();
        refreshSegments();
        for (LocalSegment segment : segments.values()) {
            if (segments.higherKey(segment.firstLsn()) != null) {
                return Optional.of(RecordHandle.of(segment.firstLsn())); // sealed segments are never empty
            }
            if (visibleEndLsn(segment) > segment.firstLsn()) {
                return Optional.of(RecordHandle.of(segment.firstLsn()));
            }
        }
        return Optional.empty();
    }

    @Override
    public Optional<RecordHandle> last() throws IOException {
        checkOpen();
        refreshSegments();
        Map.Entry<Long, LocalSegment> last = segments.lastEntry();
        if (last == null) {
            return Optional.empty();
        }
        long end = visibleEndLsn(last.getValue());
        if (end > last.getKey()) {
            return Optional.of(RecordHandle.of(end - 1));
        }
        return segments.lowerKey(last.getKey()) == null ? Optional.empty() : Optional.of(RecordHandle.of(end - 1));
    }

    /** The LSN after the last visible record of the newest segment. */
    private long visibleEndLsn(LocalSegment newest) throws IOException {
        if (appender != null) {
            return appender.nextLsn();
        }
        newest.scanToEnd(true, -1);
        return newest.endLsn();
    }

    // ---------------------------------------------------------------- truncation

    @Override
    public void truncateBefore(long lsn) throws IOException {
        checkOpen();
        writer();
        synchronized (truncateMonitor) {
            boolean deleted = false;
            for (LocalSegment segment : segments.values()) {
                Long next = segments.higherKey(segment.firstLsn());
                if (next == null || next > lsn) {
                    break; // the newest segment is never deleted; older ones only as a prefix
                }
                segments.delete(segment);
                deleted = true;
            }
            if (deleted) {
                syncDirectory(dir);
            }
        }
    }

    /**
     * Deletes the oldest segments while their newest record is older than the threshold. Stops at
     * the first segment with a newer record, so the log stays contiguous; never deletes the newest
     * segment. A segment this process has not read yet is scanned once to learn its timestamps.
     */
    @Override
    public void truncateBeforeTime(long thresholdMillis) throws IOException {
        checkOpen();
        writer();
        synchronized (truncateMonitor) {
            boolean deleted = false;
            for (LocalSegment segment : segments.values()) {
                Long next = segments.higherKey(segment.firstLsn());
                if (next == null) {
                    break;
                }
                segment.scanToEnd(false, next);
                if (segment.newestTimestamp() >= thresholdMillis) {
                    break;
                }
                segments.delete(segment);
                deleted = true;
            }
            if (deleted) {
                syncDirectory(dir);
            }
        }
    }

    // ---------------------------------------------------------------- segments

    Path directory() {
        return dir;
    }

    /** The segment holding {@code lsn}, or the oldest one if {@code lsn} was truncated; null if none. */
    Map.Entry<Long, LocalSegment> segmentFor(long lsn) {
        return segments.segmentFor(lsn);
    }

    /** The segment after {@code segment}, or null if it is the newest one known. */
    Map.Entry<Long, LocalSegment> segmentAfter(LocalSegment segment) {
        return segments.segmentAfter(segment);
    }

    /** A segment's file was gone when a reader tried to open it. */
    void segmentVanished(LocalSegment segment) throws IOException {
        if (appender == null) {
            refreshSegments();
        } else {
            segments.forget(segment);
        }
    }

    /**
     * For a read-only view: brings the list of segments up to date with the directory (the writer
     * may have rolled or truncated since). A writer's own list is always current.
     *
     * @return whether the list may have changed
     */
    boolean refreshSegments() throws IOException {
        if (appender != null) {
            return false;
        }
        segments.listSegments();
        return true;
    }

    /**
     * What fault injection sees in a log directory: segment files as
     * {@link StoredKind#WAL_SEGMENT} keyed by their first LSN; nothing else.
     */
    public static Optional<StoredObject> classify(Path dir, Path file) {
        if (!dir.equals(file.getParent())) {
            return Optional.empty();
        }
        OptionalLong first = LocalSegment.firstLsnOf(file);
        if (first.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new StoredObject(
                    StoredKind.WAL_SEGMENT, file.toString(), Long.toString(first.getAsLong()), Files.size(file)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---------------------------------------------------------------- lifecycle

    void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the write-ahead log at " + dir + " is closed");
        }
    }

    /** Closes the files and, for the writer, releases the lock. Idempotent. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        for (LocalSegment segment : segments.values()) {
            segment.retire();
        }
        if (appender != null) {
            appender.close();
        }
    }

    /** Forces a directory, so that files created or deleted in it survive a power loss. */
    /** {@code fsync} of a directory; an interrupt of the calling thread retries it rather than failing. */
    static void syncDirectory(Path directory) throws IOException {
        boolean interrupted = false;
        try {
            for (int attempt = 0; ; attempt++) {
                try (FileChannel ch = FileChannel.open(directory, StandardOpenOption.READ)) {
                    ch.force(true);
                    return;
                } catch (ClosedByInterruptException e) {
                    interrupted = true;
                    Thread.interrupted();
                    if (attempt >= MAX_INTERRUPT_RETRIES) {
                        throw e;
                    }
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
