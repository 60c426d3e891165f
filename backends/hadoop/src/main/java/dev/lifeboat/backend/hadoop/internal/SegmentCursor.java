package dev.lifeboat.backend.hadoop.internal;

import dev.lifeboat.backend.common.wal.RecordFrame;
import dev.lifeboat.backend.common.wal.SegmentScanner;
import dev.lifeboat.backend.common.wal.SegmentSource;
import dev.lifeboat.spi.wal.LogRecord;
import dev.lifeboat.spi.wal.RecoveryReport.TornTail;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * Reads one segment a window at a time with the shared {@link SegmentScanner}, so that a replay
 * holds about one window of records in memory rather than a whole segment.
 *
 * <p>Inside a window that ends before the segment does, an incomplete frame at the window's end
 * is only the edge of the window: the scan resumes there with a window that reaches past it.
 * Only a scan that reaches the segment's real end applies the scanner's torn-tail rules with the
 * segment's real position in the log, so every verdict (torn tail or corruption) is the one a
 * whole-segment scan would give.
 */
final class SegmentCursor {
    static final int WINDOW = 1 << 20;

    /** Receives each verified record with the offset of its frame. */
    @FunctionalInterface
    interface Visitor {
        void visit(LogRecord record, long offset);
    }

    private final SegmentSource source;
    private final boolean lastSegment;
    private final long maxRecordBytes;
    /** Whether a damaged complete last record of the log is a torn tail (WalSettings.CUT_CORRUPT_LAST_RECORD). */
    private final boolean cutCorruptLastRecord;

    private long offset;
    private long lsn;
    private boolean done;
    private Optional<TornTail> tornTail = Optional.empty();

    /**
     * @param startOffset a frame boundary
     * @param startLsn the LSN of the record there
     * @param lastSegment whether this is the log's last segment (where a torn tail is allowed)
     * @param cutCorruptLastRecord whether a damaged complete last record of the log is a torn tail
     */
    SegmentCursor(
            SegmentSource source,
            long startOffset,
            long startLsn,
            boolean lastSegment,
            long maxRecordBytes,
            boolean cutCorruptLastRecord) {
        this.source = source;
        this.offset = startOffset;
        this.lsn = startLsn;
        this.lastSegment = lastSegment;
        this.maxRecordBytes = maxRecordBytes;
        this.cutCorruptLastRecord = cutCorruptLastRecord;
    }

    /** Whether the segment's end was reached. */
    boolean done() {
        return done;
    }

    /** The offset after the last verified record. */
    long offset() {
        return offset;
    }

    /** The LSN after the last verified record. */
    long lsn() {
        return lsn;
    }

    /** The torn tail found at the end, once {@link #done()}. */
    Optional<TornTail> tornTail() {
        return tornTail;
    }

    /** Scans the next window, passing its records to {@code visitor}. */
    void advance(Visitor visitor) throws IOException {
        if (done) {
            return;
        }
        long size = source.size();
        long window = WINDOW;
        while (true) {
            long end = Math.min(size, offset + window);
            boolean realEnd = end == size;
            long[] at = {offset};
            SegmentScanner scanner = new SegmentScanner(
                    realEnd ? source : capped(source, end),
                    lsn,
                    !realEnd || lastSegment,
                    maxRecordBytes,
                    realEnd && lastSegment && cutCorruptLastRecord);
            SegmentScanner.Result r = scanner.scan(offset, lsn, record -> {
                visitor.visit(record, at[0]);
                at[0] += RecordFrame.HEADER_BYTES + record.payload().remaining();
            });
            if (realEnd) {
                offset = r.validBytes();
                lsn = r.nextLsn();
                tornTail = r.tornTail();
                done = true;
                return;
            }
            if (r.validBytes() > offset) {
                offset = r.validBytes();
                lsn = r.nextLsn();
                return;
            }
            window *= 2; // a record larger than the window
        }
    }

    /** Scans to the end. */
    void finish(Visitor visitor) throws IOException {
        while (!done) {
            advance(visitor);
        }
    }

    private static SegmentSource capped(SegmentSource source, long end) {
        return new SegmentSource() {
            @Override
            public String name() {
                return source.name();
            }

            @Override
            public long size() {
                return end;
            }

            @Override
            public void read(long position, ByteBuffer dst) throws IOException {
                if (position >= end) {
                    return;
                }
                if (dst.remaining() > end - position) {
                    ByteBuffer slice = dst.slice();
                    slice.limit((int) (end - position));
                    source.read(position, slice);
                    dst.position(dst.position() + slice.position());
                } else {
                    source.read(position, dst);
                }
            }
        };
    }
}
