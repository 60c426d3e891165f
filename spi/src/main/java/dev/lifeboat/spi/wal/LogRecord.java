package dev.lifeboat.spi.wal;

import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;

/**
 * One record read back from a log.
 *
 * @param handle its identity
 * @param timestampMillis the metadata time given at append (used by time-based truncation only)
 * @param payload the record's bytes, read-only, positioned at 0
 */
public record LogRecord(RecordHandle handle, long timestampMillis, ByteBuffer payload) {
    public LogRecord {
        requireNonNull(handle, "handle is null");
        payload = requireNonNull(payload, "payload is null").asReadOnlyBuffer();
    }

    /** A copy of the payload. */
    public byte[] bytes() {
        byte[] out = new byte[payload.remaining()];
        payload.duplicate().get(out);
        return out;
    }
}
