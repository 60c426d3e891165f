package dev.lifeboat.backend.s3.internal;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.backend.common.wal.RecordFrame;
import dev.lifeboat.backend.common.wal.WalSettings;
import dev.lifeboat.spi.ConcurrentWriterException;
import dev.lifeboat.spi.CorruptDataException;
import dev.lifeboat.spi.FencedException;
import dev.lifeboat.spi.OutcomeUnknownException;
import dev.lifeboat.spi.wal.RecoveryReport;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The writing side of a write-ahead log on S3: the claim marker that fences the previous writer,
 * and the committer's buffer, PUT as one immutable segment object per persist ({@code
 * If-None-Match: *}, or {@code If-Match} on the claim marker it replaces). A PUT refused because
 * another writer opened the log fails with {@link FencedException}; after a failure every write
 * is refused. {@link #write} and {@link #flushPending} run on one thread at a time.
 */
final class WalAppender {
    private static final int MAX_ROUNDS = 64;

    private final ObjectStore store;
    private final WalSettings settings;
    private final WalObjects objects;
    private final WalIndex index;
    private final String writerId;
    private final long epoch;

    private byte[] pending = new byte[0];
    private int pendingBytes;
    private long pendingFirst = -1;
    private final List<Integer> pendingOffsets = new ArrayList<>();
    private long pendingNewest = Long.MIN_VALUE;
    private long claimLsn = -1;
    private String claimEtag;
    private volatile IOException failure;

    WalAppender(
            ObjectStore store, WalSettings settings, WalObjects objects, WalIndex index, String writerId, long epoch) {
        this.store = requireNonNull(store, "store is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.objects = requireNonNull(objects, "objects is null");
        this.index = requireNonNull(index, "index is null");
        this.writerId = requireNonNull(writerId, "writerId is null");
        this.epoch = epoch;
    }

    /** The failure that stopped this writer, or null. */
    IOException failure() {
        return failure;
    }

    /** Stops this writer: another writer fenced it. */
    void fail(IOException e) {
        failure = e;
    }

    /** Whether records are buffered but not yet PUT. */
    boolean hasPending() {
        return pendingBytes > 0;
    }

    /** Puts the claim marker at the end of the log, fencing the previous writer; returns the recovery, extended if the log grew meanwhile. */
    RecoveryReport claim(RecoveryReport recovered) throws IOException {
        RecoveryReport recovery = recovered;
        byte[] marker = new WalLayout.Claim(epoch, writerId).encode();
        for (int round = 0; round < MAX_ROUNDS; round++) {
            long at;
            synchronized (index) {
                at = index.endLsn;
            }
            String key = index.key(at);
            Optional<String> etag = Optional.empty();
            try {
                etag = store.putIfAbsent(key, marker, Map.of());
            } catch (OutcomeUnknownException e) {
                // read back below
            }
            if (etag.isPresent()) {
                claimed(at, etag.get());
                return recovery;
            }
            Optional<ObjectStore.Blob> blob = store.get(key);
            if (blob.isEmpty()) {
                continue;
            }
            Optional<WalLayout.Claim> other = WalLayout.Claim.decode(blob.get().bytes());
            if (other.isPresent()) {
                if (other.get().writerId().equals(writerId)) {
                    claimed(at, blob.get().etag());
                    return recovery;
                }
                if (other.get().epoch() > epoch) {
                    throw new ConcurrentWriterException("another writer (epoch "
                            + other.get().epoch()
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
                    return recovery;
                }
                continue;
            }
            // The previous writer persisted one more segment after recovery read the log.
            WalObjects.Scan scan = objects.scan(key, blob.get().bytes(), at, true, null);
            objects.checkWritten(key, blob.get().metadata(), at, scan.result());
            synchronized (index) {
                if (scan.result().records() > 0) {
                    index.segments.put(at, WalSegment.of(scan, at, key));
                }
                index.endLsn = scan.result().nextLsn();
            }
            if (scan.result().records() == 0 || scan.result().tornTail().isPresent()) {
                throw new CorruptDataException(
                        store.describe(key),
                        scan.result().validBytes(),
                        "a segment written during recovery is damaged");
            }
            recovery = new RecoveryReport(scan.result().nextLsn(), recovery.tornTail());
        }
        throw new ConcurrentWriterException("could not claim the end of the write-ahead log " + store.location()
                + ": another writer keeps appending");
    }

    private void claimed(long at, String etag) {
        claimLsn = at;
        claimEtag = etag;
    }

    void write(List<ByteBuffer> frames, long firstLsn, long newestTimestamp) throws IOException {
        if (pendingFirst < 0) {
            long expected;
            synchronized (index) {
                expected = index.endLsn;
            }
            if (firstLsn != expected) {
                throw new IllegalStateException("write at LSN " + firstLsn + " but the log ends at " + expected);
            }
            pendingFirst = firstLsn;
        } else if (firstLsn != pendingFirst + pendingOffsets.size()) {
            throw new IllegalStateException(
                    "write at LSN " + firstLsn + " but the buffer ends at " + (pendingFirst + pendingOffsets.size()));
        }
        long lsn = firstLsn;
        for (ByteBuffer frame : frames) {
            int n = frame.remaining();
            if (pendingBytes > 0
                    && ((long) pendingBytes + n > settings.segmentBytes()
                            || (long) pendingBytes + n > Integer.MAX_VALUE - 64)) {
                flushPending(); // roll between frames, never inside one
            }
            if (pendingFirst < 0) {
                pendingFirst = lsn;
            }
            lsn++;
            if (pendingBytes + n > pending.length) {
                pending = Arrays.copyOf(pending, (int) Math.min(
                        Integer.MAX_VALUE - 64,
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

    /** Refuses to write after a failure (or after another writer fenced this one). */
    void checkHealthy() throws IOException {
        IOException failed = failure;
        if (failed instanceof FencedException f) {
            FencedException again = new FencedException(
                    "append to the write-ahead log " + store.location() + " after it was fenced",
                    f.writerEpoch(),
                    f.currentEpoch());
            again.initCause(f);
            throw again;
        }
        if (failed != null) {
            throw new IOException(
                    "the write-ahead log " + store.location() + " failed earlier: " + failed.getMessage(), failed);
        }
    }

    /** PUTs the buffer as one segment object. */
    void flushPending() throws IOException {
        if (pendingBytes == 0) {
            return;
        }
        long first = pendingFirst;
        int count = pendingOffsets.size();
        String key = index.key(first);
        byte[] bytes = Arrays.copyOf(pending, pendingBytes);
        Map<String, String> meta = Map.of(
                S3LogStorage.META_RECORDS,
                String.valueOf(count),
                S3LogStorage.META_NEWEST,
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
                if (back.isEmpty()
                        || WalLayout.Claim.decode(back.get().bytes())
                                .filter(c -> c.writerId().equals(writerId))
                                .isPresent()) {
                    throw e; // not there (yet): the records' fate is unknown until the log is reopened
                }
                etag = ownOrFenced(key, bytes, back.get());
            }
            if (etag.isEmpty()) {
                Optional<ObjectStore.Blob> back = store.get(key);
                if (back.isEmpty()) {
                    throw new OutcomeUnknownException(
                            "PUT of segment " + store.describe(key) + " was refused but the object is missing", null);
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
        synchronized (index) {
            index.segments.put(first, new WalSegment(first, key, count, pendingNewest, offsets));
            index.endLsn = first + count;
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
        long current = WalLayout.Claim.decode(stored.bytes())
                .map(WalLayout.Claim::epoch)
                .orElse(-1L);
        if (current < 0) {
            try {
                Optional<ObjectStore.Blob> head = store.get(store.key(WalLayout.HEAD));
                if (head.isPresent()) {
                    current = WalHead.decode(head.get().bytes(), WalLayout.HEAD).epoch();
                }
            } catch (IOException e) {
                current = -1;
            }
        }
        throw new FencedException(
                "append to the write-ahead log " + store.location() + " at " + store.describe(key)
                        + " (another writer opened the log)",
                epoch,
                current);
    }
}
