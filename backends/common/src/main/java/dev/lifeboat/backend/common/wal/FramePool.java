package dev.lifeboat.backend.common.wal;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Heap frames by size class (powers of two from 64 B to 128 KiB), reused so that an
 * acknowledged record allocates no frame in steady state. Holds at most {@link #MAX_BYTES}.
 *
 * <p>Owned by one {@link GroupCommitWriteAheadLog}: its appenders take frames outside the log's
 * lock, and its leader hands back a batch's frames once storage has written them, so the pool
 * guards itself with its own monitor.
 */
final class FramePool {
    private static final int MIN_SHIFT = 6;
    private static final int MAX_SHIFT = 17;
    private static final long MAX_BYTES = 8L << 20;
    private final List<ArrayDeque<ByteBuffer>> free = new ArrayList<>();
    private long bytes;

    FramePool() {
        for (int s = MIN_SHIFT; s <= MAX_SHIFT; s++) {
            free.add(new ArrayDeque<>());
        }
    }

    /** A heap buffer with position 0 and limit {@code size}. */
    ByteBuffer take(int size) {
        int shift = Math.max(MIN_SHIFT, 32 - Integer.numberOfLeadingZeros(size - 1));
        if (shift > MAX_SHIFT) {
            return ByteBuffer.allocate(size);
        }
        ByteBuffer b;
        synchronized (this) {
            b = free.get(shift - MIN_SHIFT).pollLast();
            if (b != null) {
                bytes -= b.capacity();
            }
        }
        if (b == null) {
            b = ByteBuffer.allocate(1 << shift);
        }
        b.clear().limit(size);
        return b;
    }

    synchronized void recycle(List<ByteBuffer> frames) {
        for (int i = 0; i < frames.size(); i++) {
            ByteBuffer b = frames.get(i);
            int capacity = b.capacity();
            if (Integer.bitCount(capacity) != 1
                    || capacity < (1 << MIN_SHIFT)
                    || capacity > (1 << MAX_SHIFT)
                    || bytes + capacity > MAX_BYTES) {
                continue;
            }
            free.get(Integer.numberOfTrailingZeros(capacity) - MIN_SHIFT).addLast(b);
            bytes += capacity;
        }
    }
}
