package dev.lifeboat.backend.local.internal;

import dev.lifeboat.backend.common.shuffle.AbstractMapOutputWriter;
import dev.lifeboat.spi.shuffle.MapOutputId;
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
 * length and CRC32C per block; {@code commit()} asks the store to publish it. The protocol is
 * {@link AbstractMapOutputWriter}'s; see {@link LocalShuffleBlockStore}.
 */
final class LocalShuffleMapOutputWriter extends AbstractMapOutputWriter {
    private static final int BUFFER_BYTES = 64 * 1024;

    private final LocalShuffleBlockStore store;
    private final Path tempData;
    private final FileChannel channel;
    private final BufferedOutputStream data;

    LocalShuffleMapOutputWriter(
            LocalShuffleBlockStore store, MapOutputId id, int numPartitions, Path tempData, FileChannel channel) {
        super(id, numPartitions);
        this.store = store;
        this.tempData = tempData;
        this.channel = channel;
        this.data = new BufferedOutputStream(Channels.newOutputStream(channel), BUFFER_BYTES);
    }

    @Override
    protected OutputStream data() {
        return data;
    }

    @Override
    protected MapStatus publish(long[] lengths, int[] checksums) throws IOException {
        try {
            data.flush();
        } finally {
            channel.close();
        }
        return store.publish(id(), lengths, checksums, tempData);
    }

    @Override
    protected void discard(IOException cause) throws IOException {
        channel.close();
        Files.deleteIfExists(tempData);
    }

    @Override
    protected void checkStoreOpen() {
        store.ensureOpen();
    }

    @Override
    protected void ended(State outcome) {
        store.writerEnded(this);
    }
}
