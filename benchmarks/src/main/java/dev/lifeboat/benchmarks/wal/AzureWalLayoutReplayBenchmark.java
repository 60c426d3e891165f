package dev.lifeboat.benchmarks.wal;

import dev.lifeboat.backend.azure.internal.AzureLogStorage;
import dev.lifeboat.backend.azure.internal.Blobs;
import dev.lifeboat.backend.common.wal.RecordFrame;
import dev.lifeboat.backend.common.wal.WalSettings;
import dev.lifeboat.benchmarks.BenchSupport;
import dev.lifeboat.benchmarks.servers.BackendFixture;
import dev.lifeboat.spi.wal.CloseableIterator;
import dev.lifeboat.spi.wal.LogRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Replaying the same {@code records} framed records of 1 KiB, written in batches of
 * {@code batchRecords}, from the two write-ahead log layouts on Azure Blob Storage (Azurite), every
 * record's CRC32C verified. One op = one full pass from a fresh reader.
 *
 * <ul>
 *   <li>{@code appendBlob}: the backend's {@link AzureLogStorage} reader (GET of the head, LIST,
 *       ranged GETs of 1 MiB). Its segment holds the same bytes whatever the batch size (an
 *       append blob's blocks do not show in a read), so it is written in 1 MiB appends.
 *   <li>{@code batchBlob}: {@link AzureBatchLayout#replay}: GET of the head, LIST, one GET per
 *       batch blob with four in flight.
 *   <li>{@code rawGet}: the baseline, one GET of a block blob holding the same bytes.
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(
        value = 1,
        jvmArgsAppend = {
            BenchSupport.FLAG_REFLECT,
            BenchSupport.FLAG_NIO,
            BenchSupport.FLAG_REF,
            BenchSupport.FLAG_ANALYTICS,
            BenchSupport.FLAG_HEAP
        })
public class AzureWalLayoutReplayBenchmark {
    private static final int RECORD_BYTES = 1024;
    private static final ByteBuffer PAYLOAD = BenchSupport.record(RECORD_BYTES);

    @Param({"1", "16"})
    public int batchRecords;

    @Param({"4096"})
    public int records;

    private BackendFixture fixture;
    private Blobs appendBlobs;
    private Blobs batchBlobs;
    private Blobs rawBlobs;
    private WalSettings settings;
    private ExecutorService readers;
    private long ops;

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) throws Exception {
        if (records % batchRecords != 0) {
            throw new IllegalArgumentException(
                    "records " + records + " is not a multiple of batchRecords " + batchRecords);
        }
        fixture = BackendFixture.start("azure");
        readers = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "batch-layout-reader");
            t.setDaemon(true);
            return t;
        });
        try {
            // Only the layout measured is written.
            String method =
                    params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1);
            switch (method) {
                case "appendBlob" -> writeAppendBlob();
                case "batchBlob" -> writeBatchBlobs();
                case "rawGet" -> {
                    rawBlobs = AzureBatchLayout.blobs(fixture.uri("raw"), fixture.options());
                    rawBlobs.put("log", AzureBatchLayout.concat(AzureBatchLayout.frames(0, records, PAYLOAD)));
                }
                default -> throw new IllegalStateException("no set-up for " + method);
            }
        } catch (Exception e) {
            readers.shutdownNow();
            fixture.closeAfter(e);
            throw e;
        }
        AzureRequests.start();
    }

    private void writeAppendBlob() throws IOException {
        settings = AzureBatchLayout.walSettings();
        appendBlobs = AzureBatchLayout.blobs(fixture.uri("append"), fixture.options());
        AzureLogStorage writer = AzureLogStorage.openWriter(appendBlobs, settings);
        int chunk = (1 << 20) / (RECORD_BYTES + RecordFrame.HEADER_BYTES);
        for (int first = 0; first < records; first += chunk) {
            int n = Math.min(chunk, records - first);
            writer.write(AzureBatchLayout.frames(first, n, PAYLOAD), first, first + n - 1);
        }
        writer.close();
    }

    private void writeBatchBlobs() throws Exception {
        batchBlobs = AzureBatchLayout.blobs(fixture.uri("batches"), fixture.options());
        try (AzureBatchLayout batches = new AzureBatchLayout(batchBlobs)) {
            batches.openWriter(); // the head, which a reader verifies first
            List<Future<?>> puts = new ArrayList<>();
            for (int first = 0; first < records; first += batchRecords) {
                int f = first;
                puts.add(readers.submit(() -> {
                    batches.putBatch(
                            f,
                            batchRecords,
                            f + batchRecords - 1,
                            AzureBatchLayout.concat(AzureBatchLayout.frames(f, batchRecords, PAYLOAD)));
                    return null;
                }));
            }
            for (Future<?> put : puts) {
                put.get();
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        System.out.println();
        System.out.println(AzureRequests.report("replay of " + records + " records", ops));
        readers.shutdownNow();
        fixture.close();
    }

    @Benchmark
    public long appendBlob() throws IOException {
        long n = 0;
        try (AzureLogStorage reader = AzureLogStorage.openReader(appendBlobs, settings);
                CloseableIterator<LogRecord> it = reader.replay(0)) {
            while (it.hasNext()) {
                LogRecord r = it.next();
                if (r.handle().lsn() != n) {
                    throw new IOException("record " + r.handle().lsn() + " where " + n + " was expected");
                }
                n++;
            }
        }
        return checked(n);
    }

    @Benchmark
    public long batchBlob() throws IOException {
        return checked(AzureBatchLayout.replay(batchBlobs, readers));
    }

    @Benchmark
    public long rawGet() throws IOException {
        byte[] bytes = rawBlobs.get("log").orElseThrow().bytes();
        return checked(AzureBatchLayout.verify(ByteBuffer.wrap(bytes), 0));
    }

    private long checked(long read) throws IOException {
        if (read != records) {
            throw new IOException("replayed " + read + " records of " + records);
        }
        ops++;
        return read;
    }
}
