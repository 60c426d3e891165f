package dev.lifeboat.backend.hadoop.internal;

import dev.lifeboat.backend.common.wal.WalSettings;
import dev.lifeboat.spi.CorruptDataException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.BooleanSupplier;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;

/**
 * The segment files of one {@link HadoopLogStorage} and what is known about each: listing them
 * in LSN order (a writer first finishes the copy-based cuts it finds), a sparse LSN-to-offset
 * index and the newest timestamp per segment, filled in by whoever scans a segment, and the
 * lookups that reading, replay and truncation share. Safe to use from any thread.
 */
final class HadoopSegments {
    static final long INDEX_EVERY = 256 * 1024;

    private final HadoopFs fs;
    private final WalSettings settings;
    /** Whether this is the writer's view, which resolves cuts left behind. */
    private final boolean writer;
    /** The storage's closed flag. */
    private final BooleanSupplier closed;

    private final Map<SegmentName, SegmentMeta> metas = new ConcurrentHashMap<>();

    /** What is known about one segment: a sparse LSN-to-offset index and its newest timestamp. */
    static final class SegmentMeta {
        final ConcurrentSkipListMap<Long, Long> index = new ConcurrentSkipListMap<>();
        volatile long newestTimestamp = Long.MIN_VALUE;
        volatile boolean timestampsKnown;
    }

    /** One segment file as listed. */
    record SegmentFile(SegmentName name, Path path, long listedLength) {}

    HadoopSegments(HadoopFs fs, WalSettings settings, boolean writer, BooleanSupplier closed) {
        this.fs = fs;
        this.settings = settings;
        this.writer = writer;
        this.closed = closed;
    }

    /** What is known about {@code name}, or null if nothing is. */
    SegmentMeta known(SegmentName name) {
        return metas.get(name);
    }

    /** Takes over what another view of the same log learnt about {@code name}. */
    void adopt(SegmentName name, SegmentMeta meta) {
        metas.put(name, meta);
    }

    /** Throws if the storage is closed. */
    void checkOpen() {
        if (closed.getAsBoolean()) {
            throw new IllegalStateException("the write-ahead log " + fs + " is closed");
        }
    }

    /** Deletes a segment file and forgets what was known about it. */
    void drop(SegmentFile s) throws IOException {
        fs.delete(s.path(), false);
        metas.remove(s.name());
    }

    /** Scans a whole segment, filling its index and newest timestamp. */
    SegmentCursor scanWhole(SegmentFile segment, boolean last) throws IOException {
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

    static void index(SegmentMeta meta, long lsn, long offset) {
        Map.Entry<Long, Long> below = meta.index.floorEntry(lsn);
        if (below == null || offset - below.getValue() >= INDEX_EVERY) {
            meta.index.put(lsn, offset);
        }
    }

    SegmentMeta meta(SegmentName name) {
        return metas.computeIfAbsent(name, n -> new SegmentMeta());
    }

    List<SegmentFile> listSegments() throws IOException {
        checkOpen();
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
        if (cuts && writer) {
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
    static int floor(List<SegmentFile> segments, long lsn) {
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

    static CorruptDataException gap(long expected, SegmentFile next) {
        return new CorruptDataException(
                next.path().toString(),
                0,
                "records from LSN " + expected + " to "
                        + (next.name().firstLsn() - 1) + " are missing: the segment before this one ends at LSN "
                        + expected
                        + " but this one starts at LSN " + next.name().firstLsn());
    }
}
