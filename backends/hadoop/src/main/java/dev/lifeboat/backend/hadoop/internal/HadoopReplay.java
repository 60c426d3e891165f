package dev.lifeboat.backend.hadoop.internal;

import static dev.lifeboat.backend.hadoop.internal.HadoopSegments.floor;
import static dev.lifeboat.backend.hadoop.internal.HadoopSegments.gap;
import static dev.lifeboat.backend.hadoop.internal.HadoopSegments.index;

import dev.lifeboat.backend.common.wal.WalSettings;
import dev.lifeboat.backend.hadoop.internal.HadoopSegments.SegmentFile;
import dev.lifeboat.backend.hadoop.internal.HadoopSegments.SegmentMeta;
import dev.lifeboat.spi.CorruptDataException;
import dev.lifeboat.spi.wal.CloseableIterator;
import dev.lifeboat.spi.wal.LogRecord;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * Replay of a {@link HadoopLogStorage}: streams records segment by segment, a window at a time,
 * from the segments listed when it began, filling in the segments' indexes as it reads.
 */
final class HadoopReplay implements CloseableIterator<LogRecord> {
    private final HadoopFs fs;
    private final WalSettings settings;
    private final HadoopSegments files;
    private final List<SegmentFile> segments;
    private final long from;
    private final long limit;
    private final ArrayDeque<LogRecord> buffered = new ArrayDeque<>();
    private int next;
    private long expectedLsn = -1;
    private HadoopSegmentSource source;
    private SegmentCursor cursor;
    private boolean finished;

    HadoopReplay(
            HadoopFs fs,
            WalSettings settings,
            HadoopSegments files,
            List<SegmentFile> segments,
            long from,
            long limit) {
        this.fs = fs;
        this.settings = settings;
        this.files = files;
        this.segments = segments;
        this.from = from;
        this.limit = limit;
        this.next = Math.max(0, floor(segments, from));
    }

    @Override
    public boolean hasNext() {
        files.checkOpen();
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
            SegmentMeta meta = files.meta(segment.name());
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
                throw new CorruptDataException(segment.path().toString(), -1, "segment disappeared during replay", e);
            }
            cursor = new SegmentCursor(
                    source,
                    startOffset,
                    startLsn,
                    next == segments.size() - 1,
                    settings.maxRecordBytes(),
                    settings.cutCorruptLastRecord());
        }
        SegmentMeta meta = files.meta(segments.get(next).name());
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
