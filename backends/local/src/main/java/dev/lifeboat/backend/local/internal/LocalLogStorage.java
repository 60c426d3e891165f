package dev.lifeboat.backend.local.internal;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.backend.common.io.Closeables;
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
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;

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

    /**
     * Frames claiming a longer payload are damage. The largest any writer accepts, so that a log
     * written with a larger {@code max-record-bytes} than the reader's reads all the same (the
     * header checksum already protects the length).
     */
    private static final long SCAN_MAX_RECORD_BYTES = Integer.MAX_VALUE - 64;

    private static final int MAX_IDLE_CHANNELS = 32;
    private static final int MIN_STAGING_BYTES = 64 * 1024;
    private static final int MAX_STAGING_BYTES = 8 * 1024 * 1024;
    /** Bytes read at a time by replay. */
    private static final long REPLAY_WINDOW_BYTES = 256 * 1024;
    /** Times a write or force is repeated after an interrupt closed the channel under it. */
    private static final int MAX_INTERRUPT_RETRIES = 16;

    private final Path dir;
    private final ConcurrentSkipListMap<Long, LocalSegment> segments = new ConcurrentSkipListMap<>();
    private final AtomicInteger openChannels = new AtomicInteger();
    private final Object refreshMonitor = new Object();
    private final Object truncateMonitor = new Object();
    /** The writer's state, or null for a read-only view. */
    private final Appender appender;

    private RecoveryReport recovery;
    private volatile boolean closed;

    /** A writer's storage when {@code lock} is given, else a read-only view. */
    /** Whether the writer's recovery cuts a damaged complete last record ({@link WalSettings#CUT_CORRUPT_LAST_RECORD}). */
    private final boolean cutCorruptLastRecord;

    private LocalLogStorage(Path dir, FileChannel lockChannel, FileLock lock, WalSettings settings) {
        this.dir = dir;
        this.cutCorruptLastRecord = settings != null && settings.cutCorruptLastRecord();
        this.appender = lock == null ? null : new Appender(lockChannel, lock, settings);
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
            storage.listSegments();
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
        listSegments();
        if (segments.isEmpty()) {
            Path first = dir.resolve(LocalSegment.fileName(0));
            FileChannel.open(first, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)
                    .close();
            syncDirectory(dir);
            listSegments();
        }
        LocalSegment last = segments.lastEntry().getValue();
        last.scanToEnd(true, -1);
        Optional<TornTail> torn = last.tornTail();
        FileChannel out = FileChannel.open(last.path(), StandardOpenOption.READ, StandardOpenOption.WRITE);
        appender.out = out;
        long end = last.endOffset();
        if (torn.isPresent()) {
            out.truncate(end);
            out.force(true);
        }
        out.position(end);
        last.markWriterOwned();
        appender.active = last;
        appender.size = end;
        appender.nextLsn = last.endLsn();
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

    private Appender writer() {
        if (appender == null) {
            throw new IllegalStateException("the write-ahead log at " + dir + " is open read-only");
        }
        return appender;
    }

    /** The writer's state. Used by one leader of group commit at a time, except {@link #nextLsn}. */
    private final class Appender {
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

        Appender(FileChannel lockChannel, FileLock lock, WalSettings settings) {
            this.lockChannel = lockChannel;
            this.lock = lock;
            this.segmentBytes = settings.segmentBytes();
            int staging = (int) Math.min(MAX_STAGING_BYTES, Math.max(MIN_STAGING_BYTES, settings.maxBatchBytes()));
            this.staging = ByteBuffer.allocateDirect(staging);
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
            LocalSegment segment = newSegment(path, firstLsn);
            segment.markWriterOwned();
            segments.put(firstLsn, segment);
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

    // ---------------------------------------------------------------- reading

    @Override
    public Optional<LogRecord> read(long lsn) throws IOException {
        checkOpen();
        if (appender != null && lsn >= appender.nextLsn) {
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
            return appender.nextLsn;
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
                delete(segment);
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
                delete(segment);
                deleted = true;
            }
            if (deleted) {
                syncDirectory(dir);
            }
        }
    }

    private void delete(LocalSegment segment) throws IOException {
        segments.remove(segment.firstLsn(), segment);
        segment.retire();
        Files.deleteIfExists(segment.path());
    }

    // ---------------------------------------------------------------- segments

    Path directory() {
        return dir;
    }

    /** The segment holding {@code lsn}, or the oldest one if {@code lsn} was truncated; null if none. */
    Map.Entry<Long, LocalSegment> segmentFor(long lsn) {
        Map.Entry<Long, LocalSegment> e = segments.floorEntry(lsn);
        return e != null ? e : segments.firstEntry();
    }

    /** The segment after {@code segment}, or null if it is the newest one known. */
    Map.Entry<Long, LocalSegment> segmentAfter(LocalSegment segment) {
        return segments.higherEntry(segment.firstLsn());
    }

    /** A segment's file was gone when a reader tried to open it. */
    void segmentVanished(LocalSegment segment) throws IOException {
        if (appender == null) {
            refreshSegments();
        } else {
            segments.remove(segment.firstLsn(), segment);
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
        listSegments();
        return true;
    }

    /** Adds the segments found in the directory, forgets those gone from it. */
    private void listSegments() throws IOException {
        synchronized (refreshMonitor) {
            TreeMap<Long, Path> found = new TreeMap<>();
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + LocalSegment.SUFFIX)) {
                for (Path file : files) {
                    OptionalLong first = LocalSegment.firstLsnOf(file);
                    if (first.isPresent()) {
                        found.put(first.getAsLong(), file);
                    }
                }
            }
            for (LocalSegment known : new ArrayList<>(segments.values())) {
                if (!found.containsKey(known.firstLsn())) {
                    segments.remove(known.firstLsn(), known);
                    known.retire();
                }
            }
            for (Map.Entry<Long, Path> e : found.entrySet()) {
                if (!segments.containsKey(e.getKey())) {
                    segments.put(e.getKey(), newSegment(e.getValue(), e.getKey()));
                }
            }
        }
    }

    private LocalSegment newSegment(Path path, long firstLsn) {
        return new LocalSegment(
                path, firstLsn, SCAN_MAX_RECORD_BYTES, cutCorruptLastRecord, openChannels, MAX_IDLE_CHANNELS);
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
