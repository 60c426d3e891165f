package dev.lifeboat.backend.mem.internal;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The bytes of one stored object, kept in fixed-size chunks so that a large object grows without
 * copying. Thread-safe: every method holds the object's monitor, so an append is seen whole or
 * not at all by a concurrent reader.
 */
public final class MemObject {
    private static final int CHUNK_BITS = 16;
    private static final int CHUNK = 1 << CHUNK_BITS;

    private final List<byte[]> chunks = new ArrayList<>();
    private long length;

    public synchronized long length() {
        return length;
    }

    public synchronized void append(byte[] bytes, int offset, int count) {
        int done = 0;
        while (done < count) {
            int at = (int) (length & (CHUNK - 1));
            if (at == 0 && (length >>> CHUNK_BITS) == chunks.size()) {
                chunks.add(new byte[CHUNK]);
            }
            byte[] chunk = chunks.get((int) (length >>> CHUNK_BITS));
            int n = Math.min(count - done, CHUNK - at);
            System.arraycopy(bytes, offset + done, chunk, at, n);
            done += n;
            length += n;
        }
    }

    public synchronized void append(ByteBuffer bytes) {
        ByteBuffer b = bytes.duplicate();
        byte[] copy = new byte[Math.min(b.remaining(), CHUNK)];
        while (b.hasRemaining()) {
            int n = Math.min(copy.length, b.remaining());
            b.get(copy, 0, n);
            append(copy, 0, n);
        }
    }

    /** Reads up to {@code count} bytes at {@code position}; -1 at or past the end. */
    public synchronized int read(long position, byte[] into, int offset, int count) {
        if (position >= length) {
            return count == 0 ? 0 : -1;
        }
        int n = (int) Math.min(count, length - position);
        int done = 0;
        while (done < n) {
            long p = position + done;
            int at = (int) (p & (CHUNK - 1));
            int m = Math.min(n - done, CHUNK - at);
            System.arraycopy(chunks.get((int) (p >>> CHUNK_BITS)), at, into, offset + done, m);
            done += m;
        }
        return n;
    }

    /** Fills {@code dst} from {@code position} unless the object ends first. */
    public void read(long position, ByteBuffer dst) {
        byte[] buffer = new byte[Math.min(dst.remaining(), CHUNK)];
        long p = position;
        while (dst.hasRemaining()) {
            int n = read(p, buffer, 0, Math.min(buffer.length, dst.remaining()));
            if (n <= 0) {
                return;
            }
            dst.put(buffer, 0, n);
            p += n;
        }
    }

    public synchronized byte[] toByteArray() {
        if (length > Integer.MAX_VALUE - 16) {
            throw new IllegalStateException("object of " + length + " bytes is too large for one array");
        }
        byte[] out = new byte[(int) length];
        read(0, out, 0, out.length);
        return out;
    }

    /** Cuts the object to {@code newLength} bytes (no-op if it is not longer). */
    public synchronized void truncate(long newLength) {
        if (newLength < 0) {
            throw new IllegalArgumentException("length is negative: " + newLength);
        }
        if (newLength >= length) {
            return;
        }
        int keep = (int) ((newLength + CHUNK - 1) >>> CHUNK_BITS);
        while (chunks.size() > keep) {
            chunks.remove(chunks.size() - 1);
        }
        length = newLength;
    }

    /** Inverts every bit of the byte at {@code offset}. */
    public synchronized void flip(long offset) {
        if (offset < 0 || offset >= length) {
            throw new IllegalArgumentException("offset " + offset + " is outside the object's " + length + " bytes");
        }
        byte[] chunk = chunks.get((int) (offset >>> CHUNK_BITS));
        int at = (int) (offset & (CHUNK - 1));
        chunk[at] = (byte) ~chunk[at];
    }

    /** A stream that appends to the object; closing it does nothing. */
    public OutputStream outputStream() {
        return new OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                java.util.Objects.checkFromIndexSize(off, len, b.length);
                append(b, off, len);
            }
        };
    }

    /** A stream over the object's bytes as they are when each read happens. */
    public InputStream inputStream() {
        return inputStream(0, Long.MAX_VALUE);
    }

    /** A stream over at most {@code count} bytes from {@code from}. */
    public InputStream inputStream(long from, long count) {
        return new InputStream() {
            private long position = from;
            private final long end = count > Long.MAX_VALUE - from ? Long.MAX_VALUE : from + count;

            @Override
            public int read() {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                java.util.Objects.checkFromIndexSize(off, len, b.length);
                if (position >= end) {
                    return len == 0 ? 0 : -1;
                }
                int n = MemObject.this.read(position, b, off, (int) Math.min(len, end - position));
                if (n > 0) {
                    position += n;
                }
                return n;
            }
        };
    }
}
