package dev.lifeboat.backend.s3.internal;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.backend.common.wal.SegmentScanner;
import dev.lifeboat.backend.common.wal.WalSettings;
import dev.lifeboat.spi.CorruptDataException;
import dev.lifeboat.spi.wal.CloseableIterator;
import dev.lifeboat.spi.wal.LogRecord;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;

/**
 * A replay of a write-ahead log on S3: records streamed segment by segment, one GET (ranged for the
 * first) per segment, with the next few segments fetched ahead; segments truncated meanwhile are
 * skipped, missing ones are lost records.
 */
final class WalReplay implements CloseableIterator<LogRecord> {
    /** How many segments a replay fetches ahead. */
    static final int READ_AHEAD = 4;

    private final WalIndex index;
    private final ObjectStore store;
    private final WalObjects objects;
    private final WalSettings settings;
    private final Supplier<ExecutorService> readAhead;
    private final ArrayDeque<LogRecord> ready = new ArrayDeque<>();
    private final Map<Long, CompletableFuture<Optional<ObjectStore.Blob>>> prefetched = new HashMap<>();
    private long from;
    private long next; // the LSN the next segment must start at
    private boolean done;
    private boolean iteratorClosed;

    WalReplay(
            WalIndex index,
            ObjectStore store,
            WalObjects objects,
            WalSettings settings,
            Supplier<ExecutorService> readAhead,
            long fromLsn) {
        this.index = requireNonNull(index, "index is null");
        this.store = requireNonNull(store, "store is null");
        this.objects = requireNonNull(objects, "objects is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.readAhead = requireNonNull(readAhead, "readAhead is null");
        synchronized (index) {
            from = Math.max(fromLsn, index.lowLsn);
            Long floor = index.segments.floorKey(from);
            next = floor != null
                    ? floor
                    : index.lowLsn; // no floor (a listing with gaps): the chain starts at the low LSN
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
        WalSegment seg;
        boolean last;
        synchronized (index) {
            if (next >= index.endLsn) {
                done = true;
                return;
            }
            if (next < index.lowLsn) { // truncated while replaying
                next = index.lowLsn;
                return;
            }
            seg = index.segments.get(next);
            last = seg != null && index.segments.higherKey(seg.first()) == null;
        }
        if (seg == null) { // not listed: look it up by name (or learn it is lost)
            index.probe(next, "the end of the segment before it");
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
                index.missing(seg);
                skipTruncated();
                return;
            }
            bytes = range.get();
        } else {
            Optional<ObjectStore.Blob> blob = fetch(seg);
            prefetchAfter(seg.first());
            if (blob.isEmpty()) {
                index.missing(seg);
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
            index.settle(seg, scan, false);
            ready.addAll(records);
            advance(scan.result());
            return;
        }
        long filterFrom = from;
        List<LogRecord> records = new ArrayList<>();
        SegmentScanner.Result r = new SegmentScanner(
                        new WalObjects.OffsetSource(seg.key(), bytes, base), startLsn, last, settings.maxRecordBytes())
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
    private Optional<ObjectStore.Blob> fetch(WalSegment seg) throws IOException {
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
        List<WalSegment> following = new ArrayList<>(READ_AHEAD);
        synchronized (index) {
            for (WalSegment s : index.segments.tailMap(first, false).values()) {
                if (following.size() == READ_AHEAD) {
                    break;
                }
                following.add(s);
            }
        }
        for (WalSegment s : following) {
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
                            readAhead.get()));
        }
    }

    /** After a segment turned out to be truncated: continue at the low LSN. */
    private void skipTruncated() {
        synchronized (index) {
            next = Math.max(next + 1, index.lowLsn);
            from = Math.max(from, index.lowLsn);
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
