package dev.lifeboat.backend.s3.internal;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.backend.common.wal.RecordFrame;
import dev.lifeboat.backend.common.wal.SegmentScanner;
import dev.lifeboat.backend.common.wal.SegmentSource;
import dev.lifeboat.spi.ConcurrentWriterException;
import dev.lifeboat.spi.CorruptDataException;
import dev.lifeboat.spi.wal.LogRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * What one batch object of a write-ahead log holds, and whether it is intact: scans its frames
 * (recording their offsets), checks its records against the count its writer stored with it
 * ({@code lifeboat-records} metadata), tells whether an object starts at an LSN, and
 * cuts a torn tail off.
 */
final class WalObjects {
    private final ObjectStore store;
    private final long maxRecordBytes;
    private final boolean cutCorruptLastRecord;

    /**
     * @param cutCorruptLastRecord whether a complete but damaged last record of the log's last
     *     object is cut as if torn (the operator's {@code recovery.cut-corrupt-last-record})
     */
    WalObjects(ObjectStore store, long maxRecordBytes, boolean cutCorruptLastRecord) {
        this.store = requireNonNull(store, "store is null");
        this.maxRecordBytes = maxRecordBytes;
        this.cutCorruptLastRecord = cutCorruptLastRecord;
    }

    /**
     * What a scan of a whole object found.
     *
     * @param offsets the offset of each complete frame
     * @param newest the newest record timestamp, or {@code Long.MIN_VALUE} if none
     */
    record Scan(SegmentScanner.Result result, List<Integer> offsets, long newest) {
        /** The frame offsets and, last, the size of the complete frames ({@code records + 1} entries). */
        int[] frameOffsets() {
            int[] o = new int[offsets.size() + 1];
            for (int i = 0; i < offsets.size(); i++) {
                o[i] = offsets.get(i);
            }
            o[offsets.size()] = (int) result.validBytes();
            return o;
        }
    }

    /**
     * Scans a whole object's bytes, recording frame offsets; each record also goes to
     * {@code sink} (may be null).
     *
     * @param last whether the object may end in a torn tail (the log's last)
     */
    Scan scan(String key, byte[] bytes, long firstLsn, boolean last, Consumer<LogRecord> sink) throws IOException {
        SegmentSource source = SegmentSource.of(key, ByteBuffer.wrap(bytes));
        List<Integer> offsets = new ArrayList<>();
        long[] newest = {Long.MIN_VALUE};
        long[] position = {0};
        SegmentScanner.Result result = new SegmentScanner(
                        source, firstLsn, last, maxRecordBytes, last && cutCorruptLastRecord)
                .scan(0, firstLsn, rec -> {
                    offsets.add((int) position[0]);
                    position[0] += RecordFrame.HEADER_BYTES + rec.payload().remaining();
                    newest[0] = Math.max(newest[0], rec.timestampMillis());
                    if (sink != null) {
                        sink.accept(rec);
                    }
                });
        return new Scan(result, offsets, newest[0]);
    }

    /** The record count a batch object's writer stored with it, if it is there. */
    static OptionalLong writtenCount(Map<String, String> metadata) {
        String n = metadata.get(S3LogStorage.META_RECORDS);
        if (n == null) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(n));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /**
     * Checks a whole object's records against the count its writer stored with it: fewer without
     * a torn frame (cut at a frame boundary), or more, is {@link CorruptDataException} naming it.
     */
    void checkWritten(String key, Map<String, String> metadata, long first, SegmentScanner.Result r)
            throws CorruptDataException {
        OptionalLong written = writtenCount(metadata);
        if (written.isEmpty()) {
            return;
        }
        long m = written.getAsLong();
        if (r.records() > m || (r.records() < m && r.tornTail().isEmpty())) {
            throw new CorruptDataException(
                    store.describe(key),
                    r.validBytes(),
                    "the batch object holds " + r.records()
                            + " records but was written with " + m + ": records from LSN "
                            + (first + Math.min(m, r.records()))
                            + " to " + (first + Math.max(m, r.records()) - 1)
                            + " are lost or foreign (the object was cut"
                            + " at a frame boundary or replaced)");
        }
    }

    /** Whether a batch object (not a claim marker) starts at {@code lsn}: one ranged GET of its first frame header. */
    boolean startsAt(long lsn) throws IOException {
        Optional<byte[]> first = store.getRange(
                store.location().bucket(), store.key(WalLayout.segmentName(lsn)), 0, RecordFrame.HEADER_BYTES);
        if (first.isEmpty()) {
            return false;
        }
        RecordFrame.Header header = RecordFrame.decodeHeader(ByteBuffer.wrap(first.get()));
        return header != null && header.lsn() == lsn;
    }

    /** Rewrites an object with its complete records (and their count), or deletes it if it has none. */
    void cutTornTail(String key, ObjectStore.Blob blob, Scan scan) throws IOException {
        long validBytes = scan.result().validBytes();
        if (validBytes == 0) {
            store.delete(key);
            return;
        }
        byte[] valid = Arrays.copyOf(blob.bytes(), (int) validBytes);
        Map<String, String> meta = Map.of(
                S3LogStorage.META_RECORDS,
                String.valueOf(scan.result().records()),
                S3LogStorage.META_NEWEST,
                String.valueOf(scan.newest()));
        if (store.putIfMatch(key, valid, blob.etag(), meta).isEmpty()) {
            throw new ConcurrentWriterException("segment " + store.describe(key)
                    + " changed while its torn tail was being cut: another writer is active");
        }
    }

    /** Bytes of a ranged GET, addressed by their offsets in the whole object. */
    static final class OffsetSource implements SegmentSource {
        private final String name;
        private final byte[] bytes;
        private final long base;

        OffsetSource(String name, byte[] bytes, long base) {
            this.name = name;
            this.bytes = bytes;
            this.base = base;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public long size() {
            return base + bytes.length;
        }

        @Override
        public void read(long position, ByteBuffer dst) {
            long at = position - base;
            if (at < 0 || at >= bytes.length) {
                return;
            }
            int n = (int) Math.min(dst.remaining(), bytes.length - at);
            dst.put(bytes, (int) at, n);
        }
    }
}
