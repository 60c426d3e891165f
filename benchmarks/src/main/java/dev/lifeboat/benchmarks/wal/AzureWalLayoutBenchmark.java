package dev.lifeboat.benchmarks.wal;

import dev.lifeboat.backend.azure.internal.AzureLogStorage;
import dev.lifeboat.benchmarks.BenchSupport;
import dev.lifeboat.benchmarks.servers.BackendFixture;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
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
 * The acknowledged-write path of the two write-ahead log layouts on Azure Blob Storage, on
 * Azurite, at the storage level (below group commit): one op = one batch of {@code batchRecords}
 * framed records of {@code recordBytes}, durable when the op returns. A batch of 1 is what one
 * writer's group commit sends; a batch of 16 what 16 writers' does (each waits for its own
 * acknowledgement, so a batch holds at most one record per writer).
 *
 * <ul>
 *   <li>{@code appendBlob}: the backend's {@link AzureLogStorage} writing the batch, one Append
 *       Block with the append-position condition (and its rolls: seal, create, head).
 *   <li>{@code batchBlob}: the S3 backend's layout with the Azure SDK ({@link AzureBatchLayout}):
 *       one Put Blob per batch with {@code If-None-Match: *} and metadata, plus the lease
 *       heartbeat on the head.
 *   <li>{@code rawPut}: the baseline, one Put Blob of the same bytes without condition.
 * </ul>
 *
 * The requests each op costs are counted ({@link AzureRequests}) and printed when the trial ends.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(
        value = 1,
        jvmArgsAppend = {
            BenchSupport.FLAG_REFLECT,
            BenchSupport.FLAG_NIO,
            BenchSupport.FLAG_REF,
            BenchSupport.FLAG_ANALYTICS,
            BenchSupport.FLAG_HEAP
        })
public class AzureWalLayoutBenchmark {
    @Param({"1", "16"})
    public int batchRecords;

    @Param({"1024"})
    public int recordBytes;

    private BackendFixture fixture;
    private AzureLogStorage appendLog;
    private AzureBatchLayout batchLayout;
    private ByteBuffer payload;
    private long nextLsn;
    private long ops;

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) throws IOException {
        fixture = BackendFixture.start("azure");
        try {
            payload = BenchSupport.record(recordBytes);
            // Only the layout measured is opened, so the requests counted are all its own (the
            // batch layout's heartbeat included).
            if (params.getBenchmark().endsWith(".appendBlob")) {
                appendLog = AzureLogStorage.openWriter(
                        AzureBatchLayout.blobs(fixture.uri("append"), fixture.options()),
                        AzureBatchLayout.walSettings());
            } else {
                batchLayout = new AzureBatchLayout(AzureBatchLayout.blobs(fixture.uri("batches"), fixture.options()));
                if (params.getBenchmark().endsWith(".batchBlob")) {
                    batchLayout.openWriter();
                }
            }
        } catch (IOException | RuntimeException e) {
            fixture.closeAfter(e);
            throw e;
        }
        AzureRequests.start();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        System.out.println();
        System.out.println(AzureRequests.report("batch of " + batchRecords, ops));
        System.out.println(AzureRequests.report("record", ops * batchRecords));
        try {
            if (batchLayout != null) {
                batchLayout.close();
            }
            if (appendLog != null) {
                appendLog.close();
            }
        } finally {
            fixture.close();
        }
    }

    @Benchmark
    public long appendBlob() throws IOException {
        long first = nextLsn;
        List<ByteBuffer> frames = AzureBatchLayout.frames(first, batchRecords, payload);
        appendLog.write(frames, first, first + batchRecords - 1);
        appendLog.persist(dev.lifeboat.spi.wal.Durability.SYNC);
        return done(first);
    }

    @Benchmark
    public long batchBlob() throws IOException {
        long first = nextLsn;
        byte[] bytes = AzureBatchLayout.concat(AzureBatchLayout.frames(first, batchRecords, payload));
        batchLayout.putBatch(first, batchRecords, first + batchRecords - 1, bytes);
        return done(first);
    }

    @Benchmark
    public long rawPut() throws IOException {
        long first = nextLsn;
        byte[] bytes = AzureBatchLayout.concat(AzureBatchLayout.frames(first, batchRecords, payload));
        batchLayout.putRaw(first, bytes);
        return done(first);
    }

    private long done(long first) {
        nextLsn = first + batchRecords;
        ops++;
        return first;
    }
}
