package dev.lifeboat.backend.chronicle.internal;

import dev.lifeboat.backend.common.wal.RecordFrame;
import dev.lifeboat.backend.common.wal.SegmentScanner;
import dev.lifeboat.spi.CorruptDataException;
import dev.lifeboat.spi.wal.LogRecord;
import dev.lifeboat.spi.wal.RecordHandle;
import dev.lifeboat.spi.wal.RecoveryReport.TornTail;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32C;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.TailerDirection;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * The records of a queue: the mapping between LSNs and Chronicle indexes, excerpts read by index,
 * and the verification that turns an excerpt into a record, a torn tail, or
 * {@link CorruptDataException}.
 *
 * <p><b>LSN and index.</b> Chronicle numbers the excerpts of a cycle 0, 1, 2, ... without gaps,
 * and a cycle's first excerpt carries its first LSN in its frame, so the record with LSN {@code n}
 * is excerpt {@code n - first(c)} of the last cycle {@code c} whose first LSN is at most
 * {@code n}: found by a binary search over cycles, with first LSNs cached.
 *
 * <p>Thread-safe: reads by index share one tailer under a lock; replays use tailers of their own
 * and call {@link #readRecord} and {@link #verify(Excerpt, long, CRC32C)} with them.
 */
final class ChronicleRecords {
    private final ChronicleCycles cycles;
    private final RollCycle rollCycle;
    private final long maxRecordBytes;
    private final boolean cutCorruptLastRecord;
    private final ConcurrentSkipListMap<Integer, Long> firstLsns = new ConcurrentSkipListMap<>();
    private final Map<Integer, Long> newestTimestamps = new ConcurrentHashMap<>();
    private final ReentrantLock readLock = new ReentrantLock();
    private ExcerptTailer readTailer;
    private volatile boolean closed;

    ChronicleRecords(ChronicleCycles cycles, long maxRecordBytes, boolean cutCorruptLastRecord) {
        this.cycles = cycles;
        this.rollCycle = cycles.rollCycle();
        this.maxRecordBytes = maxRecordBytes;
        this.cutCorruptLastRecord = cutCorruptLastRecord;
    }

    // ------------------------------------------------------------------ LSN <-> index

    /** The cycle and sequence number of {@code lsn}, if a cycle that could hold it exists. */
    Optional<long[]> locate(long lsn) throws IOException {
        int[] cs = cycles.list();
        int lo = 0;
        int hi = cs.length - 1;
        int best = -1;
        long bestFirst = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int j = mid;
            OptionalLong f = firstLsn(cs[j]);
            while (f.isEmpty() && j < hi) {
                f = firstLsn(cs[++j]);
            }
            if (f.isEmpty()) {
                hi = mid - 1;
            } else if (f.getAsLong() <= lsn) {
                best = j;
                bestFirst = f.getAsLong();
                lo = j + 1;
            } else {
                hi = mid - 1;
            }
        }
        if (best < 0 || lsn - bestFirst >= rollCycle.maxMessagesPerCycle()) {
            return Optional.empty();
        }
        return Optional.of(new long[] {cs[best], lsn - bestFirst});
    }

    /** The oldest record's LSN: the first LSN of the oldest cycle that has a record. */
    Optional<RecordHandle> first() throws IOException {
        for (int c : cycles.list()) {
            OptionalLong f = firstLsn(c);
            if (f.isPresent()) {
                return Optional.of(RecordHandle.of(f.getAsLong()));
            }
        }
        return Optional.empty();
    }

    /**
     * The LSN of the first record of {@code cycle}: empty if it has no excerpt, or only a torn
     * one.
     */
    OptionalLong firstLsn(int cycle) throws IOException {
        Long cached = firstLsns.get(cycle);
        if (cached != null) {
            return OptionalLong.of(cached);
        }
        Optional<Excerpt> first = excerptAt(cycle, 0);
        if (first.isEmpty()) {
            return OptionalLong.empty();
        }
        OptionalLong lsn = firstLsnOf(first.get());
        if (lsn.isEmpty()) {
            if (isTornCandidate(first.get())) {
                return OptionalLong.empty();
            }
            throw new CorruptDataException(
                    first.get().file().toString(),
                    first.get().dataPosition(),
                    "the first record of the cycle has a damaged header and more data follows it");
        }
        // Verify the whole record before trusting its LSN for the mapping.
        Verified v = verify(first.get(), lsn.getAsLong());
        if (v.record().isEmpty()) {
            return OptionalLong.empty();
        }
        firstLsns.put(cycle, lsn.getAsLong());
        return lsn;
    }

    /** The writer appended the first record of {@code cycle}. */
    void firstAppended(int cycle, long lsn) {
        firstLsns.put(cycle, lsn);
    }

    /** {@code cycle}'s file was deleted. */
    void forget(int cycle) {
        firstLsns.remove(cycle);
        newestTimestamps.remove(cycle);
    }

    static OptionalLong firstLsnOf(Excerpt e) {
        RecordFrame.Header h = RecordFrame.decodeHeader(ByteBuffer.wrap(e.data()));
        return h == null ? OptionalLong.empty() : OptionalLong.of(h.lsn());
    }

    /** The last intact LSN of the newest cycle with records before {@code cycle}; -1 if none. */
    long lastLsnBefore(int cycle) throws IOException {
        int[] cs = cycles.list();
        for (int i = cs.length - 1; i >= 0; i--) {
            if (cs[i] < cycle) {
                OptionalLong f = firstLsn(cs[i]);
                if (f.isPresent()) {
                    return lastLsnIn(cs[i], f.getAsLong());
                }
            }
        }
        return -1;
    }

    /** The LSN of the last intact record of {@code cycle}, whose first LSN is {@code first}; -1 if none. */
    long lastLsnIn(int cycle, long first) throws IOException {
        long count = excerptCount(cycle);
        for (long seq = count - 1; seq >= 0; seq--) {
            Optional<Excerpt> e = excerptAt(cycle, seq);
            if (e.isPresent() && verify(e.get(), first + seq).record().isPresent()) {
                return first + seq;
            }
        }
        return -1;
    }

    /** The newest timestamp among the records of a closed cycle (Long.MIN_VALUE if none). */
    long newestTimestamp(int cycle) throws IOException {
        Long cached = newestTimestamps.get(cycle);
        if (cached != null) {
            return cached;
        }
        long newest = Long.MIN_VALUE;
        try (ExcerptTailer t = cycles.queue().createTailer()) {
            if (t.moveToIndex(rollCycle.toIndex(cycle, 0))) {
                while (true) {
                    Optional<Excerpt> e = readNext(t);
                    if (e.isEmpty() || e.get().cycle() != cycle) {
                        break;
                    }
                    RecordFrame.Header h =
                            RecordFrame.decodeHeader(ByteBuffer.wrap(e.get().data()));
                    if (h != null) {
                        newest = Math.max(newest, h.timestampMillis());
                    }
                }
            }
        } catch (RuntimeException e) {
            throw ChronicleCycles.failure("reading timestamps of cycle " + cycle, e);
        }
        newestTimestamps.put(cycle, newest);
        return newest;
    }

    // ------------------------------------------------------------------ excerpts

    private long excerptCount(int cycle) throws IOException {
        readLock.lock();
        try {
            return tailer().excerptsInCycle(cycle);
        } catch (RuntimeException e) {
            throw ChronicleCycles.failure("counting the records of cycle " + cycle, e);
        } finally {
            readLock.unlock();
        }
    }

    Optional<Excerpt> excerptAt(int cycle, long seq) throws IOException {
        checkOpen();
        readLock.lock();
        try {
            ExcerptTailer t = tailer();
            long index = rollCycle.toIndex(cycle, seq);
            if (!t.moveToIndex(index)) {
                return Optional.empty();
            }
            Optional<Excerpt> e = readNext(t);
            return e.filter(x -> x.index() == index);
        } catch (RuntimeException e) {
            throw ChronicleCycles.failure("reading cycle " + cycle + " record " + seq, e);
        } finally {
            readLock.unlock();
        }
    }

    /** The newest excerpt of the queue, if any. */
    Optional<Excerpt> newestExcerpt() throws IOException {
        try (ExcerptTailer t = cycles.queue().createTailer()) {
            t.direction(TailerDirection.BACKWARD).toEnd();
            return readNext(t);
        } catch (RuntimeException e) {
            throw ChronicleCycles.failure("finding the newest record of " + cycles.directory(), e);
        }
    }

    /** Under readLock. */
    private ExcerptTailer tailer() {
        if (readTailer == null) {
            readTailer = cycles.queue().createTailer();
            readTailer.singleThreadedCheckDisabled(true);
        }
        return readTailer;
    }

    /** What {@link #readRecord} found: an intact record, or an excerpt to verify in full. */
    static final class Step {
        /** The intact record read; null when {@link #excerpt} is set or at the end. */
        LogRecord record;
        /** An excerpt that is not the intact frame expected, copied out for {@link #verify}. */
        Excerpt excerpt;
    }

    /** Bytes copied from the mapping before they are checksummed, while still in cache. */
    private static final int COPY_CHUNK = 16 << 10;

    /**
     * Reads the next excerpt of {@code t} as record {@code lsn} in one pass: the header is checked
     * in place, and the payload is checksummed while it is copied out of the mapped file into the
     * record's own array, which the record wraps (no copy of the whole excerpt, no excerpt
     * object). An excerpt that is not exactly the intact frame of {@code lsn} is copied out whole
     * into {@code out.excerpt}, for {@link #verify} to tell a torn tail from damage.
     *
     * @param header 32 bytes to reuse for the header, big-endian, heap
     * @return false at the end of the queue
     */
    boolean readRecord(ExcerptTailer t, long lsn, CRC32C crc, ByteBuffer header, Step out) {
        out.record = null;
        out.excerpt = null;
        try (DocumentContext dc = t.readingDocument()) {
            if (!dc.isPresent()) {
                return false;
            }
            Bytes<?> bytes = dc.wire().bytes();
            long position = bytes.readPosition();
            long remaining = bytes.readRemaining();
            if (remaining >= RecordFrame.HEADER_BYTES) {
                bytes.read(position, header.array(), header.arrayOffset(), RecordFrame.HEADER_BYTES);
                RecordFrame.Header h = RecordFrame.decodeHeaderAt(header, 0, crc);
                if (h != null && h.lsn() == lsn && h.length() <= maxRecordBytes && h.frameBytes() == remaining) {
                    int length = h.length();
                    byte[] payload = new byte[length];
                    long from = position + RecordFrame.HEADER_BYTES;
                    crc.reset();
                    for (int off = 0; off < length; ) {
                        int n = Math.min(COPY_CHUNK, length - off);
                        bytes.read(from + off, payload, off, n);
                        crc.update(payload, off, n);
                        off += n;
                    }
                    if ((int) crc.getValue() == h.payloadCrc()) {
                        out.record = new LogRecord(RecordHandle.of(lsn), h.timestampMillis(), ByteBuffer.wrap(payload));
                        return true;
                    }
                }
            }
            out.excerpt = copyOut(t, dc, bytes);
            return true;
        }
    }

    /** The next data excerpt of {@code t}, copied out. */
    Optional<Excerpt> readNext(ExcerptTailer t) {
        try (DocumentContext dc = t.readingDocument()) {
            if (!dc.isPresent()) {
                return Optional.empty();
            }
            return Optional.of(copyOut(t, dc, dc.wire().bytes()));
        }
    }

    /** The excerpt {@code dc} reads, copied out whole. */
    private Excerpt copyOut(ExcerptTailer t, DocumentContext dc, Bytes<?> bytes) {
        long position = bytes.readPosition();
        int length = (int) bytes.readRemaining();
        byte[] data = new byte[length];
        bytes.read(position, data, 0, length);
        long index = dc.index();
        File file = t.currentFile();
        Path path = file == null ? cycles.file(rollCycle.toCycle(index)) : file.toPath();
        return new Excerpt(rollCycle.toCycle(index), index, path, position, data);
    }

    // ------------------------------------------------------------------ verification

    /** The verified record, or a torn tail; never both. */
    record Verified(Optional<LogRecord> record, Optional<TornTail> torn) {}

    /**
     * Verifies that {@code e} holds exactly the frame of record {@code lsn}.
     *
     * @throws CorruptDataException if it fails and is not a torn tail
     */
    Verified verify(Excerpt e, long lsn) throws IOException {
        return verify(e, lsn, new CRC32C());
    }

    /**
     * {@link #verify(Excerpt, long)} with a checksum to reuse. An intact excerpt is verified in
     * place and its payload handed out as a slice of the excerpt's bytes (copied out of the mapped
     * file once, by {@link #readNext}); only one that fails is scanned again to tell a torn tail
     * from damage.
     */
    Verified verify(Excerpt e, long lsn, CRC32C scratch) throws IOException {
        Optional<LogRecord> intact = intact(e, lsn, scratch);
        if (intact.isPresent()) {
            return new Verified(intact, Optional.empty());
        }
        List<LogRecord> out = new ArrayList<>(1);
        CorruptDataException damage;
        try {
            SegmentScanner.Result r =
                    new SegmentScanner(e.source(), lsn, false, maxRecordBytes).scan(e.dataPosition(), lsn, out::add);
            if (r.records() == 1 && r.validBytes() == e.end()) {
                return new Verified(Optional.of(out.get(0)), Optional.empty());
            }
            damage = new CorruptDataException(
                    e.file().toString(),
                    e.headerPosition(),
                    "Chronicle excerpt " + Long.toHexString(e.index()) + " holds " + e.data().length
                            + " bytes, not one record");
        } catch (CorruptDataException c) {
            damage = c;
        }
        if (isTornCandidate(e)) {
            // The file was zeros before the excerpt was written: trailing zeros of a torn
            // excerpt are bytes that never reached it, so the frame is judged without them.
            Excerpt written = e.withoutTrailingZeros();
            try {
                SegmentScanner.Result r = new SegmentScanner(
                                written.source(), lsn, true, maxRecordBytes, cutCorruptLastRecord)
                        .scan(written.dataPosition(), lsn, null);
                if (r.tornTail().isPresent() || r.records() == 0) {
                    long end = e.end();
                    return new Verified(
                            Optional.empty(),
                            Optional.of(
                                    new TornTail(e.file().toString(), e.headerPosition(), end - e.headerPosition())));
                }
            } catch (CorruptDataException ignored) {
                // Damage that is no torn write: report the first finding.
            }
        }
        throw damage;
    }

    /** The record {@code lsn} if {@code e} holds exactly its intact frame; empty for anything else. */
    private Optional<LogRecord> intact(Excerpt e, long lsn, CRC32C scratch) {
        byte[] data = e.data();
        ByteBuffer frame = ByteBuffer.wrap(data);
        RecordFrame.Header h = RecordFrame.decodeHeaderAt(frame, 0, scratch);
        if (h == null || h.lsn() != lsn || h.length() > maxRecordBytes || h.frameBytes() != data.length) {
            return Optional.empty();
        }
        scratch.reset();
        scratch.update(data, RecordFrame.HEADER_BYTES, h.length());
        if ((int) scratch.getValue() != h.payloadCrc()) {
            return Optional.empty();
        }
        return Optional.of(new LogRecord(
                RecordHandle.of(lsn), h.timestampMillis(), frame.slice(RecordFrame.HEADER_BYTES, h.length())));
    }

    /** Whether {@code e} is the last excerpt of its cycle with nothing but zeros after it. */
    boolean isTornCandidate(Excerpt e) throws IOException {
        long seq = rollCycle.toSequenceNumber(e.index());
        if (excerptAt(e.cycle(), seq + 1).isPresent()) {
            return false;
        }
        return ChronicleCycles.afterExcerpt(e.file(), e.nextHeaderPosition()) < 0;
    }

    // ------------------------------------------------------------------ lifecycle

    boolean isClosed() {
        return closed;
    }

    void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the write-ahead log is closed");
        }
    }

    /** Marks the records closed; later reads throw {@link IllegalStateException}. */
    void markClosed() {
        closed = true;
    }

    /** Closes the shared tailer (the queue's close releases it in any case). */
    void closeTailer() {
        if (readTailer != null) {
            readTailer.close();
        }
    }
}
