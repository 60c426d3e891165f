package dev.lifeboat.backend.local.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Objects;

/**
 * A checkpoint part's bytes to its file with one copy at most. A small write is copied into a
 * direct buffer, which goes to the file as it is; a write at least as large as the buffer goes to
 * the file from the caller's array (which the JDK copies once into a direct buffer of its own, as
 * for any heap buffer). A buffered stream over {@code Channels.newOutputStream} copied small writes
 * twice: into its heap buffer, then into the JDK's direct one.
 *
 * <p>The buffer is the writer's, lent to one part at a time. Not thread-safe: the checkpoint
 * writer serialises its parts.
 */
final class LocalPartStream extends OutputStream {
    private final FileChannel channel;
    private final ByteBuffer buffer;

    /**
     * @param buffer a direct buffer, cleared here; not used by anyone else until the part ends
     */
    LocalPartStream(FileChannel channel, ByteBuffer buffer) {
        this.channel = Objects.requireNonNull(channel, "channel");
        this.buffer = Objects.requireNonNull(buffer, "buffer").clear();
    }

    @Override
    public void write(int b) throws IOException {
        if (!buffer.hasRemaining()) {
            drain();
        }
        buffer.put((byte) b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len >= buffer.capacity()) {
            drain();
            writeFully(ByteBuffer.wrap(b, off, len));
            return;
        }
        if (len > buffer.remaining()) {
            drain();
        }
        buffer.put(b, off, len);
    }

    /** Writes what is buffered to the file (not forced: the part's finish forces it). */
    @Override
    public void flush() throws IOException {
        drain();
    }

    private void drain() throws IOException {
        buffer.flip();
        try {
            writeFully(buffer);
        } finally {
            buffer.clear();
        }
    }

    private void writeFully(ByteBuffer src) throws IOException {
        while (src.hasRemaining()) {
            channel.write(src);
        }
    }
}
