package dev.lifeboat.backend.hadoop.internal;

import dev.lifeboat.backend.common.io.Closeables;
import dev.lifeboat.backend.common.wal.LogStorage;
import dev.lifeboat.backend.common.wal.RecordFrame;
import dev.lifeboat.backend.common.wal.WalSettings;
import dev.lifeboat.spi.ConcurrentWriterException;
import dev.lifeboat.spi.CorruptDataException;
import dev.lifeboat.spi.wal.CloseableIterator;
import dev.lifeboat.spi.wal.Durability;
import dev.lifeboat.spi.wal.LogRecord;
import dev.lifeboat.spi.wal.RecordHandle;
import dev.lifeboat.spi.wal.RecoveryReport;
import dev.lifeboat.spi.wal.RecoveryReport.TornTail;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileStatus;
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
 */
public final class HadoopLogStorage implements LogStorage {
    static final String LOCK_FILE = "writer.lock";
    private static final long INDEX_EVERY = 256 * 1024;
    /**
     * How often one {@code hflush} or {@code hsync} is repeated after its thread was interrupted.
     * Each repeat waits for acknowledgements the pipeline keeps sending meanwhile, and a broken
     * pipeline ends the wait with its own error, so the bound only stops a thread interrupted
     * without end; a slow pipeline under frequent interrupts needs many repeats.
     */
    private static final int MAX_INTERRUPT_RETRIES = 10_000;

    private final HadoopFs fs;
    private final WalSettings settings;
    private final Duration rollInterval;
    private final WriterLock lock;
    private final RecoveryReport recovery;
    private final FsFeatures features;
    private final Map<SegmentName, SegmentMeta> metas = new ConcurrentHashMap<>();
    private final long session;

    // Written by the group-commit leader only (one thread at a time); read by others where volatile.
    private volatile SegmentName current;
    private FSDataOutputStream out;
    private long currentBytes;
    private long lastIndexed;
    private long currentOpenedNanos;
    private long writtenNextLsn;
    private volatile long visibleNextLsn;
    private volatile boolean closed;

    /** What is known about one segment: a sparse LSN-to-offset index and its newest timestamp. */
    private static final class SegmentMeta {
        final ConcurrentSkipListMap<Long, Long> index = new ConcurrentSkipListMap<>();
        volatile long newestTimestamp = Long.MIN_VALUE;
        volatile boolean timestampsKnown;
    }

    /** One segment file as listed. */
    private record SegmentFile(SegmentName name, Path path, long listedLength) {}

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
        this.rollInterval = rollInterval;
        this.lock = lock;
        this.recovery = recovery;
        this.features = features;
        this.session = session;
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
        List<SegmentFile> segments = listSegments();
        if (segments.isEmpty()) {
            return this;
        }
        SegmentFile last = segments.get(segments.size() - 1);
        SegmentCursor cursor = scanWhole(last, true);
        return new HadoopLogStorage(
                fs, settings, Duration.ZERO, null, new RecoveryReport(cursor.lsn(), cursor.tornTail()), null, -1);
    }

    private static HadoopLogStorage recoverAndStart(
            HadoopFs fs, WalSettings settings, Duration rollInterval, WriterLock lock, Duration recoveryTimeout)
            throws IOException {
        HadoopLogStorage probe =
                new HadoopLogStorage(fs, settings, rollInterval, lock, RecoveryReport.clean(0), null, 0);
        List<SegmentFile> segments = probe.listSegments();
        long nextLsn = 0;
        Optional<TornTail> torn = Optional.empty();
        SegmentFile superseded = null;
        long session = 0;
        Map<SegmentName, SegmentMeta> recoveredMetas = new java.util.HashMap<>();
        if (!segments.isEmpty()) {
            SegmentFile last = segments.get(segments.size() - 1);
            session = segments.stream().mapToLong(s -> s.name().session()).max().orElse(0) + 1;
            fs.recoverLease(last.path(), recoveryTimeout);
            SegmentCursor cursor = probe.scanWhole(last, true);
            recoveredMetas.put(last.name(), probe.metas.get(last.name()));
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
                storage.metas.put(k, v);
            }
        });
        storage.current = first;
        storage.out = out;
        storage.currentOpenedNanos = System.nanoTime();
        storage.writtenNextLsn = nextLsn;
        storage.visibleNextLsn = nextLsn;
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
        checkWritable();
        try {
            long lsn = firstLsn;
            for (ByteBuffer frame : frames) {
                int length = frame.remaining();
                if (currentBytes > 0 && (currentBytes + length > settings.segmentBytes() || rollDue())) {
                    roll(lsn);
                }
                SegmentMeta meta = meta(current);
                if (currentBytes == 0 || currentBytes - lastIndexed >= INDEX_EVERY) {
                    meta.index.put(lsn, currentBytes);
                    lastIndexed = currentBytes;
                }
                if (frame.hasArray()) {
                    out.write(frame.array(), frame.arrayOffset() + frame.position(), length);
                } else {
                    byte[] copy = new byte[length];
                    frame.duplicate().get(copy);
                    out.write(copy);
                }
                currentBytes += length;
                RecordFrame.Header header = RecordFrame.decodeHeader(frame);
                long timestamp = header != null ? header.timestampMillis() : newestTimestamp;
                meta.newestTimestamp = Math.max(meta.newestTimestamp, timestamp);
                lsn++;
            }
            writtenNextLsn = lsn;
        } catch (IOException e) {
            throw fenced(e);
        }
    }

    private boolean rollDue() {
        return !rollInterval.isZero() && System.nanoTime() - currentOpenedNanos >= rollInterval.toNanos();
    }

    private void roll(long nextFirstLsn) throws IOException {
        FSDataOutputStream sealing = out;
        repeatIfInterrupted(() -> HadoopFs.durable(sealing));
        out.close();
        meta(current).timestampsKnown = true;
        visibleNextLsn = nextFirstLsn;
        SegmentName next = new SegmentName(nextFirstLsn, session);
        Path path = new Path(fs.root(), next.fileName());
        try {
            out = fs.createExclusive(path, true);
        } catch (FileAlreadyExistsException e) {
            out = null;
            throw new ConcurrentWriterException("Segment " + path + " was created by another writer: this writer of "
                    + fs + " was taken over and must stop");
        }
        current = next;
        currentBytes = 0;
        lastIndexed = 0;
        currentOpenedNanos = System.nanoTime();
    }

    @Override
    public void persist(Durability level) throws IOException {
        checkWritable();
        try {
            if (level == Durability.SYNC) {
                requireFeature(features.hsync(), "hsync", level);
                repeatIfInterrupted(out::hsync);
            } else if (level == Durability.FLUSH) {
                requireFeature(features.hflush(), "hflush", level);
                repeatIfInterrupted(out::hflush);
            }
        } catch (IOException e) {
            throw fenced(e);
        }
        if (level != Durability.NONE) {
            visibleNextLsn = writtenNextLsn;
        }
    }

    /** An {@code hflush} or {@code hsync}: repeatable, since it waits for the same acknowledgement. */
    private interface StreamCall {
        void run() throws IOException;
    }

    /**
     * Runs {@code call}, repeating it when the writer leading the batch was interrupted while it
     * waited for the pipeline's acknowledgement: HDFS keeps the stream open then (only the waiting
     * thread was interrupted), and failing the call would fail the log for every writer of the
     * batch. A socket timeout (also an {@link InterruptedIOException}) is not repeated. The
     * interrupt status is restored afterwards.
     */
    private static void repeatIfInterrupted(StreamCall call) throws IOException {
        boolean interrupted = false;
        try {
            for (int attempt = 0; ; attempt++) {
                try {
                    call.run();
                    return;
                } catch (InterruptedIOException e) {
                    if (e instanceof SocketTimeoutException || attempt >= MAX_INTERRUPT_RETRIES) {
                        throw e;
                    }
                    Thread.interrupted();
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void requireFeature(boolean supported, String what, Durability level) throws IOException {
        if (!supported) {
            throw new IOException("cannot make records durable at " + level + ": output streams of "
                    + fs.location().fsUri() + " do not support " + what);
        }
    }

    /** Whether the file system's streams can keep {@code level}. */
    public boolean supports(Durability level) {
        return features != null && unsupported(level, features) == null;
    }

    private void checkWritable() throws IOException {
        if (lock == null) {
            throw new IllegalStateException("read-only view of " + fs);
        }
        String lost = lock.lostReason();
        if (lost != null) {
            throw new ConcurrentWriterException(
                    "This writer of the write-ahead log " + fs + " was taken over: " + lost);
        }
        if (out == null) {
            throw new IOException("the write-ahead log " + fs + " failed earlier");
        }
    }

    private IOException fenced(IOException e) {
        String lost = lock.checkNow();
        if (lost != null && !(e instanceof ConcurrentWriterException)) {
            ConcurrentWriterException c = new ConcurrentWriterException("This writer of the write-ahead log " + fs
                    + " was taken over (" + lost + "); the failed operation: " + e.getMessage());
            c.initCause(e);
            return c;
        }
        return e;
    }

    // ---------------------------------------------------------------- reading (any thread)

    @Override
    public Optional<LogRecord> read(long lsn) throws IOException {
        if (lock != null && lsn >= visibleNextLsn) {
            return Optional.empty();
        }
        List<SegmentFile> segments = listSegments();
        int i = floor(segments, lsn);
        if (i < 0) {
            return Optional.empty();
        }
        SegmentFile segment = segments.get(i);
        boolean last = i == segments.size() - 1;
        SegmentMeta meta = meta(segment.name());
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
        return new Replay(listSegments(), fromLsn, lock != null ? visibleNextLsn : Long.MAX_VALUE);
    }

    @Override
    public Optional<RecordHandle> first() throws IOException {
        List<SegmentFile> segments = listSegments();
        long limit = lock != null ? visibleNextLsn : Long.MAX_VALUE;
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
            return Optional.of(RecordHandle.of(visibleNextLsn - 1));
        }
        List<SegmentFile> segments = listSegments();
        SegmentCursor cursor = scanWhole(segments.get(segments.size() - 1), true);
        return cursor.lsn() == 0 ? Optional.empty() : Optional.of(RecordHandle.of(cursor.lsn() - 1));
    }

    // ---------------------------------------------------------------- truncation (writer)

    @Override
    public void truncateBefore(long lsn) throws IOException {
        List<SegmentFile> segments = listSegments();
        for (int i = 0; i + 1 < segments.size(); i++) {
            SegmentFile s = segments.get(i);
            if (s.name().equals(current) || segments.get(i + 1).name().firstLsn() > lsn) {
                return;
            }
            drop(s);
        }
    }

    @Override
    public void truncateBeforeTime(long thresholdMillis) throws IOException {
        List<SegmentFile> segments = listSegments();
        for (int i = 0; i + 1 < segments.size(); i++) {
            SegmentFile s = segments.get(i);
            if (s.name().equals(current) || newestTimestamp(s) >= thresholdMillis) {
                return;
            }
            drop(s);
        }
    }

    private void drop(SegmentFile s) throws IOException {
        fs.delete(s.path(), false);
        metas.remove(s.name());
    }

    private long newestTimestamp(SegmentFile s) throws IOException {
        SegmentMeta meta = meta(s.name());
        if (!meta.timestampsKnown) {
            scanWhole(s, false);
        }
        return meta.newestTimestamp;
    }

    // ---------------------------------------------------------------- helpers

    /** Scans a whole segment, filling its index and newest timestamp. */
    private SegmentCursor scanWhole(SegmentFile segment, boolean last) throws IOException {
        SegmentMeta meta = meta(segment.name());
        try (HadoopSegmentSource source = HadoopSegmentSource.open(fs.fs(), segment.path())) {
            SegmentCursor cursor = new SegmentCursor(
                    source,
                    0,
                    segment.name().firstLsn(),
                    last,
                    settings.maxRecordBytes(),
                    settings.cutCorruptLastRecord());
            long[] newest = {Long.MIN_VALUE};
            cursor.finish((record, offset) -> {
                index(meta, record.handle().lsn(), offset);
                newest[0] = Math.max(newest[0], record.timestampMillis());
            });
            meta.newestTimestamp = Math.max(meta.newestTimestamp, newest[0]);
            meta.timestampsKnown = true;
            return cursor;
        }
    }

    private static void index(SegmentMeta meta, long lsn, long offset) {
        Map.Entry<Long, Long> below = meta.index.floorEntry(lsn);
        if (below == null || offset - below.getValue() >= INDEX_EVERY) {
            meta.index.put(lsn, offset);
        }
    }

    private SegmentMeta meta(SegmentName name) {
        return metas.computeIfAbsent(name, n -> new SegmentMeta());
    }

    private List<SegmentFile> listSegments() throws IOException {
        if (closed) {
            throw new IllegalStateException("the write-ahead log " + fs + " is closed");
        }
        FileStatus[] statuses;
        try {
            statuses = fs.fs().listStatus(fs.root());
        } catch (FileNotFoundException e) {
            throw new NoSuchFileException(fs.toString(), null, "the write-ahead log's directory is gone");
        }
        List<SegmentFile> segments = new ArrayList<>();
        boolean cuts = false;
        for (FileStatus status : statuses) {
            String name = status.getPath().getName();
            if (name.endsWith(".wal.cut")) {
                cuts = true;
            }
            SegmentName.parse(name).ifPresent(n -> segments.add(new SegmentFile(n, status.getPath(), status.getLen())));
        }
        if (cuts && lock != null) {
            for (FileStatus status : statuses) {
                String name = status.getPath().getName();
                if (name.endsWith(".wal.cut")) {
                    fs.resolveCut(new Path(status.getPath().getParent(), name.substring(0, name.length() - 4)));
                }
            }
            return listSegments();
        }
        segments.sort((a, b) -> a.name().compareTo(b.name()));
        return segments;
    }

    /** The index of the last segment whose first LSN is at most {@code lsn}, or -1. */
    private static int floor(List<SegmentFile> segments, long lsn) {
        int found = -1;
        for (int i = 0; i < segments.size(); i++) {
            if (segments.get(i).name().firstLsn() <= lsn) {
                found = i;
            } else {
                break;
            }
        }
        return found;
    }

    private static CorruptDataException gap(long expected, SegmentFile next) {
        return new CorruptDataException(
                next.path().toString(),
                0,
                "records from LSN " + expected + " to "
                        + (next.name().firstLsn() - 1) + " are missing: the segment before this one ends at LSN "
                        + expected
                        + " but this one starts at LSN " + next.name().firstLsn());
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        AutoCloseable last = out;
        out = null;
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

    /** Streams records segment by segment, a window at a time. */
    private final class Replay implements CloseableIterator<LogRecord> {
        private final List<SegmentFile> segments;
        private final long from;
        private final long limit;
        private final ArrayDeque<LogRecord> buffered = new ArrayDeque<>();
        private int next;
        private long expectedLsn = -1;
        private HadoopSegmentSource source;
        private SegmentCursor cursor;
        private boolean finished;

        Replay(List<SegmentFile> segments, long from, long limit) {
            this.segments = segments;
            this.from = from;
            this.limit = limit;
            this.next = Math.max(0, floor(segments, from));
        }

        @Override
        public boolean hasNext() {
            if (closed) {
                throw new IllegalStateException("the write-ahead log " + fs + " is closed");
            }
            try {
                while (buffered.isEmpty() && !finished) {
                    step();
                }
            } catch (IOException e) {
                finished = true;
                closeSource();
                throw new UncheckedIOException(e);
            }
            return !buffered.isEmpty();
        }

        @Override
        public LogRecord next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return buffered.poll();
        }

        private void step() throws IOException {
            if (cursor == null) {
                if (next >= segments.size()) {
                    finished = true;
                    return;
                }
                SegmentFile segment = segments.get(next);
                if (expectedLsn >= 0 && segment.name().firstLsn() != expectedLsn) {
                    throw gap(expectedLsn, segment);
                }
                SegmentMeta meta = meta(segment.name());
                long startLsn = segment.name().firstLsn();
                long startOffset = 0;
                if (expectedLsn < 0 && from > startLsn) {
                    Map.Entry<Long, Long> e = meta.index.floorEntry(from);
                    if (e != null && e.getKey() >= startLsn) {
                        startLsn = e.getKey();
                        startOffset = e.getValue();
                    }
                }
                try {
                    source = HadoopSegmentSource.open(fs.fs(), segment.path());
                } catch (FileNotFoundException e) {
                    if (expectedLsn < 0) { // truncated before we got to it
                        next++;
                        return;
                    }
                    throw new CorruptDataException(
                            segment.path().toString(), -1, "segment disappeared during replay", e);
                }
                cursor = new SegmentCursor(
                        source,
                        startOffset,
                        startLsn,
                        next == segments.size() - 1,
                        settings.maxRecordBytes(),
                        settings.cutCorruptLastRecord());
            }
            SegmentMeta meta = meta(segments.get(next).name());
            cursor.advance((record, offset) -> {
                long lsn = record.handle().lsn();
                index(meta, lsn, offset);
                if (lsn >= from && lsn < limit) {
                    buffered.add(record);
                }
            });
            if (cursor.lsn() >= limit) {
                finished = true;
                closeSource();
                return;
            }
            if (cursor.done()) {
                expectedLsn = cursor.lsn();
                closeSource();
                next++;
            }
        }

        private void closeSource() {
            cursor = null;
            if (source != null) {
                try {
                    source.close();
                } catch (IOException e) {
                    // read-only stream
                }
                source = null;
            }
        }

        @Override
        public void close() {
            finished = true;
            buffered.clear();
            closeSource();
        }
    }
}
