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
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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
 * <p><b>Recovery</b> reads the head (the low LSN after truncation), takes LIST as a hint of the
 * segments, and verifies the tail with GETs: the last listed segment is scanned and its
 * successors are probed by name until one is missing, so a LIST that lags behind does not hide
 * records. A torn tail (only fault injection makes one: PUTs are atomic) is cut by rewriting the
 * object with its complete records.
 *
 * <p><b>Reads</b> are ranged GETs of exactly the frames wanted where the segment's frame offsets
 * are known (segments this process wrote or scanned), else a GET of the segment.
 */
public final class S3LogStorage implements LogStorage {
    private static final int MAX_ROUNDS = 64;
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

    // The writer's lease: the head as this writer last wrote it, renewed by a heartbeat.
    private final Object headLock = new Object();
    private WalLayout.Head head; // guarded by headLock
    private String headEtag; // guarded by headLock
    private final Duration leaseDuration;
    private final Duration renewInterval;
    private ScheduledExecutorService heartbeat;
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
     * @param count its records, or -1 if not known yet (the last segment's count is always known)
     * @param newest the newest record timestamp, or {@code Long.MIN_VALUE} if not known yet
     * @param offsets frame offsets ({@code count + 1} entries, the last is the size), or null if not known
     */
    private record Segment(long first, String key, long count, long newest, int[] offsets) {
        long end() {
            return first + count;
        }
    }

    private S3LogStorage(ObjectStore store, WalSettings settings, boolean writer, Duration leaseDuration,
            Duration renewInterval) {
        this.store = requireNonNull(store, "store is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.writer = writer;
        this.leaseDuration = requireNonNull(leaseDuration, "leaseDuration is null");
        this.renewInterval = requireNonNull(renewInterval, "renewInterval is null");
    }

    /**
     * Opens the log's one writer: takes the writer lease (waiting up to {@code leaseDuration} for
     * the lease of a writer that stopped renewing it), recovers (cutting a torn tail) and fences
     * the previous writer with a claim marker.
     *
     * @throws ConcurrentWriterException if another writer holds the log and keeps renewing its lease
     */
    public static S3LogStorage openWriter(ObjectStore store, WalSettings settings, Duration leaseDuration,
            Duration renewInterval) throws IOException {
        S3LogStorage s = new S3LogStorage(store, settings, true, leaseDuration, renewInterval);
        s.acquireHead();
        try {
            s.discover();
            s.claim();
        } catch (IOException | RuntimeException | Error e) {
            s.releaseHead();
            throw e;
        }
        s.startHeartbeat();
        return s;
    }

    /** Opens a read-only view; changes nothing in storage. */
    public static S3LogStorage openReader(ObjectStore store, WalSettings settings) throws IOException {
        S3LogStorage s = new S3LogStorage(store, settings, false, Duration.ZERO, Duration.ZERO);
        String key = store.key(WalLayout.HEAD);
        ObjectStore.Blob head = store.get(key).orElseThrow(() -> new NoSuchFileException(
                store.location().toString(), null, "no write-ahead log here (" + store.describe(key) + " is missing)"));
        WalLayout.Head h = WalLayout.Head.decode(head.bytes(), store.describe(key));
        s.epoch = h.epoch();
        s.lowLsn = h.lowLsn(); // a reader holds no lease: its head stays null
        s.discover();
        return s;
    }

    // ------------------------------------------------------------------ opening

    /**
     * Takes the writer lease in the head: at once if the log is new or its last writer closed it;
     * after {@code leaseDuration} without a renewal if that writer died; never while it renews.
     * Clock assumption: only this process' monotonic clock is used, so clock rates must agree
     * (within the margin between renew interval and lease duration), not wall clocks.
     */
    private void acquireHead() throws IOException, InterruptedIOException {
        String key = store.key(WalLayout.HEAD);
        String observedEtag = null;
        long observedAt = 0;
        for (int round = 0; round < 100_000; round++) {
            Optional<ObjectStore.Blob> blob = store.get(key);
            WalLayout.Head next;
            if (blob.isPresent()) {
                WalLayout.Head current = WalLayout.Head.decode(blob.get().bytes(), store.describe(key));
                if (current.writerId().equals(writerId)) { // our own write whose answer was lost
                    adoptHead(current, blob.get().etag());
                    return;
                }
                if (current.open()) {
                    String etag = blob.get().etag();
                    if (observedEtag == null) {
                        observedEtag = etag;
                        observedAt = System.nanoTime();
                    } else if (!observedEtag.equals(etag)) {
                        throw new ConcurrentWriterException("the write-ahead log " + store.location()
                                + " has a live writer (epoch " + current.epoch() + " renewed its lease while this"
                                + " writer waited for it to expire)");
                    }
                    long left = leaseDuration.toNanos() - (System.nanoTime() - observedAt);
                    if (left > 0) {
                        sleep(Math.min(left, Math.max(1, renewInterval.toNanos() / 2)));
                        continue;
                    }
                    // The lease ran out: its writer died or is cut off; fence it with a new epoch.
                }
                next = new WalLayout.Head(current.epoch() + 1, writerId, current.lowLsn(), 0, true);
            } else {
                next = new WalLayout.Head(1, writerId, 0, 0, true);
            }
            try {
                Optional<String> etag = blob.isPresent()
                        ? store.putIfMatch(key, next.encode(), blob.get().etag(), Map.of())
                        : store.putIfAbsent(key, next.encode(), Map.of());
                if (etag.isPresent()) {
                    adoptHead(next, etag.get());
                    return;
                }
            } catch (OutcomeUnknownException e) {
                // read back in the next round
            }
        }
        throw new ConcurrentWriterException("could not open the write-ahead log " + store.location()
                + ": its head kept changing (writers opening at the same time)");
    }

    private static void sleep(long nanos) throws InterruptedIOException {
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the lease of a write-ahead log writer");
        }
    }

    private void adoptHead(WalLayout.Head h, String etag) {
        synchronized (headLock) {
            head = h;
            headEtag = etag;
        }
        epoch = h.epoch();
        lowLsn = h.lowLsn();
    }

    private void startHeartbeat() {
        heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lifeboat-s3-wal-lease-" + store.location());
            t.setDaemon(true);
            return t;
        });
        heartbeat.scheduleWithFixedDelay(this::renewLease, renewInterval.toNanos(), renewInterval.toNanos(),
                TimeUnit.NANOSECONDS);
    }

    /** Renews the writer lease; finding another writer's head means this one was fenced. */
    private void renewLease() {
        try {
            synchronized (headLock) {
                if (closed || failure != null) {
                    return;
                }
                updateHead(head.renewed(), "renewal of the writer lease");
            }
        } catch (FencedException e) {
            failure = e;
        } catch (IOException | RuntimeException e) {
            // try again at the next renewal; the lease lasts several intervals
        }
    }

    /** Writes {@code next} over the head this writer holds (under {@code headLock}). */
    private void updateHead(WalLayout.Head next, String what) throws IOException {
        String key = store.key(WalLayout.HEAD);
        for (int round = 0; round < MAX_ROUNDS; round++) {
            try {
                Optional<String> etag = store.putIfMatch(key, next.encode(), headEtag, Map.of());
                if (etag.isPresent()) {
                    head = next;
                    headEtag = etag.get();
                    return;
                }
            } catch (OutcomeUnknownException e) {
                // read back
            }
            Optional<ObjectStore.Blob> blob = store.get(key);
            if (blob.isEmpty()) {
                throw new NoSuchFileException(store.describe(key), null, "the write-ahead log's head vanished");
            }
            WalLayout.Head current = WalLayout.Head.decode(blob.get().bytes(), store.describe(key));
            if (!current.writerId().equals(writerId) || current.epoch() != epoch) {
                throw new FencedException(what + " of the write-ahead log " + store.location(), epoch,
                        current.epoch());
            }
            head = current;
            headEtag = blob.get().etag();
            if (current.equals(next)) {
                return; // our own update, whose answer was lost
            }
        }
        throw new IOException("could not update the head of the write-ahead log " + store.location());
    }

    /** Marks the log closed so the next writer need not wait for the lease; best effort. */
    private void releaseHead() {
        synchronized (headLock) {
            if (head == null || !head.open()) {
                return;
            }
            try {
                Optional<String> etag = store.putIfMatch(store.key(WalLayout.HEAD), head.released().encode(), headEtag,
                        Map.of());
                if (etag.isPresent()) {
                    head = head.released();
                    headEtag = etag.get();
                }
            } catch (IOException | RuntimeException e) {
                // the next writer waits for the lease to run out instead
            }
        }
    }

    /** Finds the segments: LIST as a hint, then the tail verified and extended with GETs. */
    private void discover() throws IOException {
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
        if (writer) {
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
                if (listed.containsKey(cursor) && previous != null && previous.getValue().end() == cursor) {
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
            Scan scan = scan(key, blob.get().bytes(), cursor, 0, true);
            if (scan.result.tornTail().isPresent()) {
                torn = scan.result.tornTail();
                if (writer) {
                    cutTornTail(key, blob.get(), scan.result.validBytes());
                }
                if (scan.result.records() > 0) {
                    segments.put(cursor, scan.segment(cursor, key));
                }
                cursor = scan.result.nextLsn();
                break;
            }
            if (scan.result.records() == 0) {
                break; // an empty object ends the log, like a claim
            }
            segments.put(cursor, scan.segment(cursor, key));
            cursor = scan.result.nextLsn();
        }
        endLsn = Math.max(cursor, lowLsn);
        recovery = new RecoveryReport(endLsn, torn);
    }

    private void cutTornTail(String key, ObjectStore.Blob blob, long validBytes) throws IOException {
        if (validBytes == 0) {
            store.delete(key);
            return;
        }
        byte[] valid = Arrays.copyOf(blob.bytes(), (int) validBytes);
        if (store.putIfMatch(key, valid, blob.etag(), Map.of()).isEmpty()) {
            throw new ConcurrentWriterException("segment " + store.describe(key)
                    + " changed while its torn tail was being cut: another writer is active");
        }
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
                    throw new ConcurrentWriterException("another writer (epoch " + other.get().epoch()
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
            Scan scan = scan(key, blob.get().bytes(), at, 0, true);
            synchronized (this) {
                if (scan.result.records() > 0) {
                    segments.put(at, scan.segment(at, key));
                }
                endLsn = scan.result.nextLsn();
            }
            if (scan.result.records() == 0 || scan.result.tornTail().isPresent()) {
                throw new CorruptDataException(store.describe(key), scan.result.validBytes(),
                        "a segment written during recovery is damaged");
            }
            recovery = new RecoveryReport(scan.result.nextLsn(), recovery.tornTail());
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
            throw new IllegalStateException("write at LSN " + firstLsn + " but the buffer ends at "
                    + (pendingFirst + pendingOffsets.size()));
        }
        long lsn = firstLsn;
        for (ByteBuffer frame : frames) {
            int n = frame.remaining();
            if (pendingBytes > 0 && ((long) pendingBytes + n > settings.segmentBytes()
                    || (long) pendingBytes + n > Integer.MAX_VALUE - 64)) {
                flushPending(); // roll between frames, never inside one
            }
            if (pendingFirst < 0) {
                pendingFirst = lsn;
            }
            lsn++;
            if (pendingBytes + n > pending.length) {
                pending = Arrays.copyOf(pending, (int) Math.min(Integer.MAX_VALUE - 64,
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
            FencedException again = new FencedException("append to the write-ahead log " + store.location()
                    + " after it was fenced", f.writerEpoch(), f.currentEpoch());
            again.initCause(f);
            throw again;
        }
        if (failed != null) {
            throw new IOException("the write-ahead log " + store.location() + " failed earlier: "
                    + failed.getMessage(), failed);
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
        Map<String, String> meta = Map.of(META_RECORDS, String.valueOf(count), META_NEWEST,
                String.valueOf(pendingNewest));
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
                if (back.isEmpty() || WalLayout.Claim.decode(back.get().bytes())
                        .filter(c -> c.writerId().equals(writerId)).isPresent()) {
                    throw e; // not there (yet): the records' fate is unknown until the log is reopened
                }
                etag = ownOrFenced(key, bytes, back.get());
            }
            if (etag.isEmpty()) {
                Optional<ObjectStore.Blob> back = store.get(key);
                if (back.isEmpty()) {
                    throw new OutcomeUnknownException("PUT of segment " + store.describe(key)
                            + " was refused but the object is missing", null);
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
        long current = WalLayout.Claim.decode(stored.bytes()).map(WalLayout.Claim::epoch).orElse(-1L);
        if (current < 0) {
            try {
                Optional<ObjectStore.Blob> head = store.get(store.key(WalLayout.HEAD));
                if (head.isPresent()) {
                    current = WalLayout.Head.decode(head.get().bytes(), WalLayout.HEAD).epoch();
                }
            } catch (IOException e) {
                current = -1;
            }
        }
        throw new FencedException("append to the write-ahead log " + store.location() + " at "
                + store.describe(key) + " (another writer opened the log)", epoch, current);
    }

    // ------------------------------------------------------------------ reading

    @Override
    public Optional<LogRecord> read(long lsn) throws IOException {
        checkOpen();
        Segment seg = segmentFor(lsn);
        if (seg == null && !writer) {
            refreshTail();
            seg = segmentFor(lsn);
        }
        if (seg == null) {
            return Optional.empty();
        }
        if (seg.offsets() == null) {
            seg = load(seg);
            if (seg == null) {
                return Optional.empty();
            }
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
        SegmentSource source = new OffsetSource(seg.key(), bytes.get(), from);
        SegmentScanner.Result r = new SegmentScanner(source, lsn, false, settings.maxRecordBytes())
                .scan(from, lsn, out::add);
        if (r.records() != 1 || out.isEmpty()) {
            throw new CorruptDataException(seg.key(), from, "expected record LSN " + lsn + " here");
        }
        return Optional.of(out.get(0));
    }

    private synchronized Segment segmentFor(long lsn) {
        if (lsn < lowLsn || lsn >= endLsn) {
            return null;
        }
        Map.Entry<Long, Segment> e = segments.floorEntry(lsn);
        if (e == null || lsn >= e.getValue().end()) {
            return null;
        }
        return e.getValue();
    }

    /** GETs a whole segment and records its frame offsets; null if it was truncated meanwhile. */
    private Segment load(Segment seg) throws IOException {
        Optional<ObjectStore.Blob> blob = store.get(seg.key());
        if (blob.isEmpty()) {
            missing(seg);
            return null;
        }
        Scan scan = scan(seg.key(), blob.get().bytes(), seg.first(), 0, isLast(seg));
        checkCount(seg, scan);
        Segment loaded = scan.segment(seg.first(), seg.key());
        synchronized (this) {
            segments.replace(seg.first(), loaded);
        }
        return loaded;
    }

    private synchronized boolean isLast(Segment seg) {
        return segments.higherKey(seg.first()) == null;
    }

    private void checkCount(Segment seg, Scan scan) throws CorruptDataException {
        if (seg.count() >= 0 && scan.result.records() != seg.count()) {
            throw new CorruptDataException(seg.key(), scan.result.validBytes(), "the segment holds "
                    + scan.result.records() + " records but the next segment starts at LSN " + seg.end()
                    + " (" + (seg.count() - scan.result.records()) + " records missing)");
        }
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
        throw new CorruptDataException(seg.key(), -1, "segment object is missing: records from LSN " + seg.first()
                + " are lost");
    }

    private long currentLowLsn() throws IOException {
        if (writer) {
            synchronized (this) {
                return lowLsn;
            }
        }
        String key = store.key(WalLayout.HEAD);
        Optional<ObjectStore.Blob> head = store.get(key);
        if (head.isEmpty()) {
            return Long.MAX_VALUE; // the whole log was removed
        }
        return WalLayout.Head.decode(head.get().bytes(), store.describe(key)).lowLsn();
    }

    /**
     * A reader's view of the end of the log: a GET of the segment after the known end; if the log
     * grew, a LIST of what follows (a hint: the segments' names give their record counts) and GETs
     * that verify the last one and probe past it, so a lagging LIST hides nothing.
     */
    private void refreshTail() throws IOException {
        long low = currentLowLsn();
        synchronized (this) {
            lowLsn = Math.max(lowLsn, low);
            segments.headMap(lowLsn).clear();
            if (endLsn < lowLsn) {
                endLsn = lowLsn;
            }
        }
        boolean listed = false;
        for (int i = 0; i < 1_000_000; i++) {
            long at;
            synchronized (this) {
                at = endLsn;
            }
            String key = key(at);
            Optional<ObjectStore.Blob> blob = store.get(key);
            if (blob.isEmpty() || WalLayout.Claim.decode(blob.get().bytes()).isPresent()) {
                return;
            }
            Scan scan = scan(key, blob.get().bytes(), at, 0, true);
            if (scan.result.records() == 0) {
                return;
            }
            synchronized (this) {
                segments.put(at, scan.segment(at, key));
                endLsn = scan.result.nextLsn();
            }
            if (scan.result.tornTail().isPresent()) {
                return;
            }
            if (!listed) {
                listed = true;
                skipAheadByListing(scan.result.nextLsn());
            }
        }
    }

    /**
     * Adds the segments LIST shows from {@code next} on, but the last (left for the caller to
     * GET): their counts follow from their names and are verified when they are read.
     */
    private void skipAheadByListing(long next) throws IOException {
        List<Long> names = new ArrayList<>();
        for (ObjectStore.ObjectInfo o : store.listAfter(store.key(WalLayout.SEGMENTS), key(next - 1))) {
            WalLayout.parseSegmentName(store.location().relative(o.key())).filter(lsn -> lsn >= next)
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
            }
            moveLow(newLow);
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

    private void moveLow(long newLow) throws IOException {
        synchronized (headLock) {
            if (head.lowLsn() < newLow) {
                updateHead(head.withLow(newLow), "truncation");
            }
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
            if (heartbeat != null) {
                heartbeat.shutdownNow();
            }
            synchronized (this) {
                if (readAhead != null) {
                    readAhead.shutdownNow();
                }
            }
            if (writer) {
                releaseHead();
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

    private Scan scan(String key, byte[] bytes, long firstLsn, long startOffset, boolean last) throws IOException {
        SegmentSource source = SegmentSource.of(key, ByteBuffer.wrap(bytes));
        List<Integer> offsets = new ArrayList<>();
        long[] newest = {Long.MIN_VALUE};
        long[] position = {startOffset};
        SegmentScanner.Result result = new SegmentScanner(source, firstLsn, last, settings.maxRecordBytes(),
                last && settings.cutCorruptLastRecord()).scan(startOffset, firstLsn, rec -> {
                    offsets.add((int) position[0]);
                    position[0] += RecordFrame.HEADER_BYTES + rec.payload().remaining();
                    newest[0] = Math.max(newest[0], rec.timestampMillis());
                });
        return new Scan(result, offsets, newest[0]);
    }

    /** What a scan of a whole segment found. */
    private record Scan(SegmentScanner.Result result, List<Integer> offsets, long newest) {
        Segment segment(long first, String key) {
            int[] o = new int[offsets.size() + 1];
            for (int i = 0; i < offsets.size(); i++) {
                o[i] = offsets.get(i);
            }
            o[offsets.size()] = (int) result.validBytes();
            return new Segment(first, key, result.records(), newest, o);
        }
    }

    /** Bytes of a ranged GET, addressed by their offsets in the whole object. */
    private static final class OffsetSource implements SegmentSource {
        private final String name;
        private final byte[] bytes;
        private final long base;

        OffsetSource(String name, byte[] bytes, long base) {
            this.name = name;
            this.bytes = bytes;
            this.base = base;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public long size() {
            return base + bytes.length;
        }

        @Override
        public void read(long position, ByteBuffer dst) {
            long at = position - base;
            if (at < 0 || at >= bytes.length) {
                return;
            }
            int n = (int) Math.min(dst.remaining(), bytes.length - at);
            dst.put(bytes, (int) at, n);
        }
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
                next = floor != null ? floor : from; // no floor: loadNext reports the missing records
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
                seg = segments.get(next);
                if (seg == null) {
                    Map.Entry<Long, Segment> after = segments.ceilingEntry(next);
                    String where = after != null ? after.getValue().key() : key(next);
                    if (next < lowLsn) { // truncated while replaying
                        next = lowLsn;
                        return;
                    }
                    throw new CorruptDataException(where, 0, "records from LSN " + next + " to "
                            + (after != null ? after.getKey() - 1 : endLsn - 1) + " are missing (no segment "
                            + key(next) + ")");
                }
                last = segments.higherKey(seg.first()) == null;
            }
            long startLsn = Math.max(from, seg.first());
            int k = (int) (startLsn - seg.first());
            byte[] bytes;
            long base;
            if (seg.offsets() != null && k > 0 && k < seg.offsets().length - 1) {
                base = seg.offsets()[k];
                Optional<byte[]> range = store.getRange(store.location().bucket(), seg.key(), base,
                        seg.offsets()[seg.offsets().length - 1] - base);
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
                bytes = blob.get().bytes();
                base = 0;
                startLsn = seg.first();
            }
            long filterFrom = from;
            SegmentScanner.Result r = new SegmentScanner(new OffsetSource(seg.key(), bytes, base), startLsn,
                    last, settings.maxRecordBytes()).scan(base, startLsn, rec -> {
                        if (rec.handle().lsn() >= filterFrom) {
                            ready.add(rec);
                        }
                    });
            if (seg.count() >= 0 && r.nextLsn() != seg.end()) {
                throw new CorruptDataException(seg.key(), r.validBytes(), "the segment ends at LSN " + r.nextLsn()
                        + " but the next segment starts at LSN " + seg.end() + " (records missing)");
            }
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
                prefetched.computeIfAbsent(s.first(), k -> CompletableFuture.supplyAsync(() -> {
                    try {
                        return store.get(s.key());
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }, readAhead()));
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
