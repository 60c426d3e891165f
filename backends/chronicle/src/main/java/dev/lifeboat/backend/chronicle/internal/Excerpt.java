package dev.lifeboat.backend.chronicle.internal;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.backend.common.wal.SegmentSource;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * One Chronicle excerpt copied out of its cycle file: the bytes of one framed record, and where
 * they are. Positions are byte offsets in the cycle file, so errors name the place a hex dump of
 * that file shows.
 *
 * @param cycle the roll cycle (file) it is in
 * @param index its Chronicle index (cycle and sequence)
 * @param file the cycle file
 * @param dataPosition the file offset of its first byte; Chronicle's 4-byte length header is
 *     just before it
 * @param data its bytes
 */
@SuppressWarnings("ArrayRecordComponent") // read once and handed on, never compared or hashed
record Excerpt(int cycle, long index, Path file, long dataPosition, byte[] data) {
    /** Bytes of Chronicle's header in front of every excerpt. */
    static final int CHRONICLE_HEADER_BYTES = 4;

    Excerpt {
        requireNonNull(file, "file is null");
        requireNonNull(data, "data is null");
    }

    /** The same excerpt without the zero bytes at its end. */
    Excerpt withoutTrailingZeros() {
        int n = data.length;
        while (n > 0 && data[n - 1] == 0) {
            n--;
        }
        return n == data.length ? this : new Excerpt(cycle, index, file, dataPosition, Arrays.copyOf(data, n));
    }

    /** The file offset of the excerpt's Chronicle header. */
    long headerPosition() {
        return dataPosition - CHRONICLE_HEADER_BYTES;
    }

    /** The file offset just after its last byte. */
    long end() {
        return dataPosition + data.length;
    }

    /** Where Chronicle puts the next header: the end, aligned to 4 bytes. */
    long nextHeaderPosition() {
        return (end() + 3) & ~3L;
    }

    /** The excerpt as a segment whose offsets are file offsets, for {@code SegmentScanner}. */
    SegmentSource source() {
        String name = file.toString();
        return new SegmentSource() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public long size() {
                return end();
            }

            @Override
            public void read(long position, ByteBuffer dst) {
                long from = position - dataPosition;
                if (from < 0 || from >= data.length) {
                    return;
                }
                int n = (int) Math.min(dst.remaining(), data.length - from);
                dst.put(data, (int) from, n);
            }
        };
    }
}
