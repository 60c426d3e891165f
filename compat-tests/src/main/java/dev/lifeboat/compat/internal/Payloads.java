package dev.lifeboat.compat.internal;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import java.util.zip.CRC32C;

/**
 * Deterministic test bytes: the same {@code (seed, index)} always gives the same bytes, so a
 * test (or the parent of a crash-test child) can regenerate what was written instead of keeping
 * it. Not API.
 */
public final class Payloads {
    private Payloads() {}

    /** {@code length} pseudo-random bytes determined by {@code seed} and {@code index}. */
    public static byte[] bytes(long seed, long index, int length) {
        if (length < 0) {
            throw new IllegalArgumentException("length is negative: " + length);
        }
        byte[] out = new byte[length];
        random(seed, index).nextBytes(out);
        return out;
    }

    /** A generator determined by {@code seed} and {@code index}. */
    public static SplittableRandom random(long seed, long index) {
        return new SplittableRandom(mix(seed * 0x9E3779B97F4A7C15L + index));
    }

    /** A length in {@code [0, max]} determined by {@code seed} and {@code index}. */
    public static int length(long seed, long index, int max) {
        return (int) Long.remainderUnsigned(mix(seed ^ mix(index + 0x632BE59BD9B4E019L)), max + 1L);
    }

    public static int crc32c(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        return (int) crc.getValue();
    }

    /** The CRC32C of the buffer's remaining bytes; the buffer's position does not move. */
    public static int crc32c(ByteBuffer bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes.duplicate());
        return (int) crc.getValue();
    }

    /** A WAL record written by thread {@code thread} as its {@code seq}-th: a header then filler. */
    public static byte[] walRecord(long seed, int thread, long seq, int maxFiller) {
        int filler = length(seed, ((long) thread << 40) ^ seq, maxFiller);
        ByteBuffer b = ByteBuffer.allocate(12 + filler);
        b.putInt(thread).putLong(seq);
        b.put(bytes(seed, ((long) thread << 40) ^ seq, filler));
        return b.array();
    }

    /** The thread of a record made by {@link #walRecord}. */
    public static int walRecordThread(ByteBuffer payload) {
        return payload.getInt(payload.position());
    }

    /** The sequence number of a record made by {@link #walRecord}. */
    public static long walRecordSeq(ByteBuffer payload) {
        return payload.getLong(payload.position() + 4);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
