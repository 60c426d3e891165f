package dev.lifeboat.backend.s3.internal;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * Uploads what is written to one object, which is never held in memory whole: up to one part
 * size is buffered; an object that fits is sent with one PUT when the stream is closed, a larger
 * one as a multipart upload of part-size parts, completed on close. A failure, or
 * {@link #abort()}, aborts the multipart upload so no parts are left behind. The object appears
 * only when {@link #close()} returns. Not thread-safe.
 */
public final class UploadStream extends OutputStream {
    private static final int INITIAL_BUFFER = 64 * 1024;

    private final ObjectStore store;
    private final String key;
    private final int partSize;
    private final List<CompletedPart> parts = new ArrayList<>();
    private byte[] buffer;
    private int buffered;
    private String uploadId;
    private long total;
    private boolean closed;
    private String etag;

    public UploadStream(ObjectStore store, String key) {
        this.store = requireNonNull(store, "store is null");
        this.key = requireNonNull(key, "key is null");
        this.partSize = (int) Math.min(store.settings().partSize(), Integer.MAX_VALUE - 64);
        this.buffer = new byte[Math.min(INITIAL_BUFFER, partSize)];
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        if (closed) {
            throw new IOException("the upload of " + store.describe(key) + " is closed");
        }
        while (len > 0) {
            if (buffered == buffer.length && buffer.length < partSize) {
                buffer = Arrays.copyOf(buffer, (int) Math.min((long) buffer.length * 2, partSize));
            }
            int n = Math.min(len, buffer.length - buffered);
            System.arraycopy(b, off, buffer, buffered, n);
            buffered += n;
            total += n;
            off += n;
            len -= n;
            if (buffered == partSize) {
                uploadBufferedPart();
            }
        }
    }

    private void uploadBufferedPart() throws IOException {
        try {
            if (uploadId == null) {
                uploadId = store.createMultipartUpload(key);
            }
            parts.add(store.uploadPart(key, uploadId, parts.size() + 1, buffer, buffered));
            buffered = 0;
        } catch (IOException | RuntimeException e) {
            abortQuietly(e);
            throw e;
        }
    }

    /** Bytes written so far. */
    public long count() {
        return total;
    }

    /** The object's ETag once closed. */
    public String etag() {
        if (etag == null) {
            throw new IllegalStateException("the upload of " + store.describe(key) + " is not complete");
        }
        return etag;
    }

    /** Finishes the upload: the object exists when this returns. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (uploadId == null) {
                etag = store.put(key, Arrays.copyOf(buffer, buffered), Map.of());
            } else {
                if (buffered > 0) {
                    parts.add(store.uploadPart(key, uploadId, parts.size() + 1, buffer, buffered));
                }
                etag = store.completeMultipartUpload(key, uploadId, parts);
            }
        } catch (IOException | RuntimeException e) {
            abortQuietly(e);
            throw e;
        } finally {
            buffer = null;
        }
    }

    /** Abandons the upload: a multipart upload is aborted; nothing appears. Idempotent. */
    public void abort() throws IOException {
        boolean wasClosed = closed;
        closed = true;
        buffer = null;
        if (!wasClosed && uploadId != null) {
            String id = uploadId;
            uploadId = null;
            store.abortMultipartUpload(key, id);
        }
    }

    private void abortQuietly(Exception cause) {
        closed = true;
        if (uploadId != null) {
            try {
                store.abortMultipartUpload(key, uploadId);
            } catch (IOException | RuntimeException e) {
                cause.addSuppressed(e);
            }
            uploadId = null;
        }
    }
}
