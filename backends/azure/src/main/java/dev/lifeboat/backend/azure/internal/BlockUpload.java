package dev.lifeboat.backend.azure.internal;

import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.storage.blob.models.BlobRequestConditions;
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
    private final int blockSize;
    private byte[] buffer;
    private final List<String> blockIds = new ArrayList<>();
    private final String blockIdPrefix;
    private final boolean ifAbsent;
    private int filled;
    private boolean done;

    /** An upload that overwrites whatever is at {@code name} (names unique to one writer). */
    public BlockUpload(Blobs blobs, String name) {
        this(blobs, name, "", false);
    }

    /**
     * @param blockIdPrefix makes this upload's block ids differ from another upload's to the same
     *     name (every upload to one name must use prefixes of one length)
     * @param ifAbsent commit with {@code If-None-Match: *}: {@link #finish()} says whether it won
     */
    public BlockUpload(Blobs blobs, String name, String blockIdPrefix, boolean ifAbsent) {
        this.blobs = blobs;
        this.name = name;
        this.blockIdPrefix = blockIdPrefix;
        this.ifAbsent = ifAbsent;
        this.blockSize = (int) Math.min(blobs.settings().blockSize(), Integer.MAX_VALUE - 64);
        this.buffer = new byte[Math.min(blockSize, 64 * 1024)]; // grows up to blockSize
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
                if (buffer.length < blockSize) {
                    buffer = Arrays.copyOf(buffer, (int) Math.min(blockSize, buffer.length * 2L));
                } else {
                    stage();
                }
            }
            int n = Math.min(len, buffer.length - filled);
            System.arraycopy(b, off, buffer, filled, n);
            filled += n;
            off += n;
            len -= n;
        }
    }

    private void stage() throws IOException {
        String id = Base64.getEncoder()
                .encodeToString(
                        (blockIdPrefix + String.format("%010d", blockIds.size())).getBytes(StandardCharsets.US_ASCII));
        byte[] block = Arrays.copyOf(buffer, filled);
        blobs.call(
                "stage a block of",
                name,
                () -> blobs.blockBlob(name)
                        .stageBlockWithResponse(
                                new BlockBlobStageBlockOptions(id, BinaryData.fromBytes(block)),
                                blobs.callTimeout(),
                                Context.NONE));
        blockIds.add(id);
        filled = 0;
    }

    @Override
    public void close() throws IOException {
        if (!done) {
            finish();
        }
    }

    /**
     * Makes the blob visible (Put Blob, or Put Block List after staged blocks).
     *
     * @return false if the upload was conditional and a blob was already there (409/412); then
     *     this upload's bytes are not visible. With a lost answer, an SDK retry of a conditional
     *     upload that did land is refused too: the caller tells by reading back.
     * @throws dev.lifeboat.spi.OutcomeUnknownException if a conditional commit's answer was lost
     */
    public boolean finish() throws IOException {
        if (done) {
            throw new IllegalStateException("the upload of " + blobs.describe(name) + " is finished");
        }
        done = true;
        if (blockIds.isEmpty()) {
            byte[] bytes = Arrays.copyOf(buffer, filled);
            if (!ifAbsent) {
                blobs.put(name, bytes);
                return true;
            }
            return blobs.putIfAbsent(name, bytes).isPresent();
        }
        if (filled > 0) {
            stage();
        }
        BlobRequestConditions conditions =
                ifAbsent ? new BlobRequestConditions().setIfNoneMatch("*") : new BlobRequestConditions();
        try {
            // An unconditional block list commit is idempotent: a retry commits the same list.
            blobs.callWrite(
                    "commit the blocks of",
                    name,
                    () -> blobs.blockBlob(name)
                            .commitBlockListWithResponse(
                                    new BlockBlobCommitBlockListOptions(blockIds).setRequestConditions(conditions),
                                    blobs.callTimeout(),
                                    Context.NONE));
            return true;
        } catch (Blobs.ConditionFailed e) {
            if (!ifAbsent) {
                throw e;
            }
            return false;
        }
    }

    /** Gives up: nothing was committed, so nothing becomes visible. */
    public void abort() {
        done = true;
    }
}
