package dev.lifeboat.backend.common.wal;

import dev.lifeboat.spi.CorruptDataException;
import dev.lifeboat.spi.wal.LogRecord;
import dev.lifeboat.spi.wal.RecordHandle;
import dev.lifeboat.spi.wal.RecoveryReport.TornTail;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

/**
 * Reads framed records from a segment in order and tells a torn tail from corruption.
 *
 * <p>A <em>torn tail</em> is what an interrupted write leaves: a frame that runs past the end of
 * the segment, a header that fails its checks when every byte after it is zero (preallocated
 * space), or a last frame whose payload checksum fails because its bytes after the header were
 * never written (zero from a 512-byte boundary to the end of the frame). It is allowed only in the
 * log's last segment, and recovery cuts it.
 *
 * <p>Everything else is <em>corruption</em>: {@link CorruptDataException} naming the segment and
 * offset — a damaged frame followed by more data, an LSN out of sequence, any damage in an earlier
 * segment, and a complete last frame whose written bytes fail their checksum (a flipped bit in a
 * record that may have been acknowledged under {@code sync} is never silently cut). A scanner made
 * with {@code cutCorruptLastRecord} treats that last case as a torn tail instead, for an operator
 * who chooses to drop the damaged record ({@link WalSettings#CUT_CORRUPT_LAST_RECORD}).
 */
public final class SegmentScanner {
    private static final int ZERO_CHECK_CHUNK = 64 * 1024;

    private final SegmentSource source;
    private final long expectedFirstLsn;
    private final boolean lastSegment;
    private final long maxRecordBytes;
    private final boolean cutCorruptLastRecord;

    /**
     * A scanner that reports a damaged complete last frame as corruption.
     *
     * @param expectedFirstLsn the LSN the segment's first record must have
     * @param lastSegment whether a torn tail is allowed (only the log's last segment may have one)
     * @param maxRecordBytes frames claiming a longer payload are damage
     */
    public SegmentScanner(SegmentSource source, long expectedFirstLsn, boolean lastSegment, long maxRecordBytes) {
        this(source, expectedFirstLsn, lastSegment, maxRecordBytes, false);
    }

    /**
     * @param cutCorruptLastRecord whether a complete last frame of the last segment whose
     *     payload fails its checksum is reported as a torn tail (to be cut) instead of corruption
     */
    public SegmentScanner(
            SegmentSource source,
            long expectedFirstLsn,
            boolean lastSegment,
            long maxRecordBytes,
            boolean cutCorruptLastRecord) {
        this.source = source;
        this.expectedFirstLsn = expectedFirstLsn;
        this.lastSegment = lastSegment;
        this.maxRecordBytes = maxRecordBytes;
        this.cutCorruptLastRecord = cutCorruptLastRecord;
    }

    /**
     * The result of a scan.
     *
     * @param validBytes bytes of complete, verified frames from the start of the segment
     * @param nextLsn the LSN after the last complete record
     * @param records how many complete records were seen
     * @param tornTail the torn tail, if any
     */
    public record Result(long validBytes, long nextLsn, long records, Optional<TornTail> tornTail) {}

    /**
     * Scans the segment from {@code startOffset} (a frame boundary whose record has
     * {@code startLsn}), passing each record to {@code sink} (null: only verify).
     */
    public Result scan(long startOffset, long startLsn, Consumer<LogRecord> sink) throws IOException {
        long size = source.size();
        long offset = startOffset;
        long lsn = startLsn;
        long records = 0;
        // Bytes held in memory are verified in place and payloads handed out as slices of them;
        // any other source is copied a header and a payload at a time.
        InMemorySegment memory = source instanceof InMemorySegment m ? m : null;
        ByteBuffer held = memory == null ? null : memory.bytes();
        long base = memory == null ? 0 : memory.base();
        if (memory != null && startOffset < base) {
            throw new IllegalArgumentException(
                    "offset " + startOffset + " is before the bytes held from " + base + " of " + source.name());
        }
        ByteBuffer header = memory == null ? ByteBuffer.allocate(RecordFrame.HEADER_BYTES) : null;
        CRC32C crc = new CRC32C();
        while (offset < size) {
            RecordFrame.Header h;
            if (size - offset < RecordFrame.HEADER_BYTES) {
                return torn(offset, size, lsn, records, "incomplete header");
            }
            if (held != null) {
                h = RecordFrame.decodeHeaderAt(held, (int) (offset - base), crc);
            } else {
                header.clear();
                source.read(offset, header);
                header.flip();
                if (header.remaining() < RecordFrame.HEADER_BYTES) {
                    return torn(offset, size, lsn, records, "incomplete header");
                }
                h = RecordFrame.decodeHeader(header);
            }
            if (h == null || h.length() > maxRecordBytes) {
                if (lastSegment && zerosFrom(offset, size)) {
                    return torn(offset, size, lsn, records, "zeroed tail");
                }
                throw new CorruptDataException(
                        source.name(),
                        offset,
                        h == null
                                ? "bad record header (magic, version or header CRC32C)"
                                : "record length " + h.length() + " exceeds the limit " + maxRecordBytes);
            }
            if (offset + h.frameBytes() > size) {
                return torn(offset, size, lsn, records, "incomplete payload");
            }
            if (h.lsn() != lsn) {
                throw new CorruptDataException(
                        source.name(), offset, "expected LSN " + lsn + " but the record has LSN " + h.lsn());
            }
            ByteBuffer payload;
            if (held != null) {
                payload = held.slice((int) (offset - base) + RecordFrame.HEADER_BYTES, h.length());
            } else {
                payload = ByteBuffer.allocate(h.length());
                source.read(offset + RecordFrame.HEADER_BYTES, payload);
                if (payload.hasRemaining()) {
                    throw new EOFException("segment " + source.name() + " shrank while being read at offset " + offset);
                }
                payload.flip();
            }
            crc.reset();
            crc.update(payload);
            payload.rewind();
            if ((int) crc.getValue() != h.payloadCrc()) {
                boolean lastFrame = offset + h.frameBytes() == size;
                if (lastFrame && unwrittenTail(offset, payload)) {
                    return torn(
                            offset, size, lsn, records, "the last record's bytes after its header were never written");
                }
                if (lastFrame && lastSegment && cutCorruptLastRecord) {
                    return torn(
                            offset,
                            size,
                            lsn,
                            records,
                            "payload checksum of the last record, cut as the option "
                                    + WalSettings.CUT_CORRUPT_LAST_RECORD + " asks");
                }
                throw new CorruptDataException(
                        source.name(),
                        offset,
                        "payload CRC32C mismatch in record LSN " + lsn
                                + (lastFrame
                                        ? ", the last record: a complete frame whose written bytes are damaged, not a"
                                                + " torn write; it is not cut unless the option '"
                                                + WalSettings.CUT_CORRUPT_LAST_RECORD
                                                + "' is true"
                                        : ""));
            }
            if (sink != null) {
                sink.accept(new LogRecord(RecordHandle.of(lsn), h.timestampMillis(), payload));
            }
            offset += h.frameBytes();
            lsn++;
            records++;
        }
        return new Result(offset, lsn, records, Optional.empty());
    }

    /** Scans the whole segment from its start. */
    public Result scan(Consumer<LogRecord> sink) throws IOException {
        return scan(0, expectedFirstLsn, sink);
    }

    private Result torn(long offset, long size, long lsn, long records, String why) throws CorruptDataException {
        if (!lastSegment) {
            throw new CorruptDataException(
                    source.name(), offset, "truncated record (" + why + ") in a segment that is not the last one");
        }
        return new Result(offset, lsn, records, Optional.of(new TornTail(source.name(), offset, size - offset)));
    }

    /**
     * Whether a frame's payload ends in bytes that were never written: zero from a 512-byte
     * boundary of the segment (storage writes whole sectors) to the end of the frame, or wholly
     * zero.
     */
    static boolean unwrittenTail(long frameOffset, ByteBuffer payload) {
        int n = payload.remaining();
        if (n == 0) {
            return false; // nothing to leave unwritten: the stored checksum itself is damaged
        }
        int zeroFrom = n;
        while (zeroFrom > 0 && payload.get(payload.position() + zeroFrom - 1) == 0) {
            zeroFrom--;
        }
        if (zeroFrom == n) {
            return false;
        }
        if (zeroFrom == 0) {
            return true;
        }
        long start = frameOffset + RecordFrame.HEADER_BYTES + zeroFrom;
        long boundary = (start + 511) / 512 * 512;
        return boundary < frameOffset + RecordFrame.HEADER_BYTES + n;
    }

    private boolean zerosFrom(long offset, long size) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocate(ZERO_CHECK_CHUNK);
        for (long pos = offset; pos < size; pos += ZERO_CHECK_CHUNK) {
            chunk.clear();
            source.read(pos, chunk);
            chunk.flip();
            while (chunk.hasRemaining()) {
                if (chunk.get() != 0) {
                    return false;
                }
            }
        }
        return true;
    }
}
