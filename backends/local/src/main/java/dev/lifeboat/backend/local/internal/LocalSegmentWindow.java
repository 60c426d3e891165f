package dev.lifeboat.backend.local.internal;

import dev.lifeboat.backend.common.wal.SegmentSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * A range of a segment file read into memory with one positional read, seen by
 * {@link dev.lifeboat.backend.common.wal.SegmentScanner} (through {@link #source()}) as if the
 * segment ended where the range ends. Positions are absolute offsets in the segment file, so offsets in the scanner's results
 * and errors are file offsets. The scanner verifies the window's frames in place ({@link
 * #source()}) and hands out payloads as slices of it: a window is read once and never reused.
 */
final class LocalSegmentWindow {
    private final String name;
    private final long base;
    private final ByteBuffer bytes;

    private LocalSegmentWindow(String name, long base, ByteBuffer bytes) {
        this.name = name;
        this.base = base;
        this.bytes = bytes;
    }

    /**
     * Reads up to {@code length} bytes at {@code from}; fewer if the file ends first.
     */
    static LocalSegmentWindow load(FileChannel channel, String name, long from, long length) throws IOException {
        if (length < 0 || length > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("window of " + length + " bytes at offset " + from + " of " + name);
        }
        ByteBuffer bytes = ByteBuffer.allocate((int) length);
        while (bytes.hasRemaining()) {
            if (channel.read(bytes, from + bytes.position()) < 0) {
                break;
            }
        }
        bytes.flip();
        return new LocalSegmentWindow(name, from, bytes);
    }

    /** The absolute end of the window: its start plus the bytes actually read. */
    long size() {
        return base + bytes.limit();
    }

    /** The window as the scanner reads it: in place, payloads sliced out of it without a copy. */
    SegmentSource source() {
        return SegmentSource.of(name, base, bytes);
    }

    /** The window's bytes from its start, read-only. */
    ByteBuffer bytes() {
        return bytes.asReadOnlyBuffer();
    }
}
