package dev.lifeboat.backend.local.internal;

import dev.lifeboat.backend.common.wal.RecordFrame;
import dev.lifeboat.backend.common.wal.SegmentScanner;
import dev.lifeboat.spi.CorruptDataException;
import dev.lifeboat.spi.wal.LogRecord;
import dev.lifeboat.spi.wal.RecoveryReport.TornTail;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One segment file of a local write-ahead log, {@code <first LSN, 20 digits>.wal}, as seen by the
 * process that opened the log.
 *
 * <p><b>Verified prefix and offset index.</b> The segment knows a prefix of its file whose frames
 * have been verified (by a scan, or because this process's writer wrote them), and keeps a sparse
 * index of frame offsets in that prefix: one entry at least every {@value #INDEX_EVERY_RECORDS}
 * records and every {@value #INDEX_EVERY_BYTES} bytes. Reading a record then costs one positional
 * read of the few frames between two index entries instead of a scan of the segment. The prefix
 * grows lazily: a read beyond it scans onwards from its end (once), and the writer extends it as
 * it appends. A segment is <em>complete</em> when its prefix is known to be all of it.
 *
 * <p><b>Scanning</b> uses {@link SegmentScanner} over {@link LocalSegmentWindow}s, so a segment
 * is never held in memory whole. Inside the verified prefix a window ends at an index entry (a
 * frame boundary) and any damage is corruption. Beyond it, a window ends anywhere: the scanner is
 * told that the window is the end of a last segment, so a frame cut by the window's end shows up
 * as a "torn tail" at its start, which is where the next window begins; only the window that
 * reaches the end of the file classifies a torn tail for real (allowed in the log's last segment
 * only). The result is the same as one scan of the whole file.
 *
 * <p><b>Read channels</b> are opened on first use and shared by every reader of the segment with
 * a use count, so neither truncation ({@link #retire()}) nor closing the log closes a channel under a
 * reader. At most
 * {@code maxOpenChannels} idle channels stay open per log.
 *
 * <p>Thread-safe. The index is guarded by {@code this}; scans beyond the verified prefix are
 * serialised by a separate lock so that readers of the prefix never wait for a scan.
 */
final class LocalSegment {
    static final String SUFFIX = ".wal";
    private static final Pattern FILE_NAME = Pattern.compile("(\\d{20})\\.wal");

    static final int INDEX_EVERY_RECORDS = 16;
    static final int INDEX_EVERY_BYTES = 64 * 1024;
    /** Bytes read per positional read when scanning beyond the verified prefix. */
    static final int SCAN_WINDOW_BYTES = 256 * 1024;

    /** Where a step of reading stopped: a frame boundary, and whether the visible end was reached. */
    record Step(long offset, long lsn, boolean end) {}

    private final Path path;
    private final String name;
    private final long firstLsn;
    private final long maxRecordBytes;
    private final boolean cutCorruptLastRecord;
    private final AtomicInteger openChannels;
    private final int maxOpenChannels;

    // The verified prefix and its index; guarded by this.
    private long[] entryLsns = new long[8];
    private long[] entryOffsets = new long[8];
    private int entries;
    private long endOffset;
    private long endLsn;
    private long newestTimestamp = Long.MIN_VALUE;
    private boolean complete;
    private boolean writerOwned;
    private Optional<TornTail> tornTail = Optional.empty();

    private final ReentrantLock scanLock = new ReentrantLock();

    // The shared read channel; guarded by channelMonitor.
    private final Object channelMonitor = new Object();
    private FileChannel channel;
    private int users;
    private boolean retired;

    /**
     * @param maxRecordBytes frames claiming a longer payload are damage
     * @param cutCorruptLastRecord whether a damaged complete last record of the log is a torn tail
     * @param openChannels the log's count of open read channels
     * @param maxOpenChannels idle read channels are closed while the count exceeds this
     */
    LocalSegment(
            Path path,
            long firstLsn,
            long maxRecordBytes,
            boolean cutCorruptLastRecord,
            AtomicInteger openChannels,
            int maxOpenChannels) {
        this.path = path;
        this.name = path.toString();
        this.firstLsn = firstLsn;
        this.maxRecordBytes = maxRecordBytes;
        this.cutCorruptLastRecord = cutCorruptLastRecord;
        this.openChannels = openChannels;
        this.maxOpenChannels = maxOpenChannels;
        this.entryLsns[0] = firstLsn;
        this.entryOffsets[0] = 0;
        this.entries = 1;
        this.endLsn = firstLsn;
    }

    /** The file name of the segment whose first record has {@code firstLsn}. */
    static String fileName(long firstLsn) {
        return String.format("%020d%s", firstLsn, SUFFIX);
    }

    /** The first LSN a segment file's name gives, or empty if the file is not a segment. */
    static OptionalLong firstLsnOf(Path file) {
        Path fileName = file.getFileName();
        if (fileName == null) {
            return OptionalLong.empty();
        }
        Matcher m = FILE_NAME.matcher(fileName.toString());
        if (!m.matches()) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(m.group(1)));
        } catch (NumberFormatException e) {
            return OptionalLong.empty(); // 20 digits beyond Long.MAX_VALUE: not one of ours
        }
    }

    Path path() {
        return path;
    }

    String name() {
        return name;
    }

    long firstLsn() {
        return firstLsn;
    }

    /** The LSN after the last verified record. */
    synchronized long endLsn() {
        return endLsn;
    }

    /** The end of the verified prefix. */
    synchronized long endOffset() {
        return endOffset;
    }

    /** The newest timestamp among verified records, {@link Long#MIN_VALUE} if none. */
    synchronized long newestTimestamp() {
        return newestTimestamp;
    }

    /** Whether the verified prefix is the whole segment (sealed and verified to its end). */
    synchronized boolean isComplete() {
        return complete;
    }

    /** The torn tail the last scan to the end of the file found, if that scan found one. */
    synchronized Optional<TornTail> tornTail() {
        return tornTail;
    }

    /**
     * This process's writer appends to the segment from now on and extends the index itself: the
     * verified prefix is then exactly what the writer has written, and nothing is scanned.
     */
    synchronized void markWriterOwned() {
        writerOwned = true;
        tornTail = Optional.empty();
    }

    /** The writer moved on: the verified prefix is the whole segment. */
    synchronized void seal() {
        writerOwned = false;
        complete = true;
    }

    /**
     * Adds frames the writer has just written (to the OS) at {@code offset} to the verified
     * prefix, making them visible to readers of this process.
     */
    synchronized void appendWritten(List<ByteBuffer> frames, int from, int to, long offset) {
        if (!writerOwned || offset != endOffset) {
            throw new IllegalStateException("frames written at offset " + offset + " of " + name
                    + " do not continue its verified prefix ending at " + endOffset);
        }
        for (int i = from; i < to; i++) {
            ByteBuffer frame = frames.get(i);
            long timestamp = frame.getLong(frame.position() + 16);
            addVerified(frame.remaining(), timestamp);
        }
    }

    /** Under this: one more verified frame at the end of the prefix. */
    private void addVerified(long frameBytes, long timestamp) {
        long lastLsn = entryLsns[entries - 1];
        long lastOffset = entryOffsets[entries - 1];
        if (endLsn - lastLsn >= INDEX_EVERY_RECORDS || endOffset - lastOffset >= INDEX_EVERY_BYTES) {
            if (entries == entryLsns.length) {
                entryLsns = Arrays.copyOf(entryLsns, entries * 2);
                entryOffsets = Arrays.copyOf(entryOffsets, entries * 2);
            }
            entryLsns[entries] = endLsn;
            entryOffsets[entries] = endOffset;
            entries++;
        }
        endLsn++;
        endOffset += frameBytes;
        newestTimestamp = Math.max(newestTimestamp, timestamp);
    }

    /**
     * The index entry at or before {@code lsn}: a frame boundary in the verified prefix from which
     * reading reaches {@code lsn} (or the prefix's end, from where a scan continues).
     *
     * @return {@code {lsn, offset}} of the entry
     */
    synchronized long[] floor(long lsn) {
        int lo = 0;
        int hi = entries - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (entryLsns[mid] <= lsn) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return new long[] {entryLsns[lo], entryOffsets[lo]};
    }

    /** Under this: the first index entry at or after {@code offset}, or the prefix's end. */
    private long boundaryAtOrAfter(long offset) {
        int lo = 0;
        int hi = entries;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (entryOffsets[mid] < offset) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo < entries ? entryOffsets[lo] : endOffset;
    }

    /**
     * Reads the records of about {@code window} bytes from the frame boundary {@code offset}
     * (whose record has {@code lsn}) and gives them to {@code sink}, in order.
     *
     * @param last whether this is the log's last segment (a torn tail is allowed)
     * @param nextFirstLsn the first LSN of the next segment, checked against this one's end when
     *     it is not the last
     * @return where reading stopped; {@code end} when nothing more is visible in this segment now
     * @throws CorruptDataException naming this segment's file and the offset of the damage
     * @throws NoSuchFileException if the segment was truncated
     */
    Step step(long offset, long lsn, long window, boolean last, long nextFirstLsn, Consumer<LogRecord> sink)
            throws IOException {
        FileChannel ch = acquire();
        try {
            long to = -1;
            boolean scanned;
            synchronized (this) {
                if (offset < endOffset) {
                    to = boundaryAtOrAfter(Math.min(endOffset, offset + Math.max(1, window)));
                }
                scanned = complete || writerOwned;
            }
            if (to > offset) {
                return readVerified(ch, offset, lsn, to, sink);
            }
            if (scanned) {
                return new Step(offset, lsn, true);
            }
            return scanOnward(ch, offset, lsn, Math.max(window, SCAN_WINDOW_BYTES), last, nextFirstLsn, sink);
        } finally {
            release();
        }
    }

    /**
     * Verifies the segment up to the end of its file (or the writer's end), so that its end LSN,
     * newest timestamp and torn tail are known.
     */
    void scanToEnd(boolean last, long nextFirstLsn) throws IOException {
        while (true) {
            long offset;
            long lsn;
            synchronized (this) {
                if (complete || writerOwned) {
                    return;
                }
                offset = endOffset;
                lsn = endLsn;
            }
            if (step(offset, lsn, SCAN_WINDOW_BYTES, last, nextFirstLsn, null).end()) {
                return;
            }
        }
    }

    /** Reads frames of the verified prefix from {@code from} to the frame boundary {@code to}. */
    private Step readVerified(FileChannel ch, long from, long lsn, long to, Consumer<LogRecord> sink)
            throws IOException {
        LocalSegmentWindow w = LocalSegmentWindow.load(ch, name, from, to - from);
        // Inside the prefix every frame must verify: damage here is corruption, never a torn tail.
        Progress progress = new Progress(from, lsn, sink);
        SegmentScanner.Result r;
        try {
            r = new SegmentScanner(w.source(), lsn, false, maxRecordBytes).scan(from, lsn, progress);
        } catch (CorruptDataException e) {
            return progress.orThrow(e);
        }
        if (r.validBytes() != to) {
            throw new CorruptDataException(
                    name,
                    r.validBytes(),
                    "the segment ends at offset " + r.validBytes() + " but records up to offset " + to
                            + " were verified earlier: it was truncated");
        }
        return new Step(to, r.nextLsn(), false);
    }

    /**
     * Follows the records a scan delivers, so that the records before a damaged frame are still
     * delivered: the step ends at the damage, and the next step, starting there, reports it.
     */
    private static final class Progress implements Consumer<LogRecord> {
        private final long start;
        private long offset;
        private long lsn;
        private final Consumer<LogRecord> sink;

        Progress(long offset, long lsn, Consumer<LogRecord> sink) {
            this.start = offset;
            this.offset = offset;
            this.lsn = lsn;
            this.sink = sink;
        }

        @Override
        public void accept(LogRecord record) {
            offset += RecordFrame.HEADER_BYTES + (long) record.payload().remaining();
            lsn++;
            if (sink != null) {
                sink.accept(record);
            }
        }

        Step orThrow(CorruptDataException e) throws CorruptDataException {
            if (offset == start) {
                throw e;
            }
            return new Step(offset, lsn, false);
        }
    }

    /** Scans one window beyond the verified prefix, extending it. */
    private Step scanOnward(
            FileChannel ch,
            long offset,
            long lsn,
            long window,
            boolean last,
            long nextFirstLsn,
            Consumer<LogRecord> sink)
            throws IOException {
        scanLock.lock();
        try {
            synchronized (this) {
                if (endOffset != offset) {
                    return new Step(offset, lsn, false); // another thread scanned it meanwhile
                }
            }
            long size = ch.size();
            if (size < offset) {
                throw new CorruptDataException(
                        name,
                        size,
                        "the segment has " + size + " bytes but records up to offset " + offset
                                + " were verified earlier: it was truncated");
            }
            long want = Math.min(size - offset, window);
            while (true) {
                LocalSegmentWindow w = LocalSegmentWindow.load(ch, name, offset, want);
                boolean fileEnd = w.size() < offset + want || w.size() >= size;
                SegmentScanner scanner = new SegmentScanner(
                        w.source(), lsn, !fileEnd || last, maxRecordBytes, fileEnd && last && cutCorruptLastRecord);
                Progress progress = new Progress(offset, lsn, record -> {
                    long frameBytes =
                            RecordFrame.HEADER_BYTES + (long) record.payload().remaining();
                    synchronized (this) {
                        addVerified(frameBytes, record.timestampMillis());
                    }
                    if (sink != null) {
                        sink.accept(record);
                    }
                });
                SegmentScanner.Result r;
                try {
                    r = scanner.scan(offset, lsn, progress);
                } catch (CorruptDataException e) {
                    return progress.orThrow(e);
                }
                if (fileEnd) {
                    return atFileEnd(r, last, nextFirstLsn);
                }
                if (r.validBytes() > offset) {
                    return new Step(r.validBytes(), r.nextLsn(), false);
                }
                // The window ended inside the first frame: read the whole frame plus the next header,
                // or, when the header itself is bad, everything left so the scanner can judge it.
                RecordFrame.Header h = RecordFrame.decodeHeader(w.bytes());
                long needed = h != null ? h.frameBytes() + RecordFrame.HEADER_BYTES : size - offset;
                want = Math.min(size - offset, Math.max(needed, want + 1));
            }
        } finally {
            scanLock.unlock();
        }
    }

    private Step atFileEnd(SegmentScanner.Result r, boolean last, long nextFirstLsn) throws CorruptDataException {
        synchronized (this) {
            tornTail = r.tornTail();
        }
        if (r.tornTail().isEmpty() && !last) {
            if (r.nextLsn() != nextFirstLsn) {
                throw new CorruptDataException(
                        name,
                        r.validBytes(),
                        "the segment's records end before LSN "
                                + r.nextLsn() + " but the next segment starts at LSN " + nextFirstLsn
                                + (r.nextLsn() < nextFirstLsn ? ": records are missing" : ": the segments overlap"));
            }
            synchronized (this) {
                complete = true;
            }
        }
        return new Step(r.validBytes(), r.nextLsn(), true);
    }

    /**
     * The shared read channel, opened on first use; every call is paired with {@link #release()}.
     *
     * @throws NoSuchFileException if the segment was truncated (by this log or, for a reader, by
     *     the writer of another process)
     */
    private FileChannel acquire() throws IOException {
        synchronized (channelMonitor) {
            if (retired) {
                throw new NoSuchFileException(name, null, "the segment was truncated");
            }
            if (channel == null) {
                channel = FileChannel.open(path, StandardOpenOption.READ);
                openChannels.incrementAndGet();
            }
            users++;
            return channel;
        }
    }

    private void release() {
        synchronized (channelMonitor) {
            users--;
            if (users == 0 && (retired || openChannels.get() > maxOpenChannels)) {
                closeChannel();
            }
        }
    }

    /** Under channelMonitor. */
    private void closeChannel() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // A read-only channel has nothing to lose on close.
            }
            channel = null;
            openChannels.decrementAndGet();
        }
    }

    /**
     * The segment was truncated: later reads fail with {@link NoSuchFileException}; the channel
     * closes once no reader uses it.
     */
    void retire() {
        synchronized (channelMonitor) {
            retired = true;
            if (users == 0) {
                closeChannel();
            }
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
