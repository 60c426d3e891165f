package dev.lifeboat.backend.hadoop.internal;

import static dev.lifeboat.backend.hadoop.internal.HadoopSegments.floor;
import static dev.lifeboat.backend.hadoop.internal.HadoopSegments.gap;
import static dev.lifeboat.backend.hadoop.internal.HadoopSegments.index;

import dev.lifeboat.backend.common.io.Closeables;
import dev.lifeboat.backend.common.wal.LogStorage;
import dev.lifeboat.backend.common.wal.WalSettings;
import dev.lifeboat.backend.hadoop.internal.HadoopSegments.SegmentFile;
import dev.lifeboat.backend.hadoop.internal.HadoopSegments.SegmentMeta;
import dev.lifeboat.spi.ConcurrentWriterException;
import dev.lifeboat.spi.wal.CloseableIterator;
import dev.lifeboat.spi.wal.Durability;
import dev.lifeboat.spi.wal.LogRecord;
import dev.lifeboat.spi.wal.RecordHandle;
import dev.lifeboat.spi.wal.RecoveryReport;
import dev.lifeboat.spi.wal.RecoveryReport.TornTail;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.Path;

/**
 * A write-ahead log as rolling segment files in one directory of a Hadoop file system.
 *
 * <pre>
 * &lt;root&gt;/writer.lock                               the writer's lock ({@link WriterLock})
 * &lt;root&gt;/&lt;first LSN&gt;-&lt;session&gt;.wal                 segments ({@link SegmentName}), framed records
 * &lt;root&gt;/&lt;segment&gt;.cut                            a copy-based cut in progress
 * </pre>
 *
 * <p>Every writer session writes new segment files, created exclusively, and never appends to a
 * file another session wrote, so the log works on file systems without append. Opening a writer
 * takes the lock, recovers the HDFS lease of the last segment (fencing a writer that may still
 * hold it), scans it, and cuts a torn tail with {@code truncate} (or a copy where truncate is not
 * supported). Flush is {@code hflush}, sync is {@code hsync}; segments are created with
 * {@code SYNC_BLOCK} and synced before they are closed at a roll, so records become durable in
 * LSN order across segments.
 *
 * <p>This class opens and recovers the log and answers reads and truncation; the segment files
 * and what is known about each are {@link HadoopSegments}, the writer's stream and rolling are
 * {@link HadoopAppender}, and replay is {@link HadoopReplay}.
 */
public final class HadoopLogStorage implements LogStorage {
    static final String LOCK_FILE = "writer.lock";

    private final HadoopFs fs;
    private final WalSettings settings;
    private final WriterLock lock;
    private final RecoveryReport recovery;
    private final FsFeatures features;
    private final HadoopSegments files;
    private final HadoopAppender appender;
    private volatile boolean closed;

    private HadoopLogStorage(
            HadoopFs fs,
            WalSettings settings,
            Duration rollInterval,
            WriterLock lock,
            RecoveryReport recovery,
            FsFeatures features,
            long session) {
        this.fs = fs;
        this.settings = settings;
        this.lock = lock;
        this.recovery = recovery;
        this.features = features;
        this.files = new HadoopSegments(fs, settings, lock != null, () -> closed);
        this.appender = new HadoopAppender(fs, settings, rollInterval, lock, features, session, files);
    }

    /**
     * Opens the log's writer: takes the lock, recovers the last segment, cuts a torn tail and
     * starts a new segment.
     *
     * @throws ConcurrentWriterException if a live writer holds the log
     * @throws IllegalArgumentException if the file system's streams cannot keep {@code durability}
     */
    public static HadoopLogStorage openWriter(
            HadoopLocation location,
            WalSettings settings,
            Duration rollInterval,
            Duration heartbeat,
            Duration takeoverAfter,
            Duration recoveryTimeout)
            throws IOException {
        HadoopFs fs = location.open();
        try {
            fs.fs().mkdirs(fs.root());
            WriterLock lock = WriterLock.acquire(
                    fs, new Path(fs.root(), LOCK_FILE), heartbeat, takeoverAfter, location.toString());
            try {
                return recoverAndStart(fs, settings, rollInterval, lock, recoveryTimeout);
            } catch (IOException | RuntimeException e) {
                closeQuietly(lock, e);
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            closeQuietly(fs, e);
            throw e;
        }
    }

    /**
     * Opens a read-only view that changes nothing: a torn tail is reported, not cut.
     *
     * @throws NoSuchFileException if no log exists there
     */
    public static HadoopLogStorage openReader(HadoopLocation location, WalSettings settings) throws IOException {
        HadoopFs fs = location.open();
        try {
            if (!fs.fs().exists(fs.root())) {
                throw new NoSuchFileException(location.toString(), null, "no write-ahead log exists there");
            }
            HadoopLogStorage storage =
                    new HadoopLogStorage(fs, settings, Duration.ZERO, null, RecoveryReport.clean(0), null, -1);
            return storage.withReaderRecovery();
        } catch (IOException | RuntimeException e) {
            closeQuietly(fs, e);
            throw e;
        }
    }

    private HadoopLogStorage withReaderRecovery() throws IOException {
        List<SegmentFile> segments = files.listSegments();
        if (segments.isEmpty()) {
            return this;
        }
        SegmentFile last = segments.get(segments.size() - 1);
        SegmentCursor cursor = files.scanWhole(last, true);
        return new HadoopLogStorage(
                fs, settings, Duration.ZERO, null, new RecoveryReport(cursor.lsn(), cursor.tornTail()), null, -1);
    }

    private static HadoopLogStorage recoverAndStart(
            HadoopFs fs, WalSettings settings, Duration rollInterval, WriterLock lock, Duration recoveryTimeout)
            throws IOException {
        HadoopLogStorage probe =
                new HadoopLogStorage(fs, settings, rollInterval, lock, RecoveryReport.clean(0), null, 0);
        List<SegmentFile> segments = probe.files.listSegments();
        long nextLsn = 0;
        Optional<TornTail> torn = Optional.empty();
        SegmentFile superseded = null;
        long session = 0;
        Map<SegmentName, SegmentMeta> recoveredMetas = new java.util.HashMap<>();
        if (!segments.isEmpty()) {
            SegmentFile last = segments.get(segments.size() - 1);
            session = segments.stream().mapToLong(s -> s.name().session()).max().orElse(0) + 1;
            fs.recoverLease(last.path(), recoveryTimeout);
            SegmentCursor cursor = probe.files.scanWhole(last, true);
            recoveredMetas.put(last.name(), probe.files.known(last.name()));
            nextLsn = cursor.lsn();
            torn = cursor.tornTail();
            if (torn.isPresent() && cursor.offset() > 0) {
                fs.cut(last.path(), cursor.offset(), recoveryTimeout);
            }
            if (cursor.offset() == 0) {
                superseded = last; // holds no record: the new segment takes its place
            }
        }
        SegmentName first = new SegmentName(nextLsn, session);
        Path firstPath = new Path(fs.root(), first.fileName());
        FSDataOutputStream out;
        try {
            out = fs.createExclusive(firstPath, true);
        } catch (FileAlreadyExistsException e) {
            throw new ConcurrentWriterException("Another writer created segment " + firstPath
                    + " of the write-ahead log " + fs + " while this one was opening it");
        }
        FsFeatures features = FsFeatures.probe(fs, out);
        String unsupported = unsupported(settings.durability(), features);
        if (unsupported != null) {
            closeQuietly(out, null);
            fs.delete(firstPath, false);
            throw new IllegalArgumentException("Invalid options for the write-ahead log " + fs + ": '"
                    + WalSettings.DURABILITY + "' = '"
                    + settings.durability().name().toLowerCase(java.util.Locale.ROOT)
                    + "' needs " + unsupported + ", which output streams of "
                    + fs.fs().getClass().getSimpleName()
                    + " (" + fs.location().fsUri() + ") do not support"
                    + (fs.leaseRecoverable()
                            ? " here (HDFS erasure-coded directories support neither hflush nor hsync)"
                            : "")
                    + "; use a weaker durability or another file system or directory");
        }
        if (superseded != null) {
            fs.delete(superseded.path(), false);
        }
        HadoopLogStorage storage = new HadoopLogStorage(
                fs, settings, rollInterval, lock, new RecoveryReport(nextLsn, torn), features, session);
        recoveredMetas.forEach((k, v) -> {
            if (v != null) {
                storage.files.adopt(k, v);
            }
        });
        storage.appender.start(first, out, nextLsn);
        return storage;
    }

    /** What durability needs that the streams lack, or null. */
    private static String unsupported(Durability durability, FsFeatures features) {
        if (durability == Durability.SYNC && !features.hsync()) {
            return "hsync";
        }
        if (durability.atLeast(Durability.FLUSH) && !features.hflush()) {
            return "hflush";
        }
        return null;
    }

    /** What the writer's streams reported; null for a read-only view. */
    public FsFeatures features() {
        return features;
    }

    /** The file system and root, for read-only views' capabilities. */
    public HadoopFs fileSystem() {
        return fs;
    }

    @Override
    public RecoveryReport recovery() {
        return recovery;
    }

    // ---------------------------------------------------------------- writing (group-commit leader)

    @Override
    public void write(List<ByteBuffer> frames, long firstLsn, long newestTimestamp) throws IOException {
        appender.write(frames, firstLsn, newestTimestamp);
    }

    @Override
    public void persist(Durability level) throws IOException {
        appender.persist(level);
    }

    /** Whether the file system's streams can keep {@code level}. */
    public boolean supports(Durability level) {
        return features != null && unsupported(level, features) == null;
    }

    // ---------------------------------------------------------------- reading (any thread)

    @Override
    public Optional<LogRecord> read(long lsn) throws IOException {
        if (lock != null && lsn >= appender.visibleNextLsn()) {
            return Optional.empty();
        }
        List<SegmentFile> segments = files.listSegments();
        int i = floor(segments, lsn);
        if (i < 0) {
            return Optional.empty();
        }
        SegmentFile segment = segments.get(i);
        boolean last = i == segments.size() - 1;
        SegmentMeta meta = files.meta(segment.name());
        Map.Entry<Long, Long> start = meta.index.floorEntry(lsn);
        long startLsn = start == null || start.getKey() < segment.name().firstLsn()
                ? segment.name().firstLsn()
                : start.getKey();
        long startOffset = start == null || start.getKey() < segment.name().firstLsn() ? 0 : start.getValue();
        LogRecord[] found = new LogRecord[1];
        SegmentCursor cursor;
        try (HadoopSegmentSource source = HadoopSegmentSource.open(fs.fs(), segment.path())) {
            cursor = new SegmentCursor(
                    source, startOffset, startLsn, last, settings.maxRecordBytes(), settings.cutCorruptLastRecord());
            while (!cursor.done() && found[0] == null && cursor.lsn() <= lsn) {
                cursor.advance((record, offset) -> {
                    index(meta, record.handle().lsn(), offset);
                    if (record.handle().lsn() == lsn) {
                        found[0] = record;
                    }
                });
            }
        } catch (FileNotFoundException e) {
            return Optional.empty(); // truncated meanwhile
        }
        if (found[0] != null) {
            return Optional.of(found[0]);
        }
        if (!last && lsn >= cursor.lsn() && segments.get(i + 1).name().firstLsn() > cursor.lsn()) {
            throw gap(cursor.lsn(), segments.get(i + 1));
        }
        return Optional.empty();
    }

    @Override
    public CloseableIterator<LogRecord> replay(long fromLsn) throws IOException {
        return new HadoopReplay(
                fs,
                settings,
                files,
                files.listSegments(),
                fromLsn,
                lock != null ? appender.visibleNextLsn() : Long.MAX_VALUE);
    }

    @Override
    public Optional<RecordHandle> first() throws IOException {
        List<SegmentFile> segments = files.listSegments();
        long limit = lock != null ? appender.visibleNextLsn() : Long.MAX_VALUE;
        for (int i = 0; i < segments.size(); i++) {
            SegmentFile s = segments.get(i);
            boolean last = i == segments.size() - 1;
            if (!last) {
                if (s.listedLength() > 0) {
                    return s.name().firstLsn() < limit
                            ? Optional.of(RecordHandle.of(s.name().firstLsn()))
                            : Optional.empty();
                }
                continue;
            }
            try (HadoopSegmentSource source = HadoopSegmentSource.open(fs.fs(), s.path())) {
                SegmentCursor cursor = new SegmentCursor(
                        source,
                        0,
                        s.name().firstLsn(),
                        true,
                        settings.maxRecordBytes(),
                        settings.cutCorruptLastRecord());
                cursor.advance((record, offset) -> {});
                if (cursor.lsn() > s.name().firstLsn() && s.name().firstLsn() < limit) {
                    return Optional.of(RecordHandle.of(s.name().firstLsn()));
                }
            } catch (FileNotFoundException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    @Override
    public Optional<RecordHandle> last() throws IOException {
        if (first().isEmpty()) {
            return Optional.empty();
        }
        if (lock != null) {
            return Optional.of(RecordHandle.of(appender.visibleNextLsn() - 1));
        }
        List<SegmentFile> segments = files.listSegments();
        SegmentCursor cursor = files.scanWhole(segments.get(segments.size() - 1), true);
        return cursor.lsn() == 0 ? Optional.empty() : Optional.of(RecordHandle.of(cursor.lsn() - 1));
    }

    // ---------------------------------------------------------------- truncation (writer)

    @Override
    public void truncateBefore(long lsn) throws IOException {
        List<SegmentFile> segments = files.listSegments();
        for (int i = 0; i + 1 < segments.size(); i++) {
            SegmentFile s = segments.get(i);
            if (s.name().equals(appender.current())
                    || segments.get(i + 1).name().firstLsn() > lsn) {
                return;
            }
            files.drop(s);
        }
    }

    @Override
    public void truncateBeforeTime(long thresholdMillis) throws IOException {
        List<SegmentFile> segments = files.listSegments();
        for (int i = 0; i + 1 < segments.size(); i++) {
            SegmentFile s = segments.get(i);
            if (s.name().equals(appender.current()) || newestTimestamp(s) >= thresholdMillis) {
                return;
            }
            files.drop(s);
        }
    }

    private long newestTimestamp(SegmentFile s) throws IOException {
        SegmentMeta meta = files.meta(s.name());
        if (!meta.timestampsKnown) {
            files.scanWhole(s, false);
        }
        return meta.newestTimestamp;
    }

    // ---------------------------------------------------------------- closing

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        AutoCloseable last = appender.detach();
        Closeables.closeAll(last, lock, fs);
    }

    private static void closeQuietly(AutoCloseable c, Throwable primary) {
        try {
            c.close();
        } catch (Exception e) {
            if (primary != null) {
                primary.addSuppressed(e);
            }
        }
    }
}
