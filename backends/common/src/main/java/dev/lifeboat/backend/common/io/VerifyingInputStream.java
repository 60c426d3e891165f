package dev.lifeboat.backend.common.io;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.CRC32C;

/**
 * Passes bytes through while checking them against an expected length and CRC32C. A mismatch
 * (too few bytes, a different checksum, or, for a whole object, more bytes than expected) is
 * thrown when the end is reached, as the exception {@code onMismatch} makes, so a reader that
 * reads to the end never accepts damaged bytes.
 *
 * <p>Made with {@link #VerifyingInputStream(InputStream, long, int, MismatchHandler)} the stream
 * covers a range of a larger object and reads exactly {@code expectedLength} bytes. Made with
 * {@link #ofWholeObject}, it covers a whole object (a checkpoint part) and reads one more byte at
 * the end to prove the object has no bytes beyond those recorded (appended garbage, a write that
 * went on after the length was taken).
 */
public class VerifyingInputStream extends FilterInputStream {
    /** Makes the exception thrown on a mismatch from a description of it. */
    @FunctionalInterface
    public interface MismatchHandler {
        IOException mismatch(String detail);
    }

    private final long expectedLength;
    private final int expectedCrc;
    private final MismatchHandler onMismatch;
    private final CRC32C crc = new CRC32C();
    private final boolean wholeObject;
    private long count;
    private boolean verified;

    /** Verifies {@code expectedLength} bytes of a range of an object: what follows is not looked at. */
    public VerifyingInputStream(InputStream in, long expectedLength, int expectedCrc, MismatchHandler onMismatch) {
        this(in, expectedLength, expectedCrc, onMismatch, false);
    }

    private VerifyingInputStream(
            InputStream in, long expectedLength, int expectedCrc, MismatchHandler onMismatch, boolean wholeObject) {
        super(in);
        this.expectedLength = expectedLength;
        this.expectedCrc = expectedCrc;
        this.onMismatch = onMismatch;
        this.wholeObject = wholeObject;
    }

    /**
     * Verifies a whole object: exactly {@code expectedLength} bytes with this CRC32C, and nothing
     * after them.
     */
    public static VerifyingInputStream ofWholeObject(
            InputStream in, long expectedLength, int expectedCrc, MismatchHandler onMismatch) {
        return new VerifyingInputStream(in, expectedLength, expectedCrc, onMismatch, true);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (count >= expectedLength) {
            verifyEnd();
            return -1;
        }
        int n = in.read(b, off, (int) Math.min(len, expectedLength - count));
        if (n < 0) {
            throw onMismatch.mismatch("ended after " + count + " of " + expectedLength + " bytes");
        }
        crc.update(b, off, n);
        count += n;
        if (count == expectedLength) {
            verifyEnd();
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] buffer = new byte[8192];
        long skipped = 0;
        while (skipped < n) {
            int r = read(buffer, 0, (int) Math.min(buffer.length, n - skipped));
            if (r < 0) {
                break;
            }
            skipped += r;
        }
        return skipped;
    }

    @Override
    public int available() throws IOException {
        return (int) Math.min(in.available(), expectedLength - count);
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    private void verifyEnd() throws IOException {
        if (verified) {
            return;
        }
        verified = true;
        if (wholeObject && in.read() >= 0) {
            long extra = 1;
            byte[] rest = new byte[8192];
            for (int n; extra < (1 << 20) && (n = in.read(rest)) > 0; ) {
                extra += n;
            }
            throw onMismatch.mismatch("has " + (extra >= (1 << 20) ? "at least " : "") + extra + " bytes more than the "
                    + expectedLength + " recorded");
        }
        if ((int) crc.getValue() != expectedCrc) {
            throw onMismatch.mismatch(
                    String.format("CRC32C is %08x, expected %08x", (int) crc.getValue(), expectedCrc));
        }
    }
}
