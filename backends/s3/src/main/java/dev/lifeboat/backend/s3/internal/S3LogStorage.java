package dev.lifeboat.backend.s3.internal;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.backend.common.wal.LogStorage;
import dev.lifeboat.backend.common.wal.SegmentScanner;
import dev.lifeboat.backend.common.wal.SegmentSource;
import dev.lifeboat.backend.common.wal.WalSettings;
import dev.lifeboat.spi.ConcurrentWriterException;
import dev.lifeboat.spi.CorruptDataException;
import dev.lifeboat.spi.FencedException;
import dev.lifeboat.spi.wal.CloseableIterator;
import dev.lifeboat.spi.wal.Durability;
import dev.lifeboat.spi.wal.LogRecord;
import dev.lifeboat.spi.wal.RecordHandle;
import dev.lifeboat.spi.wal.RecoveryReport;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Write-ahead log storage on S3 for {@link dev.lifeboat.backend.common.wal.GroupCommitWriteAheadLog}:
 * no append, no rename. {@link #write} buffers frames in memory; {@link #persist} (at
 * {@code flush} or {@code sync}: both are one PUT) writes the buffer as one immutable segment
 * object named by its first LSN, with {@code If-None-Match: *}. Group commit therefore costs one
 * PUT per batch. A buffer that reaches {@code segment-bytes} is written without waiting for a
 * persist.
 *
 * <p><b>One writer.</b> Opening a writer raises the epoch in the head object (compare-and-set),
 * recovers the log and puts a claim marker at the LSN where it ends; the previous writer's next
 * PUT is refused by the marker and it fails with {@link FencedException}. A new writer that finds
 * the claim of a still newer one fails with {@link ConcurrentWriterException}.
 *
 * <p><b>Recovery</b> reads the head ({@link WalHead}, checksummed: the low LSN after truncation
 * and how far the log was persisted), takes LIST as a hint of the segments, and verifies the tail
 * with GETs: the last listed segment is scanned and its successors are probed by name until one
 * is missing, so a LIST that lags behind does not hide records. The log must reach the end the
 * head records, and every object must hold the record count its writer stored with it: a deleted
 * newest object or one cut at a frame boundary is {@link CorruptDataException} naming it. A torn
 * tail (only fault injection makes one: PUTs are atomic) is cut by rewriting the object with its
 * complete records.
 *
 * <p><b>LIST is a hint.</b> A listed name gives a segment's first LSN, and the distance to the
 * next listed name its record count, until the segment is read. Where its records end elsewhere
 * (a listing with a gap, as S3-compatible servers return under concurrent writes), the next
 * segment is looked up by name; only a missing object, not truncated, means lost records.
 *
 * <p><b>Reads</b> are ranged GETs of exactly the frames wanted where the segment's frame offsets
 * are known (segments this process wrote or scanned), else a GET of the segment.
 *
 * <p>This class ties the pieces together and truncates: {@link WalLease} holds the writer's lease
 * in the head, {@link WalIndex} what is known of the segments, {@link WalTail} finds where the log
 * ends, {@link WalAppender} fences the previous writer and writes segments, {@link WalReplay}
 * streams records.
 */
public final class S3LogStorage implements LogStorage {
    static final String META_RECORDS = "lifeboat-records";
    static final String META_NEWEST = "lifeboat-newest-timestamp";

    private final ObjectStore store;
    private final WalSettings settings;
    private final boolean writer;
    private final String writerId = WalLayout.newWriterId();
    private final ReentrantLock truncation = new ReentrantLock();

    private RecoveryReport recovery;

    private final WalObjects objects;
    private final WalIndex index;
    private final WalTail tail;
    private final WalLease lease; // the writer's lease in the head; null for a reader
    private WalAppender appender; // null for a reader
    private ExecutorService readAhead; // guarded by this
    private volatile boolean closed;

    private S3LogStorage(
            ObjectStore store, WalSettings settings, boolean writer, Duration leaseDuration, Duration renewInterval) {
        this.store = requireNonNull(store, "store is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.writer = writer;
        this.objects = new WalObjects(store, settings.maxRecordBytes(), settings.cutCorruptLastRecord());
        this.index = new WalIndex(store, objects, writer);
        this.lease = writer ? new WalLease(store, writerId, leaseDuration, renewInterval) : null;
        this.tail = new WalTail(store, objects, index, lease);
    }

    /**
     * Opens the log's one writer: takes the writer lease (waiting up to {@code leaseDuration} for
     * the lease of a writer that stopped renewing it), recovers (cutting a torn tail) and fences
     * the previous writer with a claim marker.
     *
     * @throws ConcurrentWriterException if another writer holds the log and keeps renewing its lease
     */
    public static S3LogStorage openWriter(
            ObjectStore store, WalSettings settings, Duration leaseDuration, Duration renewInterval)
            throws IOException {
        S3LogStorage s = new S3LogStorage(store, settings, true, leaseDuration, renewInterval);
        WalHead h = s.lease.acquire(s.objects::startsAt);
        s.index.lowLsn = h.lowLsn();
        s.appender = new WalAppender(store, settings, s.objects, s.index, s.writerId, h.epoch());
        try {
            s.recovery = s.appender.claim(s.tail.discover(h));
        } catch (IOException | RuntimeException | Error e) {
            s.lease.release(0);
            throw e;
        }
        s.lease.startRenewing(s.index::persistedEnd, () -> !s.closed && s.appender.failure() == null, s.appender::fail);
        return s;
    }

    /** Opens a read-only view; changes nothing in storage. */
    public static S3LogStorage openReader(ObjectStore store, WalSettings settings) throws IOException {
        S3LogStorage s = new S3LogStorage(store, settings, false, Duration.ZERO, Duration.ZERO);
        WalHead h = s.index
                .readHead()
                .orElseThrow(() -> new NoSuchFileException(
                        store.location().toString(),
                        null,
                        "no write-ahead log here (" + store.describe(store.key(WalLayout.HEAD)) + " is missing)"));
        s.index.lowLsn = h.lowLsn();
        s.recovery = s.tail.discover(h);
        return s;
    }

    // ------------------------------------------------------------------ writing

    @Override
    public RecoveryReport recovery() {
        return recovery;
    }

    @Override
    public void write(List<ByteBuffer> frames, long firstLsn, long newestTimestamp) throws IOException {
        checkWriter();
        appender.write(frames, firstLsn, newestTimestamp);
    }

    @Override
    public void persist(Durability level) throws IOException {
        checkWriter();
        appender.flushPending();
    }

    private void checkWriter() throws IOException {
        if (!writer) {
            throw new IllegalStateException("a write-ahead log reader cannot write");
        }
        appender.checkHealthy();
    }

    // ------------------------------------------------------------------ reading

    @Override
    public Optional<LogRecord> read(long lsn) throws IOException {
        checkOpen();
        WalSegment seg = index.locate(lsn);
        if (seg == null && !writer) {
            tail.refreshTail();
            seg = index.locate(lsn);
        }
        if (seg == null) {
            return Optional.empty();
        }
        int k = (int) (lsn - seg.first());
        int from = seg.offsets()[k];
        int length = seg.offsets()[k + 1] - from;
        Optional<byte[]> bytes = store.getRange(store.location().bucket(), seg.key(), from, length);
        if (bytes.isEmpty()) {
            index.missing(seg);
            return Optional.empty();
        }
        List<LogRecord> out = new ArrayList<>(1);
        SegmentSource source = new WalObjects.OffsetSource(seg.key(), bytes.get(), from);
        SegmentScanner.Result r =
                new SegmentScanner(source, lsn, false, settings.maxRecordBytes()).scan(from, lsn, out::add);
        if (r.records() != 1 || out.isEmpty()) {
            throw new CorruptDataException(seg.key(), from, "expected record LSN " + lsn + " here");
        }
        return Optional.of(out.get(0));
    }

    @Override
    public CloseableIterator<LogRecord> replay(long fromLsn) throws IOException {
        checkOpen();
        if (!writer) {
            tail.refreshTail();
        }
        return new WalReplay(index, store, objects, settings, this::readAhead, fromLsn);
    }

    @Override
    public Optional<RecordHandle> first() throws IOException {
        checkOpen();
        if (!writer) {
            tail.refreshTail();
        }
        synchronized (index) {
            return index.endLsn > index.lowLsn ? Optional.of(RecordHandle.of(index.lowLsn)) : Optional.empty();
        }
    }

    @Override
    public Optional<RecordHandle> last() throws IOException {
        checkOpen();
        if (!writer) {
            tail.refreshTail();
        }
        synchronized (index) {
            return index.endLsn > index.lowLsn ? Optional.of(RecordHandle.of(index.endLsn - 1)) : Optional.empty();
        }
    }

    // ------------------------------------------------------------------ truncation

    @Override
    public void truncateBefore(long lsn) throws IOException {
        checkOpen();
        if (!writer) {
            throw new IllegalStateException("a write-ahead log reader cannot truncate");
        }
        truncation.lock();
        try {
            long newLow;
            boolean hinted;
            List<WalSegment> victims = new ArrayList<>();
            synchronized (index) {
                newLow = index.endLsn;
                Long lastKey = index.segments.isEmpty() ? null : index.segments.lastKey();
                for (WalSegment s : index.segments.values()) {
                    if (s.end() <= lsn && s.first() != lastKey) { // the newest segment stays, like an open file
                        victims.add(s);
                    } else {
                        newLow = s.first();
                        break;
                    }
                }
                if (newLow <= index.lowLsn) {
                    return;
                }
                hinted = index.segments.get(newLow) == null
                        || !index.segments.get(newLow).counted();
            }
            if (hinted && newLow < index.persistedEnd() && !objects.startsAt(newLow)) {
                // Nothing is deleted on the word of a listing: the new low must name a batch object.
                throw new CorruptDataException(
                        store.describe(index.key(newLow)),
                        -1,
                        "batch object missing: truncation" + " would move the log's start to LSN " + newLow
                                + ", where no batch object starts");
            }
            long low = newLow;
            lease.update(h -> h.lowLsn() < low ? h.withLow(low) : h, "truncation");
            synchronized (index) {
                index.segments.headMap(newLow).clear();
                index.lowLsn = newLow;
            }
            for (WalSegment s : victims) {
                store.delete(s.key()); // a failure leaves garbage that the next writer removes
            }
        } finally {
            truncation.unlock();
        }
    }

    @Override
    public void truncateBeforeTime(long thresholdMillis) throws IOException {
        checkOpen();
        List<WalSegment> all;
        synchronized (index) {
            all = new ArrayList<>(index.segments.values());
        }
        long keepFrom = -1;
        // Never the last segment: it holds the newest records, like the segment being written elsewhere.
        for (int i = 0; i + 1 < all.size(); i++) {
            WalSegment s = all.get(i);
            long newest = newest(s);
            if (newest >= thresholdMillis) {
                keepFrom = s.first();
                break;
            }
            keepFrom = all.get(i + 1).first();
        }
        if (keepFrom > 0) {
            truncateBefore(keepFrom);
        }
    }

    private long newest(WalSegment s) throws IOException {
        if (s.newest() != Long.MIN_VALUE) {
            return s.newest();
        }
        Optional<ObjectStore.ObjectInfo> info = store.head(s.key());
        if (info.isPresent() && info.get().metadata().containsKey(META_NEWEST)) {
            try {
                return Long.parseLong(info.get().metadata().get(META_NEWEST));
            } catch (NumberFormatException e) {
                // fall through to a scan
            }
        }
        WalSegment loaded = index.load(s);
        return loaded == null ? Long.MIN_VALUE : loaded.newest();
    }

    // ------------------------------------------------------------------ closing

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        try {
            if (writer && appender.failure() == null && appender.hasPending()) {
                appender.flushPending(); // records appended at durability none are kept by a clean close
            }
        } finally {
            closed = true;
            synchronized (index) {
                if (readAhead != null) {
                    readAhead.shutdownNow();
                }
            }
            if (writer) {
                lease.release(appender.failure() == null ? index.persistedEnd() : 0);
            }
            store.close();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the write-ahead log " + store.location() + " is closed");
        }
    }

    /** The threads that fetch segments ahead of a replay; created on first use. */
    private synchronized ExecutorService readAhead() {
        if (readAhead == null) {
            AtomicInteger n = new AtomicInteger();
            readAhead = Executors.newFixedThreadPool(WalReplay.READ_AHEAD, r -> {
                Thread t = new Thread(r, "lifeboat-s3-wal-read-ahead-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        }
        return readAhead;
    }
}
