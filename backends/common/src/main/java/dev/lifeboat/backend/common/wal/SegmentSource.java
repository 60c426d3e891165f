package dev.lifeboat.backend.common.wal;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Positional read access to one stored segment, implemented by each backend over its own
 * storage (a {@code FileChannel}, an HDFS positional read, an object's bytes).
 */
public interface SegmentSource {
    /** The segment's name for messages (a path or key). */
    String name();

    /** Its current length in bytes. */
    long size() throws IOException;

    /**
     * Reads up to {@code dst.remaining()} bytes at {@code position}; fills {@code dst} unless the
     * segment ends first.
     */
    void read(long position, ByteBuffer dst) throws IOException;

    /** A source over bytes held in memory (an object read whole). */
    static SegmentSource of(String name, ByteBuffer bytes) {
        ByteBuffer data = bytes.asReadOnlyBuffer();
        return new SegmentSource() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public long size() {
                return data.remaining();
            }

            @Override
            public void read(long position, ByteBuffer dst) {
                if (position >= data.remaining()) {
                    return;
                }
                ByteBuffer slice = data.duplicate();
                slice.position(slice.position() + (int) position);
                slice.limit(Math.min(slice.limit(), slice.position() + dst.remaining()));
                dst.put(slice);
            }
        };
    }
}
