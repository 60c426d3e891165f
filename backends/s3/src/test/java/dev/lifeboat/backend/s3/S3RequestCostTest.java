package dev.lifeboat.backend.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.compat.internal.FaultProxy;
import dev.lifeboat.compat.internal.FaultProxy.Request;
import dev.lifeboat.spi.Lifeboat;
import dev.lifeboat.spi.checkpoint.CheckpointId;
import dev.lifeboat.spi.checkpoint.CheckpointStore;
import dev.lifeboat.spi.checkpoint.CheckpointWriter;
import dev.lifeboat.spi.wal.RecordHandle;
import dev.lifeboat.spi.wal.WriteAheadLog;
import java.io.OutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What each operation costs in S3 requests, counted by a proxy between the client and S3Proxy
 * (the SDK's retries would count too; a request the JDK's HTTP client resends on a closed keep-alive
 * connection counts once; no faults are injected here). These numbers are in
 * {@code docs/backends/s3.md}.
 */
class S3RequestCostTest {
    @SuppressWarnings("UnnecessaryLambda") // a named request filter, passed to the proxy as a value
    private static final Predicate<Request> PUT = r -> r.is("PUT");

    private static final Predicate<Request> COPY = S3Requests::isCopy;

    private static S3TestServer server;
    private static FaultProxy proxy;

    @BeforeAll
    static void start() throws Exception {
        server = S3TestServer.start();
        proxy = new FaultProxy(server.endpoint().getPort());
    }

    @AfterAll
    static void stop() throws Exception {
        proxy.close();
        server.close();
    }

    @AfterEach
    void reset() {
        proxy.resetRequests();
        server.clear();
    }

    private static Map<String, String> options() {
        return server.options(proxy.endpoint());
    }

    @Test
    void checkpointOfNPartsCostsNPartUploadsAndOneManifestPut() throws Exception {
        int parts = 8;
        try (CheckpointStore store = Lifeboat.openCheckpointStore(server.newRoot(), options())) {
            proxy.resetRequests();
            try (CheckpointWriter w = store.begin(CheckpointId.of("state/v-1"))) {
                for (int p = 0; p < parts; p++) {
                    w.writePart("part-" + p, new byte[10_000 + p]);
                }
                w.commit();
            }
            List<Request> all = S3Requests.sdkCalls(proxy);
            assertThat(all)
                    .as("requests of begin + %d parts + commit: %s", parts, all)
                    .hasSize(parts + 1);
            assertThat(S3Requests.countCalls(
                            proxy,
                            r -> PUT.test(r)
                                    && r.pathContains("/checkpoints/attempts/")
                                    && !r.hasHeader("if-none-match")))
                    .as("part uploads")
                    .isEqualTo(parts);
            assertThat(S3Requests.countCalls(
                            proxy,
                            r -> PUT.test(r)
                                    && r.pathContains("/checkpoints/manifests/")
                                    && "*".equals(r.headers().get("if-none-match"))))
                    .as("manifest PUT with If-None-Match: *")
                    .isEqualTo(1);
            assertThat(S3Requests.countCalls(proxy, COPY)).as("copies").isZero();
            assertThat(S3Requests.countCalls(proxy, r -> r.is("POST") || r.is("DELETE")))
                    .as("renames, multipart, deletes")
                    .isZero();
        }
    }

    @Test
    void fencedCommitAddsOneConditionalFenceWriteAndAReadOnlyWhenTheFenceChangedElsewhere() throws Exception {
        int parts = 3;
        URI root = server.newRoot();
        try (CheckpointStore store = Lifeboat.openCheckpointStore(root, options())) {
            for (int round = 0; round < 3; round++) {
                proxy.resetRequests();
                try (CheckpointWriter w = store.begin(CheckpointId.of("offsets", round), 7)) {
                    for (int p = 0; p < parts; p++) {
                        w.writePart("part-" + p, new byte[100]);
                    }
                    w.commit();
                }
                assertThat(S3Requests.countCalls(
                                proxy, r -> r.is("GET") && r.path().endsWith("/checkpoints/epoch")))
                        .as("round %d: fence reads (the first commit of an instance)", round)
                        .isEqualTo(round == 0 ? 1 : 0);
                assertThat(S3Requests.countCalls(
                                proxy,
                                r -> PUT.test(r)
                                        && r.path().endsWith("/checkpoints/epoch")
                                        && (r.hasHeader("if-match") || r.hasHeader("if-none-match"))))
                        .as("round %d: conditional fence writes", round)
                        .isEqualTo(1);
                assertThat(S3Requests.countCalls(proxy, PUT))
                        .as("round %d: all PUTs", round)
                        .isEqualTo(parts + 2);
                assertThat(S3Requests.sdkCalls(proxy))
                        .as("round %d: all requests", round)
                        .hasSize(parts + 2 + (round == 0 ? 1 : 0));
                assertThat(S3Requests.countCalls(proxy, COPY)).isZero();
            }
        }
        // A newer epoch's first commit (another instance): reads the fence, decides the older
        // epoch's last registered commit (refused marker + HEAD: it had landed), then registers.
        try (CheckpointStore successor = Lifeboat.openCheckpointStore(root, options())) {
            proxy.resetRequests();
            try (CheckpointWriter w = successor.begin(CheckpointId.of("offsets", 3), 8)) {
                w.writePart("part-0", new byte[100]);
                w.commit();
            }
            assertThat(S3Requests.countCalls(proxy, r -> r.is("GET") && r.path().endsWith("/checkpoints/epoch")))
                    .isEqualTo(1);
            assertThat(S3Requests.countCalls(
                            proxy, r -> PUT.test(r) && r.path().endsWith("/checkpoints/manifests/offsets/2.manifest")))
                    .as("void marker attempts on the older epoch's pending commit")
                    .isEqualTo(1);
            assertThat(S3Requests.countCalls(proxy, r -> r.is("HEAD")))
                    .as("%s", S3Requests.sdkCalls(proxy))
                    .isEqualTo(1);
            assertThat(S3Requests.sdkCalls(proxy))
                    .as("all requests of the fencing commit")
                    .hasSize(6);
            assertThat(successor.list("offsets")).hasSize(4);
        }
    }

    @Test
    void largePartIsAMultipartUploadWithoutCopies() throws Exception {
        Map<String, String> o = options();
        o.put("multipart.part-size", "5MiB");
        try (CheckpointStore store = Lifeboat.openCheckpointStore(server.newRoot(), o)) {
            proxy.resetRequests();
            try (CheckpointWriter w = store.begin(CheckpointId.of("big"))) {
                try (OutputStream out = w.openPart("huge")) {
                    byte[] chunk = new byte[1 << 20];
                    for (int i = 0; i < 12; i++) {
                        out.write(chunk);
                    }
                }
                w.commit();
            }
            assertThat(S3Requests.countCalls(
                            proxy, r -> r.is("POST") && r.query().contains("uploads")))
                    .as("CreateMultipartUpload")
                    .isEqualTo(1);
            assertThat(S3Requests.countCalls(
                            proxy, r -> PUT.test(r) && r.query().contains("partNumber")))
                    .as("UploadPart: 5+5+2 MiB")
                    .isEqualTo(3);
            assertThat(S3Requests.countCalls(
                            proxy, r -> r.is("POST") && r.query().contains("uploadId")))
                    .as("CompleteMultipartUpload")
                    .isEqualTo(1);
            assertThat(S3Requests.countCalls(proxy, r -> PUT.test(r) && r.pathContains("/checkpoints/manifests/")))
                    .isEqualTo(1);
            assertThat(S3Requests.countCalls(proxy, COPY)).isZero();
        }
    }

    @Test
    void writerOpenReadAndCloseCostAHandfulOfRequests() throws Exception {
        URI root = server.newRoot();
        Map<String, String> o = options();
        o.put("lease-duration", "30s");
        o.put("renew-interval", "10s");
        proxy.resetRequests();
        try (WriteAheadLog wal = Lifeboat.openWriteAheadLog(root, o)) {
            // GET head (404), PUT head, LIST segments, GET segment 0 (404), PUT claim marker.
            assertThat(S3Requests.sdkCalls(proxy))
                    .as("opening a new log: %s", S3Requests.sdkCalls(proxy))
                    .hasSize(5);
            for (int i = 0; i < 10; i++) {
                wal.append(ByteBuffer.allocate(50), i);
            }
            proxy.resetRequests();
            wal.sync();
            assertThat(S3Requests.sdkCalls(proxy))
                    .as("sync of 10 appended records")
                    .hasSize(1);
            proxy.resetRequests();
            assertThat(wal.read(RecordHandle.of(7))).isPresent();
            assertThat(S3Requests.sdkCalls(proxy)).as("read(handle)").hasSize(1);
            assertThat(S3Requests.sdkCalls(proxy).get(0).headers()).containsKey("range");
            proxy.resetRequests();
        }
        assertThat(S3Requests.sdkCalls(proxy)).as("close: the lease released").hasSize(1);
        proxy.resetRequests();
        try (WriteAheadLog wal = Lifeboat.openWriteAheadLog(root, o)) {
            // GET head, PUT head, LIST, GET the last segment, GET its successor (404), PUT claim marker.
            assertThat(S3Requests.sdkCalls(proxy))
                    .as("reopening: %s", S3Requests.sdkCalls(proxy))
                    .hasSize(6);
            assertThat(wal.recovery().nextLsn()).isEqualTo(10);
        }
    }

    /**
     * 10 000 records appended with {@code write} (durability sync) by 16 threads: group commit
     * makes one segment PUT per batch, far fewer than one per record.
     */
    @Test
    void syncAppendsOfSixteenWritersShareSegmentPuts() throws Exception {
        int threads = 16;
        int perThread = 625;
        URI root = server.newRoot();
        Map<String, String> o = options();
        o.put("durability", "sync");
        o.put("lease-duration", "30s"); // the writer's lease renewals are counted apart from segment PUTs
        o.put("renew-interval", "10s");
        long segmentPuts;
        try (WriteAheadLog wal = Lifeboat.openWriteAheadLog(root, o)) {
            proxy.resetRequests();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> writers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                Thread writer = new Thread(
                        () -> {
                            try {
                                for (int i = 0; i < perThread; i++) {
                                    wal.write(
                                            ByteBuffer.allocate(100)
                                                    .putInt(0, thread)
                                                    .putInt(4, i),
                                            i);
                                }
                            } catch (Throwable e) {
                                failure.compareAndSet(null, e);
                            }
                        },
                        "cost-writer-" + t);
                writers.add(writer);
                writer.start();
            }
            for (Thread writer : writers) {
                writer.join();
            }
            assertThat(failure.get()).isNull();
            segmentPuts = S3Requests.countCalls(proxy, r -> PUT.test(r) && r.pathContains("/wal/segments/"));
            assertThat(wal.last()).contains(RecordHandle.of((long) threads * perThread - 1));
        }
        long records = (long) threads * perThread;
        System.out.printf(
                "S3 WAL: %d records appended with sync by %d threads took %d segment PUTs (%.1f records"
                        + " per PUT)%n",
                records, threads, segmentPuts, (double) records / segmentPuts);
        assertThat(segmentPuts)
                .as("segment PUTs for %d records", records)
                .isPositive()
                .isLessThanOrEqualTo(records / 4);
        assertThat(S3Requests.countCalls(proxy, COPY)).isZero();
    }
}
