package dev.lifeboat.backend.hadoop.internal;

import dev.lifeboat.backend.common.wal.SegmentSource;
import dev.lifeboat.spi.CorruptDataException;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.hadoop.fs.ChecksumException;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.client.HdfsDataInputStream;

/**
 * Positional reads of one segment file through a read-ahead buffer, so that scanning many small
 * records costs few round trips to the datanodes. The size is fixed when the file is opened: on
 * HDFS it is the visible length, which includes every byte the writer has flushed (the length
 * the namenode reports leaves out a block being written).
 */
final class HadoopSegmentSource implements SegmentSource, Closeable {
    private static final int BUFFER = 1 << 20;

    private final String name;
    private final FSDataInputStream in;
    private final long size;
    private final byte[] buffer;
    private long bufferStart = -1;
    private int bufferLength;

    private HadoopSegmentSource(String name, FSDataInputStream in, long size) {
        this.name = name;
        this.in = in;
        this.size = size;
        this.buffer = new byte[(int) Math.min(BUFFER, Math.max(size, 1))];
    }

    static HadoopSegmentSource open(FileSystem fs, Path path) throws IOException {
        FSDataInputStream in = fs.open(path);
        try {
            long size = in instanceof HdfsDataInputStream hdfs
                    ? hdfs.getVisibleLength()
                    : fs.getFileStatus(path).getLen();
            return new HadoopSegmentSource(path.toString(), in, size);
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public void read(long position, ByteBuffer dst) throws IOException {
        long pos = position;
        while (dst.hasRemaining() && pos < size) {
            if (bufferStart < 0 || pos < bufferStart || pos >= bufferStart + bufferLength) {
                fill(pos);
            }
            int from = (int) (pos - bufferStart);
            int n = Math.min(dst.remaining(), bufferLength - from);
            dst.put(buffer, from, n);
            pos += n;
        }
    }

    private void fill(long position) throws IOException {
        int want = (int) Math.min(buffer.length, size - position);
        int got = 0;
        try {
            while (got < want) {
                int n = in.read(position + got, buffer, got, want - got);
                if (n < 0) {
                    break;
                }
                got += n;
            }
        } catch (ChecksumException e) {
            throw new CorruptDataException(name, e.getPos(), "the file system's checksum failed: " + e.getMessage(), e);
        }
        if (got < want) {
            throw new java.io.EOFException(name + " ended at " + (position + got) + " before its length " + size);
        }
        bufferStart = position;
        bufferLength = got;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
