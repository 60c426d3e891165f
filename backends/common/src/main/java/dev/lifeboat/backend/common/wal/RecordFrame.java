package dev.lifeboat.backend.common.wal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * The byte format of one write-ahead log record, shared by every backend that stores bytes.
 *
 * <pre>
 * offset size field
 *      0    2 magic 0x4C57 ("LW")
 *      2    1 format version (1)
 *      3    1 flags (0, reserved)
 *      4    4 payload length (signed, >= 0)
 *      8    8 LSN
 *     16    8 timestamp (ms, metadata)
 *     24    4 CRC32C of bytes 0..23
 *     28    4 CRC32C of the payload
 *     32    n payload
 * </pre>
 *
 * Big-endian. The header has its own checksum so that a damaged length is recognised as damage
 * instead of sending a reader off to a wrong offset.
 */
public final class RecordFrame {
    public static final short MAGIC = 0x4C57;
    public static final byte VERSION = 1;
    public static final int HEADER_BYTES = 32;

    private RecordFrame() {}

    /** The CRC32C of the remaining bytes of {@code payload}, without moving its position. */
    public static int payloadCrc(ByteBuffer payload) {
        CRC32C crc = new CRC32C();
        crc.update(payload.duplicate());
        return (int) crc.getValue();
    }

    /**
     * Encodes a whole frame into a new heap buffer, flipped for reading.
     *
     * @param payloadCrc {@link #payloadCrc} of {@code payload}, computed by the caller (possibly
     *     outside a lock)
     */
    public static ByteBuffer encode(long lsn, long timestampMillis, ByteBuffer payload, int payloadCrc) {
        int length = payload.remaining();
        ByteBuffer frame = ByteBuffer.allocate(HEADER_BYTES + length).order(ByteOrder.BIG_ENDIAN);
        writeHeader(frame, lsn, timestampMillis, length, payloadCrc);
        frame.put(payload.duplicate());
        return frame.flip();
    }

    /** Writes the 32 header bytes at the buffer's position. */
    public static void writeHeader(ByteBuffer out, long lsn, long timestampMillis, int length, int payloadCrc) {
        int start = out.position();
        out.putShort(MAGIC)
                .put(VERSION)
                .put((byte) 0)
                .putInt(length)
                .putLong(lsn)
                .putLong(timestampMillis);
        CRC32C crc = new CRC32C();
        crc.update(out.duplicate().position(start).limit(start + 24));
        out.putInt((int) crc.getValue()).putInt(payloadCrc);
    }

    /**
     * Writes the 32 header bytes at {@code index} of a heap buffer without moving its position
     * or allocating: for writers that reuse their frames.
     *
     * @param scratch a checksum to reuse (reset here); not shared between threads
     */
    public static void writeHeaderAt(
            ByteBuffer frame, int index, long lsn, long timestampMillis, int length, int payloadCrc, CRC32C scratch) {
        ByteBuffer b = frame.order() == ByteOrder.BIG_ENDIAN
                ? frame
                : frame.duplicate().order(ByteOrder.BIG_ENDIAN);
        b.putShort(index, MAGIC)
                .put(index + 2, VERSION)
                .put(index + 3, (byte) 0)
                .putInt(index + 4, length)
                .putLong(index + 8, lsn)
                .putLong(index + 16, timestampMillis);
        scratch.reset();
        scratch.update(frame.array(), frame.arrayOffset() + index, 24);
        b.putInt(index + 24, (int) scratch.getValue()).putInt(index + 28, payloadCrc);
    }

    /**
     * A decoded header.
     *
     * @param length payload length
     * @param lsn the record's LSN
     * @param timestampMillis its timestamp
     * @param payloadCrc the stored CRC32C of the payload
     */
    public record Header(int length, long lsn, long timestampMillis, int payloadCrc) {
        public long frameBytes() {
            return HEADER_BYTES + (long) length;
        }
    }

    /**
     * Decodes the header at {@code index} of {@code in} with absolute reads, moving nothing and
     * allocating only the result: for scanners that verify frames in place.
     *
     * @param scratch a checksum to reuse (reset here); not shared between threads
     * @return the header, or null if fewer than 32 bytes follow {@code index} or the magic,
     *     version or header checksum is wrong
     */
    public static Header decodeHeaderAt(ByteBuffer in, int index, CRC32C scratch) {
        if (in.limit() - index < HEADER_BYTES) {
            return null;
        }
        ByteBuffer b = in.order() == ByteOrder.BIG_ENDIAN ? in : in.duplicate().order(ByteOrder.BIG_ENDIAN);
        short magic = b.getShort(index);
        byte version = b.get(index + 2);
        int length = b.getInt(index + 4);
        if (magic != MAGIC || version != VERSION || length < 0) {
            return null;
        }
        scratch.reset();
        if (b.hasArray()) {
            scratch.update(b.array(), b.arrayOffset() + index, 24);
        } else {
            scratch.update(b.duplicate().position(index).limit(index + 24));
        }
        if ((int) scratch.getValue() != b.getInt(index + 24)) {
            return null;
        }
        return new Header(length, b.getLong(index + 8), b.getLong(index + 16), b.getInt(index + 28));
    }

    /**
     * Decodes a header from 32 bytes at the buffer's position (which is not moved).
     *
     * @return the header, or null if the magic, version or header checksum is wrong (damage or
     *     a torn write, which the caller tells apart)
     */
    public static Header decodeHeader(ByteBuffer in) {
        ByteBuffer b = in.duplicate().order(ByteOrder.BIG_ENDIAN);
        int start = b.position();
        if (b.remaining() < HEADER_BYTES) {
            return null;
        }
        short magic = b.getShort();
        byte version = b.get();
        b.get();
        int length = b.getInt();
        long lsn = b.getLong();
        long timestamp = b.getLong();
        int headerCrc = b.getInt();
        int payloadCrc = b.getInt();
        if (magic != MAGIC || version != VERSION || length < 0) {
            return null;
        }
        CRC32C crc = new CRC32C();
        crc.update(in.duplicate().position(start).limit(start + 24));
        if ((int) crc.getValue() != headerCrc) {
            return null;
        }
        return new Header(length, lsn, timestamp, payloadCrc);
    }
}
