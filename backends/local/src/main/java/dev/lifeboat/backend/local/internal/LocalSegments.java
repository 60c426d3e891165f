package dev.lifeboat.backend.local.internal;

import dev.lifeboat.backend.common.wal.WalSettings;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The segments of one {@link LocalLogStorage}, by the LSN of their first record: listing them
 * from the directory, creating one (with the channel budget all of them share), and forgetting or
 * deleting one. Safe to use from any thread; the storage decides when a read-only view lists
 * again, and its appender adds the segments it rolls to.
 */
final class LocalSegments {
    /**
     * Frames claiming a longer payload are damage. The largest any writer accepts, so that a log
     * written with a larger {@code max-record-bytes} than the reader's reads all the same (the
     * header checksum already protects the length).
     */
    private static final long SCAN_MAX_RECORD_BYTES = Integer.MAX_VALUE - 64;

    private static final int MAX_IDLE_CHANNELS = 32;

    private final Path dir;
    private final ConcurrentSkipListMap<Long, LocalSegment> segments = new ConcurrentSkipListMap<>();
    private final AtomicInteger openChannels = new AtomicInteger();
    private final Object refreshMonitor = new Object();
    /** Whether the writer's recovery cuts a damaged complete last record ({@link WalSettings#CUT_CORRUPT_LAST_RECORD}). */
    private final boolean cutCorruptLastRecord;

    LocalSegments(Path dir, boolean cutCorruptLastRecord) {
        this.dir = dir;
        this.cutCorruptLastRecord = cutCorruptLastRecord;
    }

    /** The segments, oldest first; a live view. */
    Collection<LocalSegment> values() {
        return segments.values();
    }

    boolean isEmpty() {
        return segments.isEmpty();
    }

    /** The newest segment, or null if there is none. */
    Map.Entry<Long, LocalSegment> lastEntry() {
        return segments.lastEntry();
    }

    /** The first LSN of the segment after the one starting at {@code firstLsn}, or null if there is none. */
    Long higherKey(long firstLsn) {
        return segments.higherKey(firstLsn);
    }

    /** The first LSN of the segment before the one starting at {@code firstLsn}, or null if there is none. */
    Long lowerKey(long firstLsn) {
        return segments.lowerKey(firstLsn);
    }

    /** The segment holding {@code lsn}, or the oldest one if {@code lsn} was truncated; null if none. */
    Map.Entry<Long, LocalSegment> segmentFor(long lsn) {
        Map.Entry<Long, LocalSegment> e = segments.floorEntry(lsn);
        return e != null ? e : segments.firstEntry();
    }

    /** The segment after {@code segment}, or null if it is the newest one known. */
    Map.Entry<Long, LocalSegment> segmentAfter(LocalSegment segment) {
        return segments.higherEntry(segment.firstLsn());
    }

    /** Adds a segment the writer just created. */
    void add(LocalSegment segment) {
        segments.put(segment.firstLsn(), segment);
    }

    /** Forgets {@code segment}, if it is still the one known for its first LSN. */
    void forget(LocalSegment segment) {
        segments.remove(segment.firstLsn(), segment);
    }

    void delete(LocalSegment segment) throws IOException {
        segments.remove(segment.firstLsn(), segment);
        segment.retire();
        Files.deleteIfExists(segment.path());
    }

    /** Adds the segments found in the directory, forgets those gone from it. */
    void listSegments() throws IOException {
        synchronized (refreshMonitor) {
            TreeMap<Long, Path> found = new TreeMap<>();
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + LocalSegment.SUFFIX)) {
                for (Path file : files) {
                    OptionalLong first = LocalSegment.firstLsnOf(file);
                    if (first.isPresent()) {
                        found.put(first.getAsLong(), file);
                    }
                }
            }
            for (LocalSegment known : new ArrayList<>(segments.values())) {
                if (!found.containsKey(known.firstLsn())) {
                    segments.remove(known.firstLsn(), known);
                    known.retire();
                }
            }
            for (Map.Entry<Long, Path> e : found.entrySet()) {
                if (!segments.containsKey(e.getKey())) {
                    segments.put(e.getKey(), create(e.getValue(), e.getKey()));
                }
            }
        }
    }

    LocalSegment create(Path path, long firstLsn) {
        return new LocalSegment(
                path, firstLsn, SCAN_MAX_RECORD_BYTES, cutCorruptLastRecord, openChannels, MAX_IDLE_CHANNELS);
    }
}
