package dev.lifeboat.spark.internal;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import org.apache.hadoop.fs.PositionedReadable;
import org.apache.hadoop.fs.Seekable;

/**
 * A verified file held in memory, readable as Hadoop's {@code FSDataInputStream} requires
 * (seekable, positioned reads). Checkpoint files are read whole and verified before Spark sees a
 * byte, so a corrupt file is an error and never a prefix.
 */
public final class SeekableBytes extends ByteArrayInputStream implements Seekable, PositionedReadable {
    public SeekableBytes(byte[] bytes) {
        super(bytes);
    }

    @Override
    public synchronized void seek(long position) throws IOException {
        if (position < 0 || position > count) {
            throw new EOFException("cannot seek to " + position + " in a file of " + count + " bytes");
        }
        pos = (int) position;
    }

    @Override
    public synchronized long getPos() {
        return pos;
    }

    @Override
    public boolean seekToNewSource(long targetPos) {
        return false;
    }

    @Override
    public int read(long position, byte[] buffer, int offset, int length) throws IOException {
        if (position < 0) {
            throw new EOFException("negative position " + position);
        }
        if (position >= count) {
            return -1;
        }
        int n = (int) Math.min(length, count - position);
        System.arraycopy(buf, (int) position, buffer, offset, n);
        return n;
    }

    @Override
    public void readFully(long position, byte[] buffer, int offset, int length) throws IOException {
        if (position < 0 || position + length > count) {
            throw new EOFException(
                    "cannot read " + length + " bytes at " + position + " of a file of " + count + " bytes");
        }
        System.arraycopy(buf, (int) position, buffer, offset, length);
    }

    @Override
    public void readFully(long position, byte[] buffer) throws IOException {
        readFully(position, buffer, 0, buffer.length);
    }
}
