package dev.lifeboat.backend.local.internal;

import dev.lifeboat.backend.common.io.Crc32cOutputStream;
import dev.lifeboat.spi.shuffle.MapOutputId;
import dev.lifeboat.spi.shuffle.MapOutputWriter;
import dev.lifeboat.spi.shuffle.MapStatus;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes one attempt of one map output into a temporary data file, blocks back to back, with a
 * length and CRC32C per block; {@code commit()} asks the store to publish it. See
 * {@link LocalShuffleBlockStore}.
 */
final class LocalShuffleMapOutputWriter implements MapOutputWriter {
    private static final int BUFFER_BYTES = 64 * 1024;

    private enum State {
        WRITING,
        COMMITTED,
        ABORTED
    }

    private final LocalShuffleBlockStore store;
    private final MapOutputId id;
    private final Path tempData;
    private final FileChannel channel;
    private final BufferedOutputStream data;
    private final long[] lengths;
    private final int[] checksums;
    private int lastOpened = -1;
    private PartitionStream current;
    private State state = State.WRITING;

    LocalShuffleMapOutputWriter(
            LocalShuffleBlockStore store, MapOutputId id, int numPartitions, Path tempData, FileChannel channel) {
        this.store = store;
        this.id = id;
        this.tempData = tempData;
        this.channel = channel;
        this.data = new BufferedOutputStream(Channels.newOutputStream(channel), BUFFER_BYTES);
        this.lengths = new long[numPartitions];
        this.checksums = new int[numPartitions];
    }

    @Override
    public synchronized OutputStream openPartition(int reduceId) throws IOException {
        checkWriting();
        if (reduceId < 0 || reduceId >= lengths.length) {
            throw new IllegalArgumentException("reduce partition " + reduceId + " is out of range [0, " + lengths.length
                    + ") for map output " + id);
        }
        if (reduceId <= lastOpened) {
            throw new IllegalArgumentException("reduce partition " + reduceId + " of map output " + id
                    + " is not greater than the last one opened (" + lastOpened + ")");
        }
        finishCurrent();
        lastOpened = reduceId;
        current = new PartitionStream(reduceId);
        return current;
    }

    @Override
    public synchronized MapStatus commit() throws IOException {
        checkWriting();
        store.ensureOpen();
        boolean done = false;
        try {
            finishCurrent();
            try {
                data.flush();
            } finally {
                channel.close();
            }
            MapStatus status = store.publish(id, lengths, checksums, tempData);
            done = true;
            return status;
        } finally {
            if (done) {
                state = State.COMMITTED;
                store.writerEnded(this);
            } else {
                abort();
            }
        }
    }

    @Override
    public synchronized void close() throws IOException {
        if (state == State.WRITING) {
            abort();
        }
    }

    @Override
    public String toString() {
        return "LocalShuffleMapOutputWriter[" + id + ", " + state + "]";
    }

    private void abort() throws IOException {
        state = State.ABORTED;
        if (current != null) {
            current.closed = true;
            current = null;
        }
        try {
            channel.close();
            Files.deleteIfExists(tempData);
        } finally {
            store.writerEnded(this);
        }
    }

    private void checkWriting() {
        switch (state) {
            case COMMITTED -> throw new IllegalStateException("map output " + id + " is already committed");
            case ABORTED ->
                throw new IllegalStateException(
                        "map output " + id + " was aborted (closed, failed or its store closed)");
            default -> {}
        }
    }

    private void finishCurrent() {
        if (current != null) {
            current.finish();
            current = null;
        }
    }

    /** One block: counted and checksummed on its way into the shared data file. */
    private final class PartitionStream extends OutputStream {
        private final int reduceId;
        private final Crc32cOutputStream out;
        private boolean closed;

        PartitionStream(int reduceId) {
            this.reduceId = reduceId;
            this.out = new Crc32cOutputStream(data);
        }

        @Override
        public void write(int b) throws IOException {
            checkOpen();
            out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            checkOpen();
            out.write(b, off, len);
        }

        @Override
        public void close() {
            synchronized (LocalShuffleMapOutputWriter.this) {
                if (current == this) {
                    finishCurrent();
                }
                closed = true;
            }
        }

        /** Records the block's length and checksum; the shared data stream stays open. */
        void finish() {
            if (!closed) {
                closed = true;
                lengths[reduceId] = out.count();
                checksums[reduceId] = out.crc32c();
            }
        }

        private void checkOpen() throws IOException {
            if (closed) {
                throw new IOException("partition " + reduceId + " of map output " + id + " is closed");
            }
        }
    }
}
