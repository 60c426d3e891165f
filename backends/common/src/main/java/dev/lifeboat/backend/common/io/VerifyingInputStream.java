package dev.lifeboat.backend.common.io;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.CRC32C;

/**
 * Passes bytes through while checking them against an expected length and CRC32C. A mismatch
 * (too few bytes, too many, or a different checksum) is thrown when the end is reached, as the
 * exception {@code onMismatch} makes, so a reader that reads to the end never accepts damaged
 * bytes. Reads at most {@code expectedLength + 1} bytes from the underlying stream.
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
    private long count;
    private boolean verified;

    public VerifyingInputStream(InputStream in, long expectedLength, int expectedCrc, MismatchHandler onMismatch) {
        super(in);
        this.expectedLength = expectedLength;
        this.expectedCrc = expectedCrc;
        this.onMismatch = onMismatch;
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
        if ((int) crc.getValue() != expectedCrc) {
            throw onMismatch.mismatch(String.format("CRC32C is %08x, expected %08x", (int) crc.getValue(), expectedCrc));
        }
    }
}
