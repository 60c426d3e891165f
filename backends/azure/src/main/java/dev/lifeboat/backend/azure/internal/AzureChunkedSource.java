package dev.lifeboat.backend.azure.internal;

import dev.lifeboat.backend.common.wal.SegmentSource;
import java.io.IOException;
import java.nio.ByteBuffer;

/** Ranged reads of a segment in 1 MiB chunks, keeping the last chunk. */
final class AzureChunkedSource implements SegmentSource {
    private static final int CHUNK = 1 << 20;

    private final Blobs blobs;
    private final String name;
    private final long size;
    private long chunkStart = -1;
    private byte[] chunk = new byte[0];

    AzureChunkedSource(Blobs blobs, String name, long size) {
        this.blobs = blobs;
        this.name = name;
        this.size = size;
    }

    @Override
    public String name() {
        return blobs.describe(name);
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public void read(long position, ByteBuffer dst) throws IOException {
        while (dst.hasRemaining() && position < size) {
            if (position < chunkStart || position >= chunkStart + chunk.length) {
                long start = position;
                long want = Math.min(size - start, Math.max(CHUNK, dst.remaining()));
                chunk = blobs.getRange(name, start, want);
                chunkStart = start;
                if (chunk.length == 0) {
                    return; // shrank (fault injection)
                }
            }
            int from = (int) (position - chunkStart);
            int n = Math.min(dst.remaining(), chunk.length - from);
            dst.put(chunk, from, n);
            position += n;
        }
    }
}
