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

    /**
     * A source over bytes held in memory (an object read whole). A {@link SegmentScanner} verifies
     * the frames of such a source in place and hands out each payload as a slice of
     * {@code bytes}, without copying it: the caller does not change {@code bytes} afterwards, and
     * a record kept by a reader keeps the whole buffer reachable.
     */
    static SegmentSource of(String name, ByteBuffer bytes) {
        return of(name, 0, bytes);
    }

    /**
     * A source over a range of a segment held in memory: {@code bytes} from its position are the
     * segment's bytes from offset {@code base} on, and the segment seems to end where they end.
     * Offsets (in results and errors) stay offsets in the whole segment. Payloads are slices of
     * {@code bytes}, as for {@link #of(String, ByteBuffer)}.
     */
    static SegmentSource of(String name, long base, ByteBuffer bytes) {
        return new InMemorySegment(name, base, bytes);
    }
}
