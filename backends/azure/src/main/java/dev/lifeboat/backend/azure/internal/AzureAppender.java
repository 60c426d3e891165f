package dev.lifeboat.backend.azure.internal;

import static dev.lifeboat.backend.azure.internal.AzureLogStorage.HEAD;
import static dev.lifeboat.backend.azure.internal.AzureSegments.seal;
import static dev.lifeboat.backend.azure.internal.AzureSegments.segmentName;

import com.azure.core.util.Context;
import com.azure.storage.blob.models.AppendBlobRequestConditions;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.options.AppendBlobCreateOptions;
import com.azure.storage.blob.specialized.AppendBlobClient;
import dev.lifeboat.backend.common.wal.WalSettings;
import dev.lifeboat.spi.ConcurrentWriterException;
import dev.lifeboat.spi.FencedException;
import dev.lifeboat.spi.OutcomeUnknownException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The writing side of an {@link AzureLogStorage}: the writer's generation and the head it wrote
 * last, the segment being written (its length and block count), Append Blocks at the expected
 * position, rolling to a new segment, and telling a fenced writer from an append that landed. A
 * read-only view has one too, with no segment and generation -1; the storage refuses to write
 * through it.
 */
final class AzureAppender {
    /** The largest Append Block every service version accepts. */
    static final int MAX_APPEND = 4 << 20;
    /** Append blobs hold at most 50,000 blocks; roll well before. */
    static final int MAX_BLOCKS = 49_000;

    private final Blobs blobs;
    private final WalSettings settings;
    private final long generation;
    /** The storage's newest timestamps of sealed segments: a segment this writer seals is forgotten there. */
    private final Map<String, Long> newestOfSealed;
    // writer state, touched by the committer thread only (and read by last())
    private volatile String current;
    private long currentLength;
    private int currentBlocks;
    private volatile long nextLsn;
    /** The ETag of the head this writer wrote last: every head write is conditional on it. */
    private volatile String headEtag;

    AzureAppender(Blobs blobs, WalSettings settings, long generation, long nextLsn, Map<String, Long> newestOfSealed) {
        this.blobs = blobs;
        this.settings = settings;
        this.generation = generation;
        this.nextLsn = nextLsn;
        this.newestOfSealed = newestOfSealed;
    }

    /** Starts the writer's first segment at {@code firstLsn}; {@code headEtag} is the head it wrote when it opened. */
    void start(String headEtag, long firstLsn) throws IOException {
        this.headEtag = headEtag;
        startSegment(firstLsn);
    }

    /** The segment being written; null for a read-only view. */
    String current() {
        return current;
    }

    /** The LSN after the last record written. */
    long nextLsn() {
        return nextLsn;
    }

    /**
     * Records {@code newest} as the newest segment and every record below {@code persistedEnd} as
     * persisted, if no other writer wrote the head since this one did ({@code If-Match}).
     *
     * @return false if another writer did
     */
    boolean writeHead(String newest, long persistedEnd) throws IOException {
        byte[] bytes = new WalHead(generation, Optional.of(newest), persistedEnd).encode();
        Optional<String> etag;
        try {
            etag = blobs.putIfMatch(HEAD, bytes, headEtag, null);
        } catch (OutcomeUnknownException e) {
            Optional<Blobs.Blob> now = blobs.get(HEAD);
            etag = now.isPresent() && Arrays.equals(now.get().bytes(), bytes)
                    ? Optional.of(now.get().etag())
                    : Optional.empty();
        }
        etag.ifPresent(t -> headEtag = t);
        return etag.isPresent();
    }

    private long currentGeneration() throws IOException {
        Blobs.Blob head = blobs.get(HEAD).orElseThrow(() -> new NoSuchFileException(blobs.describe(HEAD)));
        return WalHead.decode(head.bytes(), blobs.describe(HEAD)).generation();
    }

    private void startSegment(long firstLsn) throws IOException {
        String name = segmentName(firstLsn, generation);
        AppendBlobClient c = blobs.blob(name).getAppendBlobClient();
        try {
            blobs.callWrite(
                    "create",
                    name,
                    () -> c.createWithResponse(
                            new AppendBlobCreateOptions()
                                    .setRequestConditions(new com.azure.storage.blob.models.BlobRequestConditions()
                                            .setIfNoneMatch("*")),
                            blobs.callTimeout(),
                            Context.NONE));
        } catch (Blobs.ConditionFailed e) {
            throw new ConcurrentWriterException("segment " + blobs.describe(name) + " already exists: another writer"
                    + " of generation " + generation + " is active");
        } catch (OutcomeUnknownException e) {
            Optional<BlobProperties> p = blobs.head(name);
            if (p.isEmpty() || p.get().getBlobSize() != 0) {
                throw e;
            }
        }
        current = name;
        currentLength = 0;
        currentBlocks = 0;
        // Every record below firstLsn is persisted (Append Block is durable when it returns). A
        // head written by a newer writer since this one's refuses the write: this writer is fenced.
        if (!writeHead(name, firstLsn)) {
            seal(blobs, name);
            throw fenced(currentGeneration());
        }
    }

    private FencedException fenced(long newer) {
        return new FencedException(
                "write-ahead log " + blobs.location() + " (writer generation " + generation + ")", generation, newer);
    }

    void write(List<ByteBuffer> frames, long firstLsn) throws IOException {
        long lsn = firstLsn;
        ByteArrayOutputStream batch = new ByteArrayOutputStream();
        for (ByteBuffer frame : frames) {
            int len = frame.remaining();
            boolean full = currentLength + batch.size() > 0
                    && (currentLength + batch.size() + len > settings.segmentBytes() || currentBlocks >= MAX_BLOCKS);
            if (full) {
                flush(batch);
                seal(blobs, current);
                newestOfSealed.remove(current);
                startSegment(lsn);
            }
            byte[] bytes = new byte[len];
            frame.duplicate().get(bytes);
            if (batch.size() + len > MAX_APPEND) {
                flush(batch);
            }
            batch.write(bytes, 0, len);
            lsn++;
        }
        flush(batch);
        nextLsn = lsn;
    }

    /** Appends the batch (in blocks of at most MAX_APPEND bytes) at the current end, then clears it. */
    private void flush(ByteArrayOutputStream batch) throws IOException {
        byte[] all = batch.toByteArray();
        batch.reset();
        for (int off = 0; off < all.length; off += MAX_APPEND) {
            byte[] block = Arrays.copyOfRange(all, off, Math.min(all.length, off + MAX_APPEND));
            append(block);
        }
    }

    private void append(byte[] block) throws IOException {
        AppendBlobClient c = blobs.blob(current).getAppendBlobClient();
        long position = currentLength;
        try {
            blobs.callWrite(
                    "append to",
                    current,
                    () -> c.appendBlockWithResponse(
                            new ByteArrayInputStream(block),
                            block.length,
                            null,
                            new AppendBlobRequestConditions().setAppendPosition(position),
                            blobs.callTimeout(),
                            Context.NONE));
        } catch (Blobs.ConditionFailed | OutcomeUnknownException e) {
            // 409 sealed: a newer writer fenced this one. 412 or no answer: an SDK retry of an
            // append that landed is refused by its own success; tell by reading back.
            if (!landed(position, block)) {
                Optional<BlobProperties> p = blobs.head(current);
                if (p.isPresent() && Boolean.TRUE.equals(p.get().isSealed())) {
                    throw fenced(currentGeneration());
                }
                throw e;
            }
        }
        currentLength += block.length;
        currentBlocks++;
    }

    private boolean landed(long position, byte[] block) throws IOException {
        Optional<BlobProperties> p = blobs.head(current);
        if (p.isEmpty() || p.get().getBlobSize() < position + block.length) {
            return false;
        }
        return Arrays.equals(blobs.getRange(current, position, block.length), block);
    }
}
