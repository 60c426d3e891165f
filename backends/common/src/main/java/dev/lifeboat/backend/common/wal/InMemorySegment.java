package dev.lifeboat.backend.common.wal;

import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;

/**
 * Segment bytes held in memory from offset {@code base} on ({@link SegmentSource#of(String, long,
 * ByteBuffer)}). {@link SegmentScanner} reads such a source in place instead of through
 * {@link #read}.
 */
final class InMemorySegment implements SegmentSource {
    private final String name;
    private final long base;
    /** The bytes, index 0 at offset {@code base}; never written to, never moved. */
    private final ByteBuffer bytes;

    InMemorySegment(String name, long base, ByteBuffer bytes) {
        this.name = requireNonNull(name, "name is null");
        if (base < 0) {
            throw new IllegalArgumentException("base offset " + base + " of " + name + " is negative");
        }
        this.base = base;
        // A slice keeps an array's accessibility (a read-only view would hide it from CRC32C's
        // fast path); the scanner itself never writes, and LogRecord makes each payload read-only.
        this.bytes = requireNonNull(bytes, "bytes is null").slice();
    }

    @Override
    public String name() {
        return name;
    }

    /** The absolute end: the base plus the bytes held. */
    @Override
    public long size() {
        return base + bytes.limit();
    }

    @Override
    public void read(long position, ByteBuffer dst) {
        if (position < base) {
            throw new IllegalArgumentException(
                    "offset " + position + " is before the bytes held from " + base + " of " + name);
        }
        if (position >= size()) {
            return;
        }
        int from = (int) (position - base);
        int n = Math.min(dst.remaining(), bytes.limit() - from);
        dst.put(bytes.slice(from, n));
    }

    long base() {
        return base;
    }

    /** The bytes, index 0 at {@link #base()}; the caller neither writes nor moves them. */
    ByteBuffer bytes() {
        return bytes;
    }
}
