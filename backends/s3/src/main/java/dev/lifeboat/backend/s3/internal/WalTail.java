package dev.lifeboat.backend.s3.internal;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.spi.CorruptDataException;
import dev.lifeboat.spi.wal.RecoveryReport;
import dev.lifeboat.spi.wal.RecoveryReport.TornTail;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Where a write-ahead log on S3 ends: LIST as a hint of the segments, then the tail verified and
 * extended with GETs, so a listing that lags behind hides no records; the log must reach the end
 * its head records. A writer ({@code lease} given) cuts a torn tail at open; a reader refreshes
 * its view of the tail before it reads.
 */
final class WalTail {
    private final ObjectStore store;
    private final WalObjects objects;
    private final WalIndex index;
    private final WalLease lease; // null for a reader
    private final boolean writer;

    WalTail(ObjectStore store, WalObjects objects, WalIndex index, WalLease lease) {
        this.store = requireNonNull(store, "store is null");
        this.objects = requireNonNull(objects, "objects is null");
        this.index = requireNonNull(index, "index is null");
        this.lease = lease;
        this.writer = lease != null;
    }

    /**
     * Finds the segments: LIST as a hint, then the tail verified and extended with GETs. The log
     * must reach the end the head records, unless the tail is torn (reported).
     */
    RecoveryReport discover(WalHead h) throws IOException {
        String prefix = store.key(WalLayout.SEGMENTS);
        TreeMap<Long, Long> listed = new TreeMap<>(); // first LSN -> size
        List<String> garbage = new ArrayList<>();
        for (ObjectStore.ObjectInfo o : store.list(prefix)) {
            Optional<Long> lsn = WalLayout.parseSegmentName(store.location().relative(o.key()));
            if (lsn.isEmpty()) {
                continue;
            }
            if (lsn.get() < index.lowLsn) {
                garbage.add(o.key()); // truncated, but the delete did not finish
            } else {
                listed.put(lsn.get(), o.size());
            }
        }
        // The head's low LSN is verified (checksum); deleting also needs the object it names.
        if (writer && !garbage.isEmpty() && objects.startsAt(index.lowLsn)) {
            for (String key : garbage) {
                store.delete(key);
            }
        }
        List<Long> names = new ArrayList<>(listed.keySet());
        for (int i = 0; i + 1 < names.size(); i++) {
            long first = names.get(i);
            index.segments.put(
                    first, new WalSegment(first, index.key(first), names.get(i + 1) - first, Long.MIN_VALUE, null));
        }
        long cursor = names.isEmpty() ? index.lowLsn : names.get(names.size() - 1);
        Optional<TornTail> torn = Optional.empty();
        while (true) {
            String key = index.key(cursor);
            Optional<ObjectStore.Blob> blob = store.get(key);
            if (blob.isEmpty()) {
                Map.Entry<Long, WalSegment> previous = index.segments.lastEntry();
                if (listed.containsKey(cursor)
                        && previous != null
                        && previous.getValue().end() == cursor) {
                    // LIST showed it, but it is gone: the log ends inside the segment before it.
                    index.segments.remove(previous.getKey());
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
                    index.segments.put(cursor, WalSegment.of(scan, cursor, key));
                }
                cursor = scan.result().nextLsn();
                break;
            }
            if (scan.result().records() == 0) {
                break; // an empty object ends the log, like a claim
            }
            index.segments.put(cursor, WalSegment.of(scan, cursor, key));
            cursor = scan.result().nextLsn();
        }
        index.endLsn = Math.max(cursor, index.lowLsn);
        if (torn.isEmpty() && index.endLsn < h.endLsn()) {
            checkReaches(index.endLsn, h.endLsn());
        }
        return new RecoveryReport(index.endLsn, torn);
    }

    /**
     * The log ends at {@code end} but the head said it reaches {@code recorded}: lost records,
     * unless (for a reader) the head has been lowered since, by a writer that cut a torn tail.
     */
    void checkReaches(long end, long recorded) throws IOException {
        if (!writer) {
            Optional<WalHead> now = index.readHead();
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
    CorruptDataException shortfall(long end, long recorded) throws IOException {
        Map.Entry<Long, WalSegment> last;
        synchronized (index) {
            last = index.segments.lowerEntry(end);
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
                store.describe(index.key(end)),
                -1,
                "batch object missing: the log's head"
                        + " records that it was persisted up to LSN " + (recorded - 1) + " but it ends at LSN " + end
                        + "; records from LSN " + end + " to " + (recorded - 1) + " are lost");
    }

    /**
     * A reader's view of the end of the log: a GET of the segment after the known end; if the log
     * grew, a LIST of what follows (a hint: the segments' names give their record counts) and GETs
     * that verify the last one and probe past it, so a lagging LIST hides nothing. The log must
     * reach the end the head records, unless its tail is torn.
     */
    void refreshTail() throws IOException {
        Optional<WalHead> h = index.readHead();
        long low = h.map(WalHead::lowLsn).orElse(Long.MAX_VALUE); // no head: the whole log was removed
        synchronized (index) {
            index.lowLsn = Math.max(index.lowLsn, low);
            index.segments.headMap(index.lowLsn).clear();
            if (index.endLsn < index.lowLsn) {
                index.endLsn = index.lowLsn;
            }
        }
        boolean listed = false;
        boolean torn = false;
        for (int i = 0; i < WalIndex.MAX_CHAIN; i++) {
            long at;
            synchronized (index) {
                at = index.endLsn;
            }
            String key = index.key(at);
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
            synchronized (index) {
                index.segments.put(at, WalSegment.of(scan, at, key));
                index.endLsn = scan.result().nextLsn();
            }
            if (torn) {
                break;
            }
            if (!listed) {
                listed = true;
                skipAheadByListing(scan.result().nextLsn());
            }
        }
        long end = index.persistedEnd();
        if (!torn && h.isPresent() && end < h.get().endLsn()) {
            checkReaches(end, h.get().endLsn());
        }
    }

    /**
     * Adds the segments LIST shows from {@code next} on, but the last (left for the caller to
     * GET): their counts follow from their names and are verified when they are read.
     */
    void skipAheadByListing(long next) throws IOException {
        List<Long> names = new ArrayList<>();
        for (ObjectStore.ObjectInfo o : store.listAfter(store.key(WalLayout.SEGMENTS), index.key(next - 1))) {
            WalLayout.parseSegmentName(store.location().relative(o.key()))
                    .filter(lsn -> lsn >= next)
                    .ifPresent(names::add);
        }
        if (names.size() < 2 || names.get(0) != next) {
            return; // nothing to skip, or not a chain from here: probe one by one
        }
        synchronized (index) {
            if (index.endLsn != next) {
                return;
            }
            for (int i = 0; i + 1 < names.size(); i++) {
                long first = names.get(i);
                index.segments.put(
                        first, new WalSegment(first, index.key(first), names.get(i + 1) - first, Long.MIN_VALUE, null));
            }
            index.endLsn = names.get(names.size() - 1);
        }
    }
}
