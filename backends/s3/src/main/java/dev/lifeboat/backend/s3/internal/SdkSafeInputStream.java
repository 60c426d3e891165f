package dev.lifeboat.backend.s3.internal;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;

/** Turns the SDK's unchecked failures while streaming into IOExceptions naming the object. */
final class SdkSafeInputStream extends FilterInputStream {
    private final String name;
    private boolean eof;

    SdkSafeInputStream(InputStream in, String name) {
        super(in);
        this.name = name;
    }

    @Override
    public int read() throws IOException {
        try {
            int b = super.read();
            eof |= b < 0;
            return b;
        } catch (SdkException | UncheckedIOException e) {
            throw new IOException("reading " + name + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        try {
            int n = super.read(b, off, len);
            eof |= n < 0;
            return n;
        } catch (SdkException | UncheckedIOException e) {
            throw new IOException("reading " + name + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            if (!eof && in instanceof ResponseInputStream<?> r) {
                r.abort(); // do not drain the rest of a large object to reuse the connection
            }
            super.close();
        } catch (SdkException | UncheckedIOException e) {
            throw new IOException("closing " + name + " failed: " + e.getMessage(), e);
        }
    }
}
