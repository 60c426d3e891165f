package dev.lifeboat.backend.common.io;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.CRC32C;

/** Counts the bytes written through it and computes their CRC32C. */
public class Crc32cOutputStream extends FilterOutputStream {
    private final CRC32C crc = new CRC32C();
    private long count;

    public Crc32cOutputStream(OutputStream out) {
        super(out);
    }

    @Override
    public void write(int b) throws IOException {
        out.write(b);
        crc.update(b);
        count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        crc.update(b, off, len);
        count += len;
    }

    public long count() {
        return count;
    }

    public int crc32c() {
        return (int) crc.getValue();
    }
}
