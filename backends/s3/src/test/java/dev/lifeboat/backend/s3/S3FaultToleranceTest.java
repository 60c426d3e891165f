package dev.lifeboat.backend.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.lifeboat.compat.internal.AcknowledgedRecords;
import dev.lifeboat.compat.internal.FaultProxy;
import dev.lifeboat.compat.internal.FaultProxy.Fault;
import dev.lifeboat.compat.internal.FaultProxy.Request;
import dev.lifeboat.spi.FencedException;
import dev.lifeboat.spi.Lifeboat;
import dev.lifeboat.spi.OutcomeUnknownException;
import dev.lifeboat.spi.checkpoint.AlreadyCommittedException;
import dev.lifeboat.spi.checkpoint.CheckpointId;
import dev.lifeboat.spi.checkpoint.CheckpointInfo;
import dev.lifeboat.spi.checkpoint.CheckpointStore;
import dev.lifeboat.spi.checkpoint.CheckpointWriter;
import dev.lifeboat.spi.shuffle.MapOutputId;
import dev.lifeboat.spi.shuffle.MapOutputWriter;
import dev.lifeboat.spi.shuffle.MapStatus;
import dev.lifeboat.spi.shuffle.ShuffleBlockStore;
import dev.lifeboat.spi.wal.CloseableIterator;
import dev.lifeboat.spi.wal.LogRecord;
import dev.lifeboat.spi.wal.RecordHandle;
import dev.lifeboat.spi.wal.WriteAheadLog;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Faults between the client and a real S3-compatible server: a proxy in front of S3Proxy drops
 * connections, answers 500 or 503, or holds answers past the deadline. Commits and appends either
 * succeed exactly once or fail clearly (with {@link OutcomeUnknownException} when the request may
 * have been applied); nothing acknowledged is lost and nothing partial is ever visible.
 */
class S3FaultToleranceTest {
    @SuppressWarnings("UnnecessaryLambda") // a named request filter, passed to the proxy as a value
    private static final Predicate<Request> MANIFEST_PUT =
            r -> r.is("PUT") && r.pathContains("/checkpoints/manifests/");

    @SuppressWarnings("UnnecessaryLambda") // a named request filter, passed to the proxy as a value
    private static final Predicate<Request> SEGMENT_PUT = r -> r.is("PUT") && r.pathContains("/wal/segments/");

    @SuppressWarnings("UnnecessaryLambda") // a named request filter, passed to the proxy as a value
    private static final Predicate<Request> INDEX_PUT =
            r -> r.is("PUT") && r.path().endsWith("/index");

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
        proxy.clearFaults();
        proxy.resetRequests();
        server.clear();
    }

    /** Through the proxy, with short deadlines: 1 s per attempt, 3 s per call, 3 attempts. */
    private static Map<String, String> options() {
        Map<String, String> o = server.options(proxy.endpoint());
        o.put("api-call-attempt-timeout", "1s");
        o.put("api-call-timeout", "3s");
        o.put("max-attempts", "3");
        o.put("socket-timeout", "2s");
        return o;
    }

    private static Map<String, String> walOptions() {
        Map<String, String> o = options();
        o.put("lease-duration", "2s");
        o.put("renew-interval", "250ms");
        return o;
    }

    // ------------------------------------------------------------------ checkpoints

    @ParameterizedTest(name = "{0}")
    @EnumSource(
            value = Fault.class,
            names = {"RESPOND_500", "RESPOND_503", "DROP_BEFORE_FORWARD", "DROP_AFTER_FORWARD"})
    void commitWhoseManifestPutFailsOnceSucceedsExactlyOnce(Fault fault) throws IOException {
        URI root = server.newRoot();
        CheckpointId id = CheckpointId.of("offsets/1");
        try (CheckpointStore store = Lifeboat.openCheckpointStore(root, options())) {
            proxy.inject(fault, 1, MANIFEST_PUT);
            CheckpointInfo info;
            String attempt;
            try (CheckpointWriter w = store.begin(id)) {
                attempt = w.attemptId();
                w.writePart("p", payload("one"));
                info = w.commit();
            }
            assertThat(info.attemptId()).isEqualTo(attempt);
            assertThat(proxy.count(MANIFEST_PUT))
                    .as("manifest PUTs: the failed attempt and the SDK's retry")
                    .isEqualTo(2);
            assertThat(store.open(id).orElseThrow().readPart("p")).isEqualTo(payload("one"));
            assertThat(store.list("")).containsExactly(id);
            try (CheckpointWriter again = store.begin(id)) {
                again.writePart("p", payload("two"));
                assertThatThrownBy(again::commit).isInstanceOf(AlreadyCommittedException.class);
            }
        }
    }

    @Test
    void commitWhoseAnswerComesAfterTheAttemptDeadlineSucceedsExactlyOnce() throws IOException {
        URI root = server.newRoot();
        CheckpointId id = CheckpointId.of("offsets/2");
        try (CheckpointStore store = Lifeboat.openCheckpointStore(root, options())) {
            proxy.delay(Duration.ofMillis(1800), 1, MANIFEST_PUT);
            CheckpointInfo info;
            try (CheckpointWriter w = store.begin(id)) {
                w.writePart("p", payload("late"));
                info = w.commit();
            }
            assertThat(store.open(id).orElseThrow().info()).isEqualTo(info);
            assertThat(store.open(id).orElseThrow().readPart("p")).isEqualTo(payload("late"));
        }
    }

    @Test
    void commitWhoseEveryAnswerIsLostIsReconciledByReadingTheManifestBack() throws IOException {
        URI root = server.newRoot();
        CheckpointId id = CheckpointId.of("offsets/3");
        try (CheckpointStore store = Lifeboat.openCheckpointStore(root, options())) {
            // The first attempt is applied; every answer, and the retries' 412s, are lost.
            proxy.inject(Fault.DROP_AFTER_FORWARD, 100, MANIFEST_PUT);
            CheckpointInfo info;
            try (CheckpointWriter w = store.begin(id)) {
                w.writePart("p", payload("applied"));
                info = w.commit();
            }
            assertThat(proxy.count(MANIFEST_PUT)).as("the SDK's attempts").isEqualTo(3);
            assertThat(proxy.count(r -> r.is("GET") && r.pathContains("/checkpoints/manifests/")))
                    .as("the reconciling read")
                    .isEqualTo(1);
            assertThat(store.open(id).orElseThrow().info()).isEqualTo(info);
        }
    }

    @Test
    void commitPastTheWholeDeadlineIsReconciledByReadingTheManifestBack() throws IOException {
        URI root = server.newRoot();
        CheckpointId id = CheckpointId.of("offsets/4");
        try (CheckpointStore store = Lifeboat.openCheckpointStore(root, options())) {
            proxy.delay(Duration.ofSeconds(4), 100, MANIFEST_PUT);
            CheckpointInfo info;
            long start = System.nanoTime();
            try (CheckpointWriter w = store.begin(id)) {
                w.writePart("p", payload("slow"));
                info = w.commit();
            }
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .as("the call deadline bounds the commit")
                    .isLessThan(Duration.ofSeconds(15));
            assertThat(store.open(id).orElseThrow().info()).isEqualTo(info);
        }
    }

    @Test
    void commitRefusedOnEveryAttemptFailsAsOutcomeUnknownAndLeavesNothingVisible() throws IOException {
        URI root = server.newRoot();
        CheckpointId id = CheckpointId.of("offsets/5");
        try (CheckpointStore store = Lifeboat.openCheckpointStore(root, options())) {
            proxy.inject(Fault.RESPOND_503, 3, MANIFEST_PUT);
            Throwable failure;
            try (CheckpointWriter w = store.begin(id)) {
                w.writePart("p", payload("refused"));
                failure = catchThrowable(w::commit);
            }
            // A 5xx after the last retry may hide an applied request, so the outcome is unknown;
            // reading the manifest back found nothing, and nothing partial is visible.
            assertThat(failure)
                    .isInstanceOf(OutcomeUnknownException.class)
                    .hasMessageContaining(id.value())
                    .hasMessageNotContaining(S3TestServer.SECRET_KEY);
            assertThat(store.open(id)).isEmpty();
            assertThat(store.list("")).isEmpty();
            // Reconciled: absent, so the caller commits again.
            try (CheckpointWriter w = store.begin(id)) {
                w.writePart("p", payload("retried"));
                w.commit();
            }
            assertThat(store.open(id).orElseThrow().readPart("p")).isEqualTo(payload("retried"));
            assertThat(store.collectGarbage(Duration.ZERO))
                    .as("the unknown attempt's parts are collected")
                    .isEqualTo(1);
            assertThat(store.open(id).orElseThrow().readPart("p")).isEqualTo(payload("retried"));
        }
    }

    @Test
    void failedPartUploadFailsTheCommitAndLeavesNothing() throws IOException {
        URI root = server.newRoot();
        CheckpointId id = CheckpointId.of("state/1");
        try (CheckpointStore store = Lifeboat.openCheckpointStore(root, options())) {
            proxy.inject(Fault.RESPOND_500, 3, r -> r.is("PUT") && r.pathContains("/checkpoints/attempts/"));
            try (CheckpointWriter w = store.begin(id)) {
                assertThatThrownBy(() -> w.writePart("p", payload("lost"))).isInstanceOf(IOException.class);
            }
            assertThat(store.open(id)).isEmpty();
            assertThat(proxy.count(MANIFEST_PUT)).isZero();
        }
    }

    // ------------------------------------------------------------------ shuffle

    @ParameterizedTest(name = "{0}")
    @EnumSource(
            value = Fault.class,
            names = {"RESPOND_500", "DROP_AFTER_FORWARD"})
    void mapOutputCommitSurvivesAFailedIndexPut(Fault fault) throws IOException {
        try (ShuffleBlockStore store = Lifeboat.openShuffleBlockStore(server.newRoot(), options())) {
            proxy.inject(fault, 1, INDEX_PUT);
            MapStatus status;
            try (MapOutputWriter w = store.openMapOutput(MapOutputId.of(1, 0, 0), 2)) {
                w.writePartition(0, payload("block-0"));
                w.writePartition(1, payload("block-1"));
                status = w.commit();
            }
            assertThat(status.id()).isEqualTo(MapOutputId.of(1, 0, 0));
            assertThat(store.readBlock(status, 1)).isEqualTo(payload("block-1"));
        }
    }

    // ------------------------------------------------------------------ write-ahead log

    /**
     * Appends under a stream of faults on segment PUTs; when a batch fails for good the log is
     * reopened and appending goes on. Then three 503s in a row (every attempt of one PUT) fail a
     * batch clearly, with {@link OutcomeUnknownException}. At the end every acknowledged record is
     * present exactly once, at its acknowledged LSN, and the LSNs are dense.
     */
    @Test
    void acknowledgedAppendsSurviveFaultsExactlyOnce() throws Exception {
        URI root = server.newRoot();
        Map<String, String> opts = walOptions();
        opts.put("durability", "sync");
        Map<String, Long> acknowledged = new HashMap<>();
        // Each SDK call makes 3 attempts: most faults are retried away, lost answers are reconciled
        // by reading the object back; a PUT whose every attempt fails makes the log fail.
        proxy.inject(Fault.DROP_AFTER_FORWARD, 3, SEGMENT_PUT);
        proxy.inject(Fault.RESPOND_500, 2, SEGMENT_PUT);
        proxy.inject(Fault.DROP_BEFORE_FORWARD, 2, SEGMENT_PUT);
        proxy.delay(Duration.ofMillis(1500), 2, SEGMENT_PUT);
        proxy.inject(Fault.RESPOND_503, 2, SEGMENT_PUT);
        proxy.inject(Fault.DROP_AFTER_FORWARD, 3, SEGMENT_PUT);
        int next = AcknowledgedRecords.appendWithReopen(root, opts, 0, 90, acknowledged);
        proxy.clearFaults();
        try (WriteAheadLog wal = Lifeboat.openWriteAheadLog(root, opts)) {
            proxy.inject(Fault.RESPOND_503, 3, SEGMENT_PUT);
            Throwable failure = catchThrowable(() -> wal.write(ByteBuffer.wrap(payload("record-" + next)), next));
            assertThat(failure)
                    .as("a batch whose every attempt was refused")
                    .isInstanceOf(OutcomeUnknownException.class);
            assertThatThrownBy(() -> wal.write(ByteBuffer.wrap(payload("after")), 0))
                    .as("a failed log refuses appends until reopened")
                    .isInstanceOf(IOException.class);
        } catch (IOException e) {
            // closing a failed log reports its failure
        }
        AcknowledgedRecords.appendWithReopen(root, opts, next + 1, next + 31, acknowledged);
        AcknowledgedRecords.assertEachPresentOnceAtItsLsn(root, opts, acknowledged, 60);
    }

    /**
     * A writer cut off from the head (its lease renewals fail, as in a long pause) loses the log
     * to a new writer once the lease runs out, and is fenced by the new writer's claim: its next
     * append fails with {@link FencedException} instead of being acknowledged.
     */
    @Test
    void writerWhoseLeaseRanOutIsFencedByTheNextWriter() throws Exception {
        URI root = server.newRoot();
        WriteAheadLog first = Lifeboat.openWriteAheadLog(root, walOptions());
        try {
            assertThat(first.write(ByteBuffer.wrap(payload("first-0")), 0)).isEqualTo(RecordHandle.of(0));
            proxy.inject(
                    Fault.RESPOND_503, 1_000_000, r -> r.is("PUT") && r.path().endsWith("/wal/head"));
            Map<String, String> direct = server.options(); // the second writer does not go through the proxy
            direct.put("lease-duration", "2s");
            direct.put("renew-interval", "250ms");
            try (WriteAheadLog second = Lifeboat.openWriteAheadLog(root, direct)) {
                Throwable fenced = catchThrowable(() -> first.write(ByteBuffer.wrap(payload("first-1")), 1));
                assertThat(fenced).isInstanceOf(FencedException.class);
                assertThat(((FencedException) fenced).currentEpoch())
                        .isGreaterThan(((FencedException) fenced).writerEpoch());
                assertThat(second.write(ByteBuffer.wrap(payload("second-1")), 1))
                        .isEqualTo(RecordHandle.of(1));
            }
        } finally {
            proxy.clearFaults();
            Throwable unused = catchThrowable(first::close); // a fenced log reports its failure on close
        }
        try (WriteAheadLog wal = Lifeboat.openWriteAheadLog(root, walOptions())) {
            List<String> names = new ArrayList<>();
            try (CloseableIterator<LogRecord> it = wal.replayAll()) {
                while (it.hasNext()) {
                    names.add(new String(it.next().bytes(), StandardCharsets.UTF_8));
                }
            }
            assertThat(names).containsExactly("first-0", "second-1");
        }
    }

    @Test
    void credentialsNeverAppearInErrors() throws IOException {
        Map<String, String> wrong = options();
        wrong.put("secret-key", "not-the-secret-" + S3TestServer.SECRET_KEY);
        wrong.put("max-attempts", "1");
        Throwable t = catchThrowable(() -> {
            try (CheckpointStore store = Lifeboat.openCheckpointStore(server.newRoot(), wrong)) {
                store.list("");
            }
        });
        assertThat(t).isInstanceOf(IOException.class);
        for (Throwable c = t; c != null; c = c.getCause()) {
            assertThat(String.valueOf(c.getMessage())).doesNotContain(S3TestServer.SECRET_KEY);
        }
        Throwable bad = catchThrowable(() -> Lifeboat.openCheckpointStore(
                server.newRoot(), Map.of("access-key", "AKIDEXAMPLE", "session-token", "token-secret-value")));
        assertThat(bad)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("secret-key")
                .hasMessageNotContaining("token-secret-value");
    }

    private static byte[] payload(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
