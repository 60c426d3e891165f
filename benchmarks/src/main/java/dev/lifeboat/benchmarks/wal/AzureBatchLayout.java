package dev.lifeboat.benchmarks.wal;

import static java.util.Objects.requireNonNull;

import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.options.BlockBlobSimpleUploadOptions;
import dev.lifeboat.backend.azure.internal.AzureLogStorage;
import dev.lifeboat.backend.azure.internal.AzureSettings;
import dev.lifeboat.backend.azure.internal.Blobs;
import dev.lifeboat.backend.common.wal.RecordFrame;
import dev.lifeboat.backend.common.wal.WalSettings;
import dev.lifeboat.spi.CorruptDataException;
import dev.lifeboat.spi.Options;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The two write-ahead log layouts on Azure Blob Storage that {@link AzureWalLayoutBenchmark} and
 * {@link AzureWalLayoutReplayBenchmark} compare, on one {@link Blobs} client (the backend's: its
 * JDK transport, deadlines and single retry layer) so both see the same conditions.
 *
 * <ul>
 *   <li><b>Append blob</b> (what the backend does): the backend's own {@link AzureLogStorage}, one
 *       Append Block with the append-position condition per batch, sealed segments, ranged reads.
 *   <li><b>Immutable batch blobs</b> (what the S3 backend does, rebuilt here with the Azure SDK,
 *       not as a backend): one Put Blob per batch named by its first LSN with {@code If-None-Match:
 *       *} and the record count and newest timestamp as metadata; a head blob holding the writer's
 *       lease, rewritten with {@code If-Match} every {@code renew-interval} (3 s, the S3 default)
 *       by a heartbeat thread; replay = GET the head, LIST the batches, GET each batch (four in
 *       flight, as the S3 backend reads ahead) and verify every frame.
 * </ul>
 */
final class AzureBatchLayout implements AutoCloseable {
    /** The S3 backend's default {@code renew-interval}. */
    static final Duration RENEW_INTERVAL = Duration.ofSeconds(3);

    static final String HEAD = "head";
    static final String BATCHES = "batches/";

    private final Blobs blobs;
    private ScheduledExecutorService heartbeat;
    private volatile String headEtag;
    private long renewals;

    AzureBatchLayout(Blobs blobs) {
        this.blobs = requireNonNull(blobs, "blobs");
    }

    static Blobs blobs(URI uri, Map<String, String> options) {
        return Blobs.open(AzureSettings.from(uri, options));
    }

    /** The backend's WAL settings with 64 MiB segments, as every WAL suite uses. */
    static WalSettings walSettings() {
        Options o = Options.of(
                "wal",
                Map.of("durability", "sync", "segment-bytes", "64MiB", "max-record-bytes", "1MiB"),
                WalSettings.OPTIONS);
        WalSettings s = WalSettings.from(o);
        o.validate();
        return s;
    }

    /** {@code count} frames of {@code payload} from {@code firstLsn} on. */
    static List<ByteBuffer> frames(long firstLsn, int count, ByteBuffer payload) {
        int crc = RecordFrame.payloadCrc(payload.duplicate());
        List<ByteBuffer> frames = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            frames.add(RecordFrame.encode(firstLsn + i, firstLsn + i, payload.duplicate(), crc));
        }
        return frames;
    }

    static byte[] concat(List<ByteBuffer> frames) {
        int size = frames.stream().mapToInt(ByteBuffer::remaining).sum();
        ByteBuffer all = ByteBuffer.allocate(size);
        frames.forEach(f -> all.put(f.duplicate()));
        return all.array();
    }

    static String batchName(long firstLsn) {
        return BATCHES + String.format("%020d", firstLsn);
    }

    /** Opens the writer: creates the head ({@code If-None-Match: *}) and starts renewing it. */
    @SuppressWarnings("FutureReturnValueIgnored") // renew() catches its own failures; close() stops the timer
    void openWriter() throws IOException {
        headEtag = blobs.putIfAbsent(HEAD, head(0)).orElseThrow(() -> new IOException("the head exists"));
        heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "batch-layout-lease");
            t.setDaemon(true);
            return t;
        });
        heartbeat.scheduleWithFixedDelay(
                this::renew, RENEW_INTERVAL.toNanos(), RENEW_INTERVAL.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void renew() {
        try {
            headEtag = blobs.putIfMatch(HEAD, head(++renewals), headEtag, null)
                    .orElseThrow(() -> new IOException("fenced"));
        } catch (IOException | RuntimeException e) {
            // as the S3 backend's lease: try again at the next renewal
        }
    }

    private static byte[] head(long renewal) {
        return ("lifeboat-wal batch-layout writer=bench renewal=" + renewal).getBytes(StandardCharsets.US_ASCII);
    }

    /** One acknowledged batch: one Put Blob with {@code If-None-Match: *} and its metadata. */
    void putBatch(long firstLsn, int records, long newest, byte[] bytes) throws IOException {
        String name = batchName(firstLsn);
        Map<String, String> meta =
                Map.of("lifeboatrecords", String.valueOf(records), "lifeboatnewest", String.valueOf(newest));
        blobs.callWrite(
                "write",
                name,
                () -> blobs.blockBlob(name)
                        .uploadWithResponse(
                                new BlockBlobSimpleUploadOptions(BinaryData.fromBytes(bytes))
                                        .setMetadata(meta)
                                        .setRequestConditions(new BlobRequestConditions().setIfNoneMatch("*")),
                                blobs.callTimeout(),
                                Context.NONE));
    }

    /** The raw baseline of a batch: one Put Blob of the same bytes, no condition, no metadata. */
    void putRaw(long firstLsn, byte[] bytes) throws IOException {
        blobs.put("raw/" + String.format("%020d", firstLsn), bytes);
    }

    /**
     * Replays every record from the batch blobs: GET of the head, LIST, then a GET per batch with
     * four in flight, every frame's header and payload CRC32C verified, LSNs consecutive.
     *
     * @return the records read
     */
    static long replay(Blobs blobs, java.util.concurrent.ExecutorService readers) throws IOException {
        if (blobs.get(HEAD).isEmpty()) {
            throw new IOException("no head");
        }
        List<Blobs.Item> batches = blobs.list(BATCHES);
        List<java.util.concurrent.Future<Optional<Blobs.Blob>>> ahead = new ArrayList<>();
        long expected = 0;
        int next = 0;
        while (next < batches.size() || !ahead.isEmpty()) {
            while (ahead.size() < 4 && next < batches.size()) {
                String name = batches.get(next++).name();
                ahead.add(readers.submit(() -> blobs.get(name)));
            }
            byte[] bytes;
            try {
                bytes = ahead.remove(0)
                        .get()
                        .orElseThrow(() -> new IOException("a listed batch is gone"))
                        .bytes();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted");
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IOException(e.getCause());
            }
            expected = verify(ByteBuffer.wrap(bytes), expected);
        }
        return expected;
    }

    /** Verifies the frames in {@code b}, the first at LSN {@code lsn}; returns the LSN after them. */
    static long verify(ByteBuffer b, long lsn) throws CorruptDataException {
        while (b.hasRemaining()) {
            RecordFrame.Header h = RecordFrame.decodeHeader(b);
            if (h == null || h.lsn() != lsn) {
                throw new CorruptDataException("batch blobs", lsn, "no frame of this LSN");
            }
            ByteBuffer payload = b.duplicate().position(b.position() + RecordFrame.HEADER_BYTES);
            payload.limit(payload.position() + h.length());
            if (RecordFrame.payloadCrc(payload) != h.payloadCrc()) {
                throw new CorruptDataException("batch blobs", lsn, "payload CRC32C mismatch");
            }
            b.position(b.position() + (int) h.frameBytes());
            lsn++;
        }
        return lsn;
    }

    /** Stops renewing the head. */
    @Override
    public void close() {
        if (heartbeat != null) {
            heartbeat.shutdownNow();
        }
    }
}
