package dev.lifeboat.backend.s3.internal;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.spi.CorruptDataException;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * What a write-ahead log on S3 knows of its segment objects: the segments by first LSN (counts
 * known from writing or reading them, or LIST's hint until read), its low LSN and its end. Every
 * field is guarded by the index itself. It finds the segment of an LSN, following the chain of
 * segments by name where a listing left gaps, and tells truncated segments from lost ones.
 */
final class WalIndex {
    /** Bound of the segments one lookup follows by name (a listing with gaps makes the index sparse). */
    static final int MAX_CHAIN = 1_000_000;

    private final ObjectStore store;
    private final WalObjects objects;
    private final boolean writer;

    /** Persisted segments by first LSN; guarded by {@code this}. */
    final TreeMap<Long, WalSegment> segments = new TreeMap<>();
    /** The LSN after the last persisted record; guarded by {@code this}. */
    long endLsn;
    /** The first LSN not truncated; guarded by {@code this}. */
    long lowLsn;

    WalIndex(ObjectStore store, WalObjects objects, boolean writer) {
        this.store = requireNonNull(store, "store is null");
        this.objects = requireNonNull(objects, "objects is null");
        this.writer = writer;
    }

    /**
     * A reader's view of the head, verified: its checksum, or (earlier format) its low LSN
     * against the batch objects. Empty if there is no head.
     */
    Optional<WalHead> readHead() throws IOException {
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
    synchronized long persistedEnd() {
        return endLsn;
    }

    /** The low LSN as it is now: a writer's own; a reader's from the head (all removed if there is none). */
    long currentLowLsn() throws IOException {
        if (writer) {
            synchronized (this) {
                return lowLsn;
            }
        }
        return readHead().map(WalHead::lowLsn).orElse(Long.MAX_VALUE); // no head: the whole log was removed
    }

    /**
     * The segment holding {@code lsn}, with its frame offsets: segments whose counts are only
     * LIST's hint are read and settled, and where no known segment covers the LSN the chain is
     * followed by name. Null if {@code lsn} is outside the log (or was truncated meanwhile).
     */
    WalSegment locate(long lsn) throws IOException {
        for (int round = 0; round < MAX_CHAIN; round++) {
            WalSegment seg;
            long gap = -1;
            synchronized (this) {
                if (lsn < lowLsn || lsn >= endLsn) {
                    return null;
                }
                Map.Entry<Long, WalSegment> e = segments.floorEntry(lsn);
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
    WalSegment load(WalSegment seg) throws IOException {
        Optional<ObjectStore.Blob> blob = store.get(seg.key());
        if (blob.isEmpty()) {
            missing(seg);
            return null;
        }
        WalObjects.Scan scan = objects.scan(seg.key(), blob.get().bytes(), seg.first(), isLast(seg), null);
        objects.checkWritten(seg.key(), blob.get().metadata(), seg.first(), scan.result());
        return settle(seg, scan, true);
    }

    synchronized boolean isLast(WalSegment seg) {
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
    WalSegment settle(WalSegment seg, WalObjects.Scan scan, boolean keepOffsets) throws IOException {
        WalSegment loaded = WalSegment.of(scan, seg.first(), seg.key());
        if (!keepOffsets && seg.offsets() == null) { // a replay: the index keeps counts, not every frame's offset
            loaded = new WalSegment(loaded.first(), loaded.key(), loaded.count(), loaded.newest(), null, true);
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
    void probe(long lsn, String why) throws IOException {
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
                segments.putIfAbsent(lsn, new WalSegment(lsn, key, count, Long.MIN_VALUE, null));
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
    void missing(WalSegment seg) throws IOException {
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

    String key(long firstLsn) {
        return store.key(WalLayout.segmentName(firstLsn));
    }
}
