package dev.lifeboat.backend.s3.internal;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.backend.common.wal.LogStorage;
import dev.lifeboat.backend.common.wal.RecordFrame;
import dev.lifeboat.backend.common.wal.SegmentScanner;
import dev.lifeboat.backend.common.wal.SegmentSource;
import dev.lifeboat.backend.common.wal.WalSettings;
import dev.lifeboat.spi.ConcurrentWriterException;
import dev.lifeboat.spi.CorruptDataException;
import dev.lifeboat.spi.FencedException;
import dev.lifeboat.spi.OutcomeUnknownException;
import dev.lifeboat.spi.wal.CloseableIterator;
import dev.lifeboat.spi.wal.Durability;
import dev.lifeboat.spi.wal.LogRecord;
import dev.lifeboat.spi.wal.RecordHandle;
import dev.lifeboat.spi.wal.RecoveryReport;
import dev.lifeboat.spi.wal.RecoveryReport.TornTail;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
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
 */
public final class S3LogStorage implements LogStorage {
    private static final int MAX_ROUNDS = 64;
    /** Bound of the segments one lookup follows by name (a listing with gaps makes the index sparse). */
    private static final int MAX_CHAIN = 1_000_000;

    private static final int READ_AHEAD = 4;
    static final String META_RECORDS = "lifeboat-records";
    static final String META_NEWEST = "lifeboat-newest-timestamp";

    private final ObjectStore store;
    private final WalSettings settings;
    private final boolean writer;
    private final String writerId = WalLayout.newWriterId();
    private final ReentrantLock truncation = new ReentrantLock();

    /** Persisted segments by first LSN; guarded by {@code this}. */
    private final TreeMap<Long, Segment> segments = new TreeMap<>();
    /** The LSN after the last persisted record; guarded by {@code this}. */
    private long endLsn;
    /** The first LSN not truncated; guarded by {@code this}. */
    private long lowLsn;

    private long epoch;
    private RecoveryReport recovery;

    private final WalObjects objects;
    private final WalLease lease; // the writer's lease in the head; null for a reader
    private ExecutorService readAhead; // guarded by this

    // The committer's buffer (write and persist run on one thread at a time).
    private byte[] pending = new byte[0];
    private int pendingBytes;
    private long pendingFirst = -1;
    private final List<Integer> pendingOffsets = new ArrayList<>();
    private long pendingNewest = Long.MIN_VALUE;
    private long claimLsn = -1;
    private String claimEtag;
    private volatile IOException failure;
    private volatile boolean closed;

    /**
     * One persisted segment.
     *
     * @param first the LSN of its first record (its name)
     * @param count its records: known (written or read), or LIST's hint until it is read
     * @param newest the newest record timestamp, or {@code Long.MIN_VALUE} if not known yet
     * @param offsets frame offsets ({@code count + 1} entries, the last is the size), or null if not known
     * @param counted whether {@code count} is known rather than a hint
     */
    @SuppressWarnings("ArrayRecordComponent") // never compared or hashed: segments are found by LSN
    private record Segment(long first, String key, long count, long newest, int[] offsets, boolean counted) {
        /** A segment whose count is known if its offsets are. */
        Segment(long first, String key, long count, long newest, int[] offsets) {
            this(first, key, count, newest, offsets, offsets != null);
        }

        long end() {
            return first + count;
        }
    }

    /** The segment a scan of a whole object found, with its frame offsets. */
    private static Segment segment(WalObjects.Scan scan, long first, String key) {
        return new Segment(first, key, scan.result().records(), scan.newest(), scan.frameOffsets());
    }

    private S3LogStorage(
            ObjectStore store, WalSettings settings, boolean writer, Duration leaseDuration, Duration renewInterval) {
        this.store = requireNonNull(store, "store is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.writer = writer;
        this.objects = new WalObjects(store, settings.maxRecordBytes(), settings.cutCorruptLastRecord());
        this.lease = writer ? new WalLease(store, writerId, leaseDuration, renewInterval) : null;
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
        s.epoch = h.epoch();
        s.lowLsn = h.lowLsn();
        try {
            s.discover(h);
            s.claim();
        } catch (IOException | RuntimeException | Error e) {
            s.lease.release(0);
            throw e;
        }
        s.lease.startRenewing(s::persistedEnd, () -> !s.closed && s.failure == null, e -> s.failure = e);
        return s;
    }

    /** Opens a read-only view; changes nothing in storage. */
    public static S3LogStorage openReader(ObjectStore store, WalSettings settings) throws IOException {
        S3LogStorage s = new S3LogStorage(store, settings, false, Duration.ZERO, Duration.ZERO);
        WalHead h = s.readHead()
                .orElseThrow(() -> new NoSuchFileException(
                        store.location().toString(),
                        null,
                        "no write-ahead log here (" + store.describe(store.key(WalLayout.HEAD)) + " is missing)"));
        s.epoch = h.epoch();
        s.lowLsn = h.lowLsn();
        s.discover(h);
        return s;
    }

    // ------------------------------------------------------------------ opening

    /**
     * A reader's view of the head, verified: its checksum, or (earlier format) its low LSN
     * against the batch objects. Empty if there is no head.
     */
    private Optional<WalHead> readHead() throws IOException {
        Optional<WalHead> h = WalLease.read(store);
        if (h.isPresent()
                && !h.get().checked()
                && h.get().lowLsn() > 0
                && h.get().lowLsn() != lowLsn
                && !objects.startsAt(h.get().lowLsn())) {
            throw new CorruptDataException(
                    store.describe(store.key(WalLayout.HEAD)),
                    0,
                    "the head (earlier format,"
                            + " without a checksum) names low LSN " + h.get().lowLsn()
                            + " but no batch object starts there:"
                            + " it cannot be verified, so it is not acted on");
        }
        return h;
    }

    /** How far the log is persisted (recorded in the head by the lease's renewals). */
    private synchronized long persistedEnd() {
        return endLsn;
    }

    /**
     * Finds the segments: LIST as a hint, then the tail verified and extended with GETs. The log
     * must reach the end the head records, unless the tail is torn (reported).
     */
    private void discover(WalHead h) throws IOException {
        String prefix = store.key(WalLayout.SEGMENTS);
        TreeMap<Long, Long> listed = new TreeMap<>(); // first LSN -> size
        List<String> garbage = new ArrayList<>();
        for (ObjectStore.ObjectInfo o : store.list(prefix)) {
            Optional<Long> lsn = WalLayout.parseSegmentName(store.location().relative(o.key()));
            if (lsn.isEmpty()) {
                continue;
            }
            if (lsn.get() < lowLsn) {
                garbage.add(o.key()); // truncated, but the delete did not finish
            } else {
                listed.put(lsn.get(), o.size());
            }
        }
        // The head's low LSN is verified (checksum); deleting also needs the object it names.
        if (writer && !garbage.isEmpty() && objects.startsAt(lowLsn)) {
            for (String key : garbage) {
                store.delete(key);
            }
        }
        List<Long> names = new ArrayList<>(listed.keySet());
        for (int i = 0; i + 1 < names.size(); i++) {
            long first = names.get(i);
            segments.put(first, new Segment(first, key(first), names.get(i + 1) - first, Long.MIN_VALUE, null));
        }
        long cursor = names.isEmpty() ? lowLsn : names.get(names.size() - 1);
        Optional<TornTail> torn = Optional.empty();
        while (true) {
            String key = key(cursor);
            Optional<ObjectStore.Blob> blob = store.get(key);
            if (blob.isEmpty()) {
                Map.Entry<Long, Segment> previous = segments.lastEntry();
                if (listed.containsKey(cursor)
                        && previous != null
                        && previous.getValue().end() == cursor) {
                    // LIST showed it, but it is gone: the log ends inside the segment before it.
                    segments.remove(previous.getKey());
                    listed.remove(cursor);
                    cursor = previous.getKey();
                    continue;
                }
                break;
            }
            if (WalLayout.Claim.decode(blob.get().bytes()).isPresent()) {
                break; // a claim marker: the log ends here
            }
            WalObjects.Scan scan = objects.scan(key, blob.get().bytes(), cursor, true, null);
            objects.checkWritten(key, blob.get().metadata(), cursor, scan.result());
            if (scan.result().tornTail().isPresent()) {
                torn = scan.result().tornTail();
                if (writer) {
                    long end = scan.result().nextLsn();
                    if (lease.head().endLsn() > end) { // lowered before the records go
                        lease.update(x -> x.cutTo(end), "cut of a torn tail");
                    }
                    objects.cutTornTail(key, blob.get(), scan);
                }
                if (scan.result().records() > 0) {
                    segments.put(cursor, segment(scan, cursor, key));
                }
                cursor = scan.result().nextLsn();
                break;
            }
            if (scan.result().records() == 0) {
                break; // an empty object ends the log, like a claim
            }
            segments.put(cursor, segment(scan, cursor, key));
            cursor = scan.result().nextLsn();
        }
        endLsn = Math.max(cursor, lowLsn);
        if (torn.isEmpty() && endLsn < h.endLsn()) {
            checkReaches(endLsn, h.endLsn());
        }
        recovery = new RecoveryReport(endLsn, torn);
    }

    /**
     * The log ends at {@code end} but the head said it reaches {@code recorded}: lost records,
     * unless (for a reader) the head has been lowered since, by a writer that cut a torn tail.
     */
    private void checkReaches(long end, long recorded) throws IOException {
        if (!writer) {
            Optional<WalHead> now = readHead();
            if (now.isEmpty() || now.get().endLsn() <= end) {
                return;
            }
            recorded = now.get().endLsn();
        }
        throw shortfall(end, recorded);
    }

    /**
     * The error for a log that ends at {@code end} although the head records records up to
     * {@code recorded}: the object at {@code end} is missing, unless the segment before it carries
     * no record count of its writer (then it was replaced, cut at a frame boundary).
     */
    private CorruptDataException shortfall(long end, long recorded) throws IOException {
        Map.Entry<Long, Segment> last;
        synchronized (this) {
            last = segments.lowerEntry(end);
        }
        if (last != null && last.getValue().end() == end) {
            Optional<ObjectStore.ObjectInfo> info = store.head(last.getValue().key());
            if (info.isPresent()
                    && WalObjects.writtenCount(info.get().metadata()).isEmpty()) {
                return new CorruptDataException(
                        store.describe(last.getValue().key()),
                        -1,
                        "the batch object ends"
                                + " the log at LSN " + end
                                + " but the log's head records that it was persisted up to LSN "
                                + (recorded - 1) + ", and the object has lost its writer's record count: it was cut or"
                                + " replaced; records from LSN " + end + " are lost");
            }
        }
        return new CorruptDataException(
                store.describe(key(end)),
                -1,
                "batch object missing: the log's head"
                        + " records that it was persisted up to LSN " + (recorded - 1) + " but it ends at LSN " + end
                        + "; records from LSN " + end + " to " + (recorded - 1) + " are lost");
    }

    /** Puts the claim marker at the end of the log, fencing the previous writer. */
    private void claim() throws IOException {
        byte[] marker = new WalLayout.Claim(epoch, writerId).encode();
        for (int round = 0; round < MAX_ROUNDS; round++) {
            long at;
            synchronized (this) {
                at = endLsn;
            }
            String key = key(at);
            Optional<String> etag = Optional.empty();
            try {
                etag = store.putIfAbsent(key, marker, Map.of());
            } catch (OutcomeUnknownException e) {
                // read back below
            }
            if (etag.isPresent()) {
                claimed(at, etag.get());
                return;
            }
            Optional<ObjectStore.Blob> blob = store.get(key);
            if (blob.isEmpty()) {
                continue;
            }
            Optional<WalLayout.Claim> other = WalLayout.Claim.decode(blob.get().bytes());
            if (other.isPresent()) {
                if (other.get().writerId().equals(writerId)) {
                    claimed(at, blob.get().etag());
                    return;
                }
                if (other.get().epoch() > epoch) {
                    throw new ConcurrentWriterException("another writer (epoch "
                            + other.get().epoch()
                            + ") opened the write-ahead log " + store.location() + " while this one (epoch " + epoch
                            + ") was opening");
                }
                try {
                    etag = store.putIfMatch(key, marker, blob.get().etag(), Map.of());
                } catch (OutcomeUnknownException e) {
                    continue;
                }
                if (etag.isPresent()) {
                    claimed(at, etag.get());
                    return;
                }
                continue;
            }
            // The previous writer persisted one more segment after recovery read the log.
            WalObjects.Scan scan = objects.scan(key, blob.get().bytes(), at, true, null);
            objects.checkWritten(key, blob.get().metadata(), at, scan.result());
            synchronized (this) {
                if (scan.result().records() > 0) {
                    segments.put(at, segment(scan, at, key));
                }
                endLsn = scan.result().nextLsn();
            }
            if (scan.result().records() == 0 || scan.result().tornTail().isPresent()) {
                throw new CorruptDataException(
                        store.describe(key),
                        scan.result().validBytes(),
                        "a segment written during recovery is damaged");
            }
            recovery = new RecoveryReport(scan.result().nextLsn(), recovery.tornTail());
        }
        throw new ConcurrentWriterException("could not claim the end of the write-ahead log " + store.location()
                + ": another writer keeps appending");
    }

    private void claimed(long at, String etag) {
        claimLsn = at;
        claimEtag = etag;
    }

    // ------------------------------------------------------------------ writing

    @Override
    public RecoveryReport recovery() {
        return recovery;
    }

    @Override
    public void write(List<ByteBuffer> frames, long firstLsn, long newestTimestamp) throws IOException {
        checkWriter();
        if (pendingFirst < 0) {
            long expected;
            synchronized (this) {
                expected = endLsn;
            }
            if (firstLsn != expected) {
                throw new IllegalStateException("write at LSN " + firstLsn + " but the log ends at " + expected);
            }
            pendingFirst = firstLsn;
        } else if (firstLsn != pendingFirst + pendingOffsets.size()) {
            throw new IllegalStateException(
                    "write at LSN " + firstLsn + " but the buffer ends at " + (pendingFirst + pendingOffsets.size()));
        }
        long lsn = firstLsn;
        for (ByteBuffer frame : frames) {
            int n = frame.remaining();
            if (pendingBytes > 0
                    && ((long) pendingBytes + n > settings.segmentBytes()
                            || (long) pendingBytes + n > Integer.MAX_VALUE - 64)) {
                flushPending(); // roll between frames, never inside one
            }
            if (pendingFirst < 0) {
                pendingFirst = lsn;
            }
            lsn++;
            if (pendingBytes + n > pending.length) {
                pending = Arrays.copyOf(pending, (int) Math.min(
                        Integer.MAX_VALUE - 64,
                        Math.max((long) pendingBytes + n, Math.max(4096, 2L * pending.length))));
            }
            pendingOffsets.add(pendingBytes);
            frame.duplicate().get(pending, pendingBytes, n);
            pendingBytes += n;
            RecordFrame.Header h = RecordFrame.decodeHeader(frame);
            pendingNewest = Math.max(pendingNewest, h != null ? h.timestampMillis() : newestTimestamp);
        }
        if (pendingBytes >= settings.segmentBytes()) {
            flushPending();
        }
    }

    @Override
    public void persist(Durability level) throws IOException {
        checkWriter();
        flushPending();
    }

    private void checkWriter() throws IOException {
        if (!writer) {
            throw new IllegalStateException("a write-ahead log reader cannot write");
        }
        IOException failed = failure;
        if (failed instanceof FencedException f) {
            FencedException again = new FencedException(
                    "append to the write-ahead log " + store.location() + " after it was fenced",
                    f.writerEpoch(),
                    f.currentEpoch());
            again.initCause(f);
            throw again;
        }
        if (failed != null) {
            throw new IOException(
                    "the write-ahead log " + store.location() + " failed earlier: " + failed.getMessage(), failed);
        }
    }

    /** PUTs the buffer as one segment object. */
    private void flushPending() throws IOException {
        if (pendingBytes == 0) {
            return;
        }
        long first = pendingFirst;
        int count = pendingOffsets.size();
        String key = key(first);
        byte[] bytes = Arrays.copyOf(pending, pendingBytes);
        Map<String, String> meta =
                Map.of(META_RECORDS, String.valueOf(count), META_NEWEST, String.valueOf(pendingNewest));
        try {
            Optional<String> etag;
            try {
                etag = first == claimLsn
                        ? store.putIfMatch(key, bytes, claimEtag, meta)
                        : store.putIfAbsent(key, bytes, meta);
            } catch (OutcomeUnknownException e) {
                Optional<ObjectStore.Blob> back;
                try {
                    back = store.get(key);
                } catch (IOException readFailure) {
                    e.addSuppressed(readFailure);
                    throw e;
                }
                if (back.isEmpty()
                        || WalLayout.Claim.decode(back.get().bytes())
                                .filter(c -> c.writerId().equals(writerId))
                                .isPresent()) {
                    throw e; // not there (yet): the records' fate is unknown until the log is reopened
                }
                etag = ownOrFenced(key, bytes, back.get());
            }
            if (etag.isEmpty()) {
                Optional<ObjectStore.Blob> back = store.get(key);
                if (back.isEmpty()) {
                    throw new OutcomeUnknownException(
                            "PUT of segment " + store.describe(key) + " was refused but the object is missing", null);
                }
                etag = ownOrFenced(key, bytes, back.get());
            }
        } catch (IOException | RuntimeException e) {
            failure = e instanceof IOException io ? io : new IOException(e);
            throw e;
        }
        int[] offsets = new int[count + 1];
        for (int i = 0; i < count; i++) {
            offsets[i] = pendingOffsets.get(i);
        }
        offsets[count] = bytes.length;
        synchronized (this) {
            segments.put(first, new Segment(first, key, count, pendingNewest, offsets));
            endLsn = first + count;
        }
        claimLsn = -1;
        claimEtag = null;
        pendingFirst = -1;
        pendingBytes = 0;
        pendingOffsets.clear();
        pendingNewest = Long.MIN_VALUE;
        if (pending.length > 4 * settings.maxBatchBytes()) {
            pending = new byte[0]; // do not keep a huge buffer after a large segment
        }
    }

    /** After a refused PUT: our own bytes (an SDK retry of a PUT that succeeded), or another writer's. */
    private Optional<String> ownOrFenced(String key, byte[] bytes, ObjectStore.Blob stored) throws IOException {
        if (Arrays.equals(stored.bytes(), bytes)) {
            return Optional.of(stored.etag());
        }
        long current = WalLayout.Claim.decode(stored.bytes())
                .map(WalLayout.Claim::epoch)
                .orElse(-1L);
        if (current < 0) {
            try {
                Optional<ObjectStore.Blob> head = store.get(store.key(WalLayout.HEAD));
                if (head.isPresent()) {
                    current = WalHead.decode(head.get().bytes(), WalLayout.HEAD).epoch();
                }
            } catch (IOException e) {
                current = -1;
            }
        }
        throw new FencedException(
                "append to the write-ahead log " + store.location() + " at " + store.describe(key)
                        + " (another writer opened the log)",
                epoch,
                current);
    }

    // ------------------------------------------------------------------ reading

    @Override
    public Optional<LogRecord> read(long lsn) throws IOException {
        checkOpen();
        Segment seg = locate(lsn);
        if (seg == null && !writer) {
            refreshTail();
            seg = locate(lsn);
        }
        if (seg == null) {
            return Optional.empty();
        }
        int k = (int) (lsn - seg.first());
        int from = seg.offsets()[k];
        int length = seg.offsets()[k + 1] - from;
        Optional<byte[]> bytes = store.getRange(store.location().bucket(), seg.key(), from, length);
        if (bytes.isEmpty()) {
            missing(seg);
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

    /**
     * The segment holding {@code lsn}, with its frame offsets: segments whose counts are only
     * LIST's hint are read and settled, and where no known segment covers the LSN the chain is
     * followed by name. Null if {@code lsn} is outside the log (or was truncated meanwhile).
     */
    private Segment locate(long lsn) throws IOException {
        for (int round = 0; round < MAX_CHAIN; round++) {
            Segment seg;
            long gap = -1;
            synchronized (this) {
                if (lsn < lowLsn || lsn >= endLsn) {
                    return null;
                }
                Map.Entry<Long, Segment> e = segments.floorEntry(lsn);
                seg = e == null ? null : e.getValue();
                if (seg == null) {
                    gap = lowLsn; // the chain starts at the low LSN
                } else if (lsn >= seg.end() && seg.counted()) {
                    gap = seg.end(); // the segment after a verified one is named by its end
                }
            }
            if (gap >= 0) {
                probe(gap, seg == null ? "the log's low LSN" : "the end of " + store.describe(seg.key()));
            } else if (seg.offsets() != null) {
                return seg;
            } else {
                load(seg);
            }
        }
        throw new IOException("could not find the segment of LSN " + lsn + " in the write-ahead log " + store.location()
                + " (more than " + MAX_CHAIN + " segments followed)");
    }

    /** GETs a whole segment, settles its count and records its frame offsets; null if it was truncated meanwhile. */
    private Segment load(Segment seg) throws IOException {
        Optional<ObjectStore.Blob> blob = store.get(seg.key());
        if (blob.isEmpty()) {
            missing(seg);
            return null;
        }
        WalObjects.Scan scan = objects.scan(seg.key(), blob.get().bytes(), seg.first(), isLast(seg), null);
        objects.checkWritten(seg.key(), blob.get().metadata(), seg.first(), scan.result());
        return settle(seg, scan, true);
    }

    private synchronized boolean isLast(Segment seg) {
        return segments.higherKey(seg.first()) == null;
    }

    /**
     * Makes the index agree with a segment read whole from its start. A count known from writing
     * or scanning must hold; a count that is only LIST's hint (the distance to the next listed
     * name) may be wrong — a listing with a gap, or a stale name — so where the records end
     * elsewhere, the object named by the LSN after the last one is looked up by name: only a
     * missing object (not truncated) means lost records. A replay ({@code keepOffsets} false) leaves
     * the frame offsets of segments it read out of the index, so a long replay holds no per-record state.
     */
    private Segment settle(Segment seg, WalObjects.Scan scan, boolean keepOffsets) throws IOException {
        Segment loaded = segment(scan, seg.first(), seg.key());
        if (!keepOffsets && seg.offsets() == null) { // a replay: the index keeps counts, not every frame's offset
            loaded = new Segment(loaded.first(), loaded.key(), loaded.count(), loaded.newest(), null, true);
        }
        if (seg.counted() && loaded.count() != seg.count()) {
            throw new CorruptDataException(
                    seg.key(),
                    scan.result().validBytes(),
                    "the segment holds "
                            + loaded.count() + " records but the next segment starts at LSN " + seg.end() + " ("
                            + (seg.count() - loaded.count()) + " records missing)");
        }
        long successor = -1;
        synchronized (this) {
            if (segments.replace(seg.first(), loaded) == null) {
                return loaded; // truncated meanwhile
            }
            if (loaded.end() != seg.end()) {
                // Names listed inside its records were no segments (a stale listing): forget them.
                segments.subMap(seg.first(), false, loaded.end(), false)
                        .values()
                        .removeIf(s -> !s.counted());
                if (loaded.end() < endLsn && !segments.containsKey(loaded.end())) {
                    successor = loaded.end();
                }
            }
        }
        if (successor >= 0) {
            probe(successor, "the end of " + store.describe(seg.key()));
        }
        return loaded;
    }

    /**
     * Looks up the segment starting at {@code lsn} by name (a HEAD, which also gives its record
     * count) and adds it to the index. A missing object is lost records — {@link
     * CorruptDataException} naming it — unless truncation removed it meanwhile.
     *
     * @param why where the LSN comes from, for the error
     */
    private void probe(long lsn, String why) throws IOException {
        String key = key(lsn);
        Optional<ObjectStore.ObjectInfo> info = store.head(key);
        if (info.isPresent()) {
            OptionalLong written = WalObjects.writtenCount(info.get().metadata());
            synchronized (this) {
                Long after = segments.higherKey(lsn);
                long bound = after != null ? after : endLsn;
                long count = written.isPresent() && written.getAsLong() > 0 && lsn + written.getAsLong() <= bound
                        ? written.getAsLong()
                        : bound - lsn;
                segments.putIfAbsent(lsn, new Segment(lsn, key, count, Long.MIN_VALUE, null));
            }
            return;
        }
        long low = currentLowLsn();
        long to;
        synchronized (this) {
            if (lsn < low) { // truncation removes whole segments below the low LSN
                lowLsn = Math.max(lowLsn, low);
                segments.headMap(lowLsn).clear();
                return;
            }
            Long after = segments.higherKey(lsn);
            to = (after != null ? after : endLsn) - 1;
        }
        throw new CorruptDataException(
                store.describe(key),
                -1,
                "batch object missing: records from LSN " + lsn + " to " + to + " are lost (the object is named by "
                        + why + ", LSN " + lsn + ")");
    }

    /** A segment the index knows is gone: truncated meanwhile (fine) or lost (corruption). */
    private void missing(Segment seg) throws IOException {
        long low = currentLowLsn();
        if (seg.first() < low) { // truncation removes whole segments below the low LSN
            synchronized (this) {
                segments.remove(seg.first());
                lowLsn = Math.max(lowLsn, low);
            }
            return;
        }
        throw new CorruptDataException(
                seg.key(), -1, "segment object is missing: records from LSN " + seg.first() + " are lost");
    }

    private long currentLowLsn() throws IOException {
        if (writer) {
            synchronized (this) {
                return lowLsn;
            }
        }
        return readHead().map(WalHead::lowLsn).orElse(Long.MAX_VALUE); // no head: the whole log was removed
    }

    /**
     * A reader's view of the end of the log: a GET of the segment after the known end; if the log
     * grew, a LIST of what follows (a hint: the segments' names give their record counts) and GETs
     * that verify the last one and probe past it, so a lagging LIST hides nothing. The log must
     * reach the end the head records, unless its tail is torn.
     */
    private void refreshTail() throws IOException {
        Optional<WalHead> h = readHead();
        long low = h.map(WalHead::lowLsn).orElse(Long.MAX_VALUE); // no head: the whole log was removed
        synchronized (this) {
            lowLsn = Math.max(lowLsn, low);
            segments.headMap(lowLsn).clear();
            if (endLsn < lowLsn) {
                endLsn = lowLsn;
            }
        }
        boolean listed = false;
        boolean torn = false;
        for (int i = 0; i < MAX_CHAIN; i++) {
            long at;
            synchronized (this) {
                at = endLsn;
            }
            String key = key(at);
            Optional<ObjectStore.Blob> blob = store.get(key);
            if (blob.isEmpty() || WalLayout.Claim.decode(blob.get().bytes()).isPresent()) {
                break;
            }
            WalObjects.Scan scan = objects.scan(key, blob.get().bytes(), at, true, null);
            objects.checkWritten(key, blob.get().metadata(), at, scan.result());
            torn = scan.result().tornTail().isPresent();
            if (scan.result().records() == 0) {
                break;
            }
            synchronized (this) {
                segments.put(at, segment(scan, at, key));
                endLsn = scan.result().nextLsn();
            }
            if (torn) {
                break;
            }
            if (!listed) {
                listed = true;
                skipAheadByListing(scan.result().nextLsn());
            }
        }
        long end = persistedEnd();
        if (!torn && h.isPresent() && end < h.get().endLsn()) {
            checkReaches(end, h.get().endLsn());
        }
    }

    /**
     * Adds the segments LIST shows from {@code next} on, but the last (left for the caller to
     * GET): their counts follow from their names and are verified when they are read.
     */
    private void skipAheadByListing(long next) throws IOException {
        List<Long> names = new ArrayList<>();
        for (ObjectStore.ObjectInfo o : store.listAfter(store.key(WalLayout.SEGMENTS), key(next - 1))) {
            WalLayout.parseSegmentName(store.location().relative(o.key()))
                    .filter(lsn -> lsn >= next)
                    .ifPresent(names::add);
        }
        if (names.size() < 2 || names.get(0) != next) {
            return; // nothing to skip, or not a chain from here: probe one by one
        }
        synchronized (this) {
            if (endLsn != next) {
                return;
            }
            for (int i = 0; i + 1 < names.size(); i++) {
                long first = names.get(i);
                segments.put(first, new Segment(first, key(first), names.get(i + 1) - first, Long.MIN_VALUE, null));
            }
            endLsn = names.get(names.size() - 1);
        }
    }

    @Override
    public CloseableIterator<LogRecord> replay(long fromLsn) throws IOException {
        checkOpen();
        if (!writer) {
            refreshTail();
        }
        return new Replay(fromLsn);
    }

    @Override
    public Optional<RecordHandle> first() throws IOException {
        checkOpen();
        if (!writer) {
            refreshTail();
        }
        synchronized (this) {
            return endLsn > lowLsn ? Optional.of(RecordHandle.of(lowLsn)) : Optional.empty();
        }
    }

    @Override
    public Optional<RecordHandle> last() throws IOException {
        checkOpen();
        if (!writer) {
            refreshTail();
        }
        synchronized (this) {
            return endLsn > lowLsn ? Optional.of(RecordHandle.of(endLsn - 1)) : Optional.empty();
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
            List<Segment> victims = new ArrayList<>();
            synchronized (this) {
                newLow = endLsn;
                Long lastKey = segments.isEmpty() ? null : segments.lastKey();
                for (Segment s : segments.values()) {
                    if (s.end() <= lsn && s.first() != lastKey) { // the newest segment stays, like an open file
                        victims.add(s);
                    } else {
                        newLow = s.first();
                        break;
                    }
                }
                if (newLow <= lowLsn) {
                    return;
                }
                hinted = segments.get(newLow) == null || !segments.get(newLow).counted();
            }
            if (hinted && newLow < persistedEnd() && !objects.startsAt(newLow)) {
                // Nothing is deleted on the word of a listing: the new low must name a batch object.
                throw new CorruptDataException(
                        store.describe(key(newLow)),
                        -1,
                        "batch object missing: truncation" + " would move the log's start to LSN " + newLow
                                + ", where no batch object starts");
            }
            long low = newLow;
            lease.update(h -> h.lowLsn() < low ? h.withLow(low) : h, "truncation");
            synchronized (this) {
                segments.headMap(newLow).clear();
                lowLsn = newLow;
            }
            for (Segment s : victims) {
                store.delete(s.key()); // a failure leaves garbage that the next writer removes
            }
        } finally {
            truncation.unlock();
        }
    }

    @Override
    public void truncateBeforeTime(long thresholdMillis) throws IOException {
        checkOpen();
        List<Segment> all;
        synchronized (this) {
            all = new ArrayList<>(segments.values());
        }
        long keepFrom = -1;
        // Never the last segment: it holds the newest records, like the segment being written elsewhere.
        for (int i = 0; i + 1 < all.size(); i++) {
            Segment s = all.get(i);
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

    private long newest(Segment s) throws IOException {
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
        Segment loaded = load(s);
        return loaded == null ? Long.MIN_VALUE : loaded.newest();
    }

    // ------------------------------------------------------------------ closing

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        try {
            if (writer && failure == null && pendingBytes > 0) {
                flushPending(); // records appended at durability none are kept by a clean close
            }
        } finally {
            closed = true;
            synchronized (this) {
                if (readAhead != null) {
                    readAhead.shutdownNow();
                }
            }
            if (writer) {
                lease.release(failure == null ? persistedEnd() : 0);
            }
            store.close();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the write-ahead log " + store.location() + " is closed");
        }
    }

    // ------------------------------------------------------------------ helpers

    /** The threads that fetch segments ahead of a replay; created on first use. */
    private synchronized ExecutorService readAhead() {
        if (readAhead == null) {
            AtomicInteger n = new AtomicInteger();
            readAhead = Executors.newFixedThreadPool(READ_AHEAD, r -> {
                Thread t = new Thread(r, "lifeboat-s3-wal-read-ahead-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        }
        return readAhead;
    }

    private String key(long firstLsn) {
        return store.key(WalLayout.segmentName(firstLsn));
    }

    /** Streams records segment by segment, one GET (ranged for the first) per segment. */
    private final class Replay implements CloseableIterator<LogRecord> {
        private final ArrayDeque<LogRecord> ready = new ArrayDeque<>();
        private final Map<Long, CompletableFuture<Optional<ObjectStore.Blob>>> prefetched = new HashMap<>();
        private long from;
        private long next; // the LSN the next segment must start at
        private boolean done;
        private boolean iteratorClosed;

        Replay(long fromLsn) {
            synchronized (S3LogStorage.this) {
                from = Math.max(fromLsn, lowLsn);
                Long floor = segments.floorKey(from);
                next = floor != null
                        ? floor
                        : lowLsn; // no floor (a listing with gaps): the chain starts at the low LSN
            }
        }

        @Override
        public boolean hasNext() {
            if (iteratorClosed) {
                return false;
            }
            try {
                while (ready.isEmpty() && !done) {
                    loadNext();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return !ready.isEmpty();
        }

        @Override
        public LogRecord next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return ready.poll();
        }

        private void loadNext() throws IOException {
            Segment seg;
            boolean last;
            synchronized (S3LogStorage.this) {
                if (next >= endLsn) {
                    done = true;
                    return;
                }
                if (next < lowLsn) { // truncated while replaying
                    next = lowLsn;
                    return;
                }
                seg = segments.get(next);
                last = seg != null && segments.higherKey(seg.first()) == null;
            }
            if (seg == null) { // not listed: look it up by name (or learn it is lost)
                probe(next, "the end of the segment before it");
                return;
            }
            long startLsn = Math.max(from, seg.first());
            int k = (int) (startLsn - seg.first());
            byte[] bytes;
            long base;
            if (seg.offsets() != null && k > 0 && k < seg.offsets().length - 1) {
                base = seg.offsets()[k];
                Optional<byte[]> range = store.getRange(
                        store.location().bucket(), seg.key(), base, seg.offsets()[seg.offsets().length - 1] - base);
                if (range.isEmpty()) {
                    missing(seg);
                    skipTruncated();
                    return;
                }
                bytes = range.get();
            } else {
                Optional<ObjectStore.Blob> blob = fetch(seg);
                prefetchAfter(seg.first());
                if (blob.isEmpty()) {
                    missing(seg);
                    skipTruncated();
                    return;
                }
                // The whole object: check it against its writer's count and settle the index.
                long filterFrom = from;
                List<LogRecord> records = new ArrayList<>();
                WalObjects.Scan scan = objects.scan(seg.key(), blob.get().bytes(), seg.first(), last, rec -> {
                    if (rec.handle().lsn() >= filterFrom) {
                        records.add(rec);
                    }
                });
                objects.checkWritten(seg.key(), blob.get().metadata(), seg.first(), scan.result());
                settle(seg, scan, false);
                ready.addAll(records);
                advance(scan.result());
                return;
            }
            long filterFrom = from;
            List<LogRecord> records = new ArrayList<>();
            SegmentScanner.Result r = new SegmentScanner(
                            new WalObjects.OffsetSource(seg.key(), bytes, base),
                            startLsn,
                            last,
                            settings.maxRecordBytes())
                    .scan(base, startLsn, rec -> {
                        if (rec.handle().lsn() >= filterFrom) {
                            records.add(rec);
                        }
                    });
            if (r.nextLsn() != seg.end()) { // a count known from writing or scanning
                throw new CorruptDataException(
                        seg.key(),
                        r.validBytes(),
                        "the segment ends at LSN " + r.nextLsn() + " but the next segment starts at LSN " + seg.end()
                                + " (records missing)");
            }
            ready.addAll(records);
            advance(r);
        }

        private void advance(SegmentScanner.Result r) {
            next = r.nextLsn();
            if (r.tornTail().isPresent() || r.records() == 0) {
                done = true;
            }
        }

        /** The segment's bytes: fetched ahead if a GET was started for it, else now. */
        private Optional<ObjectStore.Blob> fetch(Segment seg) throws IOException {
            CompletableFuture<Optional<ObjectStore.Blob>> ahead = prefetched.remove(seg.first());
            if (ahead == null) {
                return store.get(seg.key());
            }
            try {
                return ahead.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while reading " + seg.key());
            } catch (ExecutionException e) {
                Throwable cause = e.getCause() instanceof UncheckedIOException u ? u.getCause() : e.getCause();
                if (cause instanceof IOException io) {
                    throw new IOException(io.getMessage(), io);
                }
                throw new IOException("reading " + seg.key() + " failed: " + cause, cause);
            }
        }

        /** Starts GETs of the next few segments, so a long replay waits for one round trip at a time at most. */
        private void prefetchAfter(long first) {
            List<Segment> following = new ArrayList<>(READ_AHEAD);
            synchronized (S3LogStorage.this) {
                for (Segment s : segments.tailMap(first, false).values()) {
                    if (following.size() == READ_AHEAD) {
                        break;
                    }
                    following.add(s);
                }
            }
            for (Segment s : following) {
                prefetched.computeIfAbsent(
                        s.first(),
                        k -> CompletableFuture.supplyAsync(
                                () -> {
                                    try {
                                        return store.get(s.key());
                                    } catch (IOException e) {
                                        throw new UncheckedIOException(e);
                                    }
                                },
                                readAhead()));
            }
        }

        /** After a segment turned out to be truncated: continue at the low LSN. */
        private void skipTruncated() {
            synchronized (S3LogStorage.this) {
                next = Math.max(next + 1, lowLsn);
                from = Math.max(from, lowLsn);
            }
        }

        @Override
        public void close() {
            iteratorClosed = true;
            ready.clear();
            prefetched.values().forEach(f -> f.cancel(false));
            prefetched.clear();
        }
    }
}
