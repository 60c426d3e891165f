package dev.lifeboat.spi.wal;

import java.nio.ByteBuffer;

/**
 * The identity of one record in a write-ahead log: its log sequence number (LSN). LSNs are
 * assigned in append order, start at 0 for a new log and grow by one per record, so handles are
 * totally ordered. A handle stays valid until its record is truncated.
 *
 * <p>The LSN of a <b>durable</b> record (one whose {@code sync} or {@code flush} returned, at the
 * level the log's capabilities promise) is never given to another record. An LSN handed out for
 * a record that was not yet durable when the writer crashed is lost with that record, and
 * recovery gives it to the next record appended ({@link RecoveryReport#nextLsn()} is one past the
 * last record that survived): LSNs stay dense, and a handle of a record that did not survive
 * may later name a different record. Keep only handles of records known durable.
 *
 * <p>A handle serialises to {@value #SERIALIZED_SIZE} bytes with {@link #toBytes()} and back with
 * {@link #fromBytes(byte[])}; the format is versioned.
 *
 * @param lsn the log sequence number, {@code >= 0}
 */
public record RecordHandle(long lsn) implements Comparable<RecordHandle> {
    /** Bytes in the serialised form. */
    public static final int SERIALIZED_SIZE = 9;

    private static final byte FORMAT_VERSION = 1;

    public RecordHandle {
        if (lsn < 0) {
            throw new IllegalArgumentException("lsn is negative: " + lsn);
        }
    }

    public static RecordHandle of(long lsn) {
        return new RecordHandle(lsn);
    }

    /** The handle of the record after this one. */
    public RecordHandle next() {
        return new RecordHandle(lsn + 1);
    }

    public byte[] toBytes() {
        return ByteBuffer.allocate(SERIALIZED_SIZE)
                .put(FORMAT_VERSION)
                .putLong(lsn)
                .array();
    }

    /**
     * Reads a handle written by {@link #toBytes()}.
     *
     * @throws IllegalArgumentException if {@code bytes} is not a serialised handle
     */
    public static RecordHandle fromBytes(byte[] bytes) {
        if (bytes == null || bytes.length != SERIALIZED_SIZE) {
            throw new IllegalArgumentException("a serialised record handle has " + SERIALIZED_SIZE + " bytes, got "
                    + (bytes == null ? "null" : bytes.length));
        }
        if (bytes[0] != FORMAT_VERSION) {
            throw new IllegalArgumentException("unknown record handle format version " + bytes[0]);
        }
        return new RecordHandle(ByteBuffer.wrap(bytes, 1, 8).getLong());
    }

    @Override
    public int compareTo(RecordHandle other) {
        return Long.compare(lsn, other.lsn);
    }

    @Override
    public String toString() {
        return "lsn:" + lsn;
    }
}
