package dev.lifeboat.backend.azure.internal;

import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.storage.blob.options.BlockBlobCommitBlockListOptions;
import com.azure.storage.blob.options.BlockBlobStageBlockOptions;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * Streams bytes into one block blob without holding more than one block in memory: a blob that
 * fits in one block is written with a single Put Blob when the stream is closed; a larger one is
 * staged block by block (Put Block) and made visible at once by Put Block List on close. Nothing is
 * visible before {@link #close()} returns; {@link #abort()} leaves only uncommitted blocks, which
 * the service discards by itself (after a week) and which are never readable.
 */
public final class BlockUpload extends OutputStream {
    private final Blobs blobs;
    private final String name;
    private final byte[] buffer;
    private final List<String> blockIds = new ArrayList<>();
    private int filled;
    private boolean done;

    public BlockUpload(Blobs blobs, String name) {
        this.blobs = blobs;
        this.name = name;
        this.buffer = new byte[(int) Math.min(blobs.settings().blockSize(), Integer.MAX_VALUE - 64)];
    }

    /** How many requests the upload made so far (blocks staged). */
    public int blocksStaged() {
        return blockIds.size();
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (done) {
            throw new IOException("the upload of " + blobs.describe(name) + " is closed");
        }
        while (len > 0) {
            if (filled == buffer.length) {
                stage();
            }
            int n = Math.min(len, buffer.length - filled);
            System.arraycopy(b, off, buffer, filled, n);
            filled += n;
            off += n;
            len -= n;
        }
    }

    private void stage() throws IOException {
        String id = Base64.getEncoder().encodeToString(String.format("%010d", blockIds.size())
                .getBytes(StandardCharsets.US_ASCII));
        byte[] block = Arrays.copyOf(buffer, filled);
        blobs.call("stage a block of", name, () -> blobs.blockBlob(name).stageBlockWithResponse(
                new BlockBlobStageBlockOptions(id, BinaryData.fromBytes(block)), blobs.callTimeout(), Context.NONE));
        blockIds.add(id);
        filled = 0;
    }

    @Override
    public void close() throws IOException {
        if (done) {
            return;
        }
        done = true;
        if (blockIds.isEmpty()) {
            blobs.put(name, Arrays.copyOf(buffer, filled));
            return;
        }
        if (filled > 0) {
            stage();
        }
        // Committing a block list is idempotent: a retry after a lost answer commits the same list.
        blobs.call("commit the blocks of", name, () -> blobs.blockBlob(name).commitBlockListWithResponse(
                new BlockBlobCommitBlockListOptions(blockIds), blobs.callTimeout(), Context.NONE));
    }

    /** Gives up: nothing was committed, so nothing becomes visible. */
    public void abort() {
        done = true;
    }
}
