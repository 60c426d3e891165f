package dev.lifeboat.backend.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.lifeboat.compat.internal.AcknowledgedRecords;
import dev.lifeboat.compat.internal.Await;
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
import dev.lifeboat.spi.election.Candidate;
import dev.lifeboat.spi.election.LeaderElection;
import dev.lifeboat.spi.election.Leadership;
import dev.lifeboat.spi.election.LeadershipListener;
import dev.lifeboat.spi.election.LossReason;
import dev.lifeboat.spi.shuffle.MapOutputId;
import dev.lifeboat.spi.shuffle.MapOutputWriter;
import dev.lifeboat.spi.shuffle.MapStatus;
import dev.lifeboat.spi.shuffle.ShuffleBlockStore;
import dev.lifeboat.spi.wal.WriteAheadLog;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Faults between the client and Azurite: a {@link FaultProxy} in front of it answers 500 or 503,
 * drops connections before or after the request reached storage, or holds answers past the
 * attempt's deadline, on the requests that matter to each contract (the manifest PUT, a part PUT,
 * a map output's PUT, an Append Block, the epoch blob's lease and write, the election blob's
 * lease). Commits and appends either succeed exactly once or fail clearly (with
 * {@link OutcomeUnknownException} when the request may have been applied); nothing acknowledged is
 * lost and nothing partial is ever visible.
 */
class AzureFaultToleranceTest {
    @RegisterExtension
    static final Azurite AZURITE = new Azurite();

    @SuppressWarnings("UnnecessaryLambda") // a named request filter, passed to the proxy as a value
    private static final Predicate<Request> MANIFEST_PUT =
            r -> r.is("PUT") && r.pathContains("/checkpoints/manifests/");

    @SuppressWarnings("UnnecessaryLambda") // a named request filter, passed to the proxy as a value
    private static final Predicate<Request> PART_PUT = r -> r.is("PUT") && r.pathContains("/checkpoints/attempts/");

    @SuppressWarnings("UnnecessaryLambda") // a named request filter, passed to the proxy as a value
    private static final Predicate<Request> EPOCH_WRITE =
            r -> r.is("PUT") && r.path().endsWith("/checkpoints/epoch") && !r.hasQuery("comp");

    @SuppressWarnings("UnnecessaryLambda") // a named request filter, passed to the proxy as a value
    private static final Predicate<Request> EPOCH_LEASE =
            r -> r.is("PUT") && r.path().endsWith("/checkpoints/epoch") && r.hasQuery("comp");

    @SuppressWarnings("UnnecessaryLambda") // a named request filter, passed to the proxy as a value
    private static final Predicate<Request> MAP_OUTPUT_PUT = r -> r.is("PUT") && r.pathContains("/shuffle/");

    @SuppressWarnings("UnnecessaryLambda") // a named request filter, passed to the proxy as a value
    private static final Predicate<Request> APPEND_BLOCK =
            r -> r.is("PUT") && r.pathContains("/wal/segments/") && r.query().contains("comp=appendblock");

    private static FaultProxy proxy;

    @BeforeAll
    static void startProxy() throws IOException {
        proxy = new FaultProxy(AZURITE.port());
    }

    @AfterAll
    static void stopProxy() throws IOException {
        proxy.close();
    }

    @AfterEach
    void reset() {
        proxy.clearFaults();
        proxy.resetRequests();
    }

    /** Through the proxy, with short deadlines: 1 s per attempt, 4 s per call, 3 attempts. */
    private static Map<String, String> options() {
        Map<String, String> o = new HashMap<>(AZURITE.options());
        o.put("endpoint", proxy.endpoint() + "/" + Azurite.ACCOUNT);
        o.put("try-timeout", "1s");
        o.put("call-timeout", "4s");
        o.put("max-attempts", "3");
        return o;
    }

    // ------------------------------------------------------------------ checkpoints

    @ParameterizedTest(name = "{0}")
    @EnumSource(
            value = Fault.class,
            names = {"RESPOND_500", "RESPOND_503", "DROP_BEFORE_FORWARD", "DROP_AFTER_FORWARD"})
    void commitWhoseManifestPutFailsOnceSucceedsExactlyOnce(Fault fault) throws IOException {
        CheckpointId id = CheckpointId.of("offsets/1");
        try (CheckpointStore store = Lifeboat.openCheckpointStore(AZURITE.newRoot(), options())) {
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
            assertThat(store.open(id).orElseThrow().info()).isEqualTo(info);
            assertThat(store.open(id).orElseThrow().readPart("p")).isEqualTo(payload("one"));
            assertThat(store.list("")).containsExactly(id);
            try (CheckpointWriter again = store.begin(id)) {
                again.writePart("p", payload("two"));
                assertThatThrownBy(again::commit).isInstanceOf(AlreadyCommittedException.class);
            }
            assertThat(store.open(id).orElseThrow().readPart("p")).isEqualTo(payload("one"));
        }
    }

    @Test
    void commitWhoseAnswerComesAfterTheAttemptDeadlineSucceedsExactlyOnce() throws IOException {
        CheckpointId id = CheckpointId.of("offsets/2");
        try (CheckpointStore store = Lifeboat.openCheckpointStore(AZURITE.newRoot(), options())) {
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
        CheckpointId id = CheckpointId.of("offsets/3");
        try (CheckpointStore store = Lifeboat.openCheckpointStore(AZURITE.newRoot(), options())) {
            // The first attempt is applied; every answer, and the retries' 409s, are lost.
            proxy.inject(Fault.DROP_AFTER_FORWARD, 100, MANIFEST_PUT);
            CheckpointInfo info;
            try (CheckpointWriter w = store.begin(id)) {
                w.writePart("p", payload("applied"));
                info = w.commit();
            }
            assertThat(proxy.count(MANIFEST_PUT)).as("the SDK's attempts").isEqualTo(3);
            assertThat(store.open(id).orElseThrow().info()).isEqualTo(info);
            assertThat(store.open(id).orElseThrow().readPart("p")).isEqualTo(payload("applied"));
        }
    }

    @Test
    void commitPastTheWholeDeadlineIsBoundedAndReconciled() throws IOException {
        CheckpointId id = CheckpointId.of("offsets/4");
        try (CheckpointStore store = Lifeboat.openCheckpointStore(AZURITE.newRoot(), options())) {
            proxy.delay(Duration.ofSeconds(5), 100, MANIFEST_PUT);
            long start = System.nanoTime();
            Throwable failure;
            CheckpointInfo info = null;
            try (CheckpointWriter w = store.begin(id)) {
                w.writePart("p", payload("slow"));
                try {
                    info = w.commit();
                    failure = null;
                } catch (IOException e) {
                    failure = e;
                }
            }
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .as("the call deadline bounds the commit")
                    .isLessThan(Duration.ofSeconds(20));
            // Every answer came too late, but the first attempt landed: the commit either read its
            // own manifest back, or (if the read-back came before the write landed) said the
            // outcome is unknown. Either way what is visible is this attempt, whole.
            proxy.clearFaults();
            if (failure != null) {
                assertThat(failure).isInstanceOf(OutcomeUnknownException.class);
            }
            CheckpointInfo stored = store.open(id).orElseThrow().info();
            if (info != null) {
                assertThat(stored).isEqualTo(info);
            }
            assertThat(store.open(id).orElseThrow().readPart("p")).isEqualTo(payload("slow"));
        }
    }

    @Test
    void commitRefusedOnEveryAttemptFailsAsOutcomeUnknownAndLeavesNothingVisible() throws IOException {
        CheckpointId id = CheckpointId.of("offsets/5");
        try (CheckpointStore store = Lifeboat.openCheckpointStore(AZURITE.newRoot(), options())) {
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
                    .hasMessageNotContaining(Azurite.KEY);
            assertThat(store.open(id)).isEmpty();
            assertThat(store.list("")).isEmpty();
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
    void failedPartUploadFailsTheWriterAndLeavesNothing() throws IOException {
        CheckpointId id = CheckpointId.of("state/1");
        try (CheckpointStore store = Lifeboat.openCheckpointStore(AZURITE.newRoot(), options())) {
            proxy.inject(Fault.RESPOND_500, 3, PART_PUT);
            try (CheckpointWriter w = store.begin(id)) {
                assertThat(catchThrowable(() -> {
                            w.writePart("p", payload("lost"));
                            w.commit();
                        }))
                        .isInstanceOf(IOException.class)
                        .hasMessageNotContaining(Azurite.KEY);
            }
            assertThat(store.open(id)).isEmpty();
            assertThat(store.list("")).isEmpty();
            assertThat(proxy.count(MANIFEST_PUT)).isZero();
        }
    }

    /**
     * Faults on the epoch blob of a fenced commit (its lease and its conditional write): the
     * commit succeeds or fails clearly, nothing partial is visible, and fencing still holds after
     * it: a writer of an older epoch is refused.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(
            value = Fault.class,
            names = {"RESPOND_503", "DROP_BEFORE_FORWARD", "DROP_AFTER_FORWARD", "DELAY_RESPONSE"})
    void fencedCommitUnderFaultsOnTheEpochBlobKeepsFencing(Fault fault) throws IOException {
        CheckpointId id = CheckpointId.of("offsets/7");
        try (CheckpointStore store = Lifeboat.openCheckpointStore(AZURITE.newRoot(), options())) {
            try (CheckpointWriter w = store.begin(CheckpointId.of("offsets/6"), 3)) {
                w.writePart("p", payload("epoch-3"));
                w.commit();
            }
            if (fault == Fault.DELAY_RESPONSE) {
                proxy.delay(Duration.ofMillis(1500), 1, EPOCH_WRITE);
                proxy.delay(Duration.ofMillis(1500), 1, EPOCH_LEASE);
            } else {
                proxy.inject(fault, 1, EPOCH_WRITE);
                proxy.inject(fault, 1, EPOCH_LEASE);
            }
            Throwable failure;
            try (CheckpointWriter w = store.begin(id, 5)) {
                w.writePart("p", payload("epoch-5"));
                failure = catchThrowable(w::commit);
            }
            proxy.clearFaults();
            assertThat(proxy.count(r -> r.fault().isPresent()))
                    .as("faults applied")
                    .isPositive();
            if (failure != null) {
                assertThat(failure).isInstanceOf(IOException.class).isNotInstanceOf(FencedException.class);
                if (!(failure instanceof OutcomeUnknownException)) {
                    assertThat(store.open(id))
                            .as("a commit that failed clearly")
                            .isEmpty();
                }
                if (store.open(id).isEmpty()) {
                    try (CheckpointWriter w = store.begin(id, 5)) {
                        w.writePart("p", payload("epoch-5"));
                        w.commit();
                    }
                }
            }
            assertThat(store.open(id).orElseThrow().info().epoch()).isEqualTo(5);
            assertThat(store.open(id).orElseThrow().readPart("p")).isEqualTo(payload("epoch-5"));
            try (CheckpointWriter stale = store.begin(CheckpointId.of("offsets/8"), 4)) {
                stale.writePart("p", payload("epoch-4"));
                assertThatThrownBy(stale::commit).isInstanceOf(FencedException.class);
            }
            assertThat(store.list("offsets")).extracting(CheckpointId::value).containsExactly("offsets/6", "offsets/7");
        }
    }

    // ------------------------------------------------------------------ shuffle

    @ParameterizedTest(name = "{0}")
    @EnumSource(
            value = Fault.class,
            names = {"RESPOND_500", "RESPOND_503", "DROP_BEFORE_FORWARD", "DROP_AFTER_FORWARD", "DELAY_RESPONSE"})
    void mapOutputCommitSurvivesAFailedPut(Fault fault) throws IOException {
        URI root = AZURITE.newRoot();
        try (ShuffleBlockStore store = Lifeboat.openShuffleBlockStore(root, options())) {
            if (fault == Fault.DELAY_RESPONSE) {
                proxy.delay(Duration.ofMillis(1500), 1, MAP_OUTPUT_PUT);
            } else {
                proxy.inject(fault, 1, MAP_OUTPUT_PUT);
            }
            MapStatus status;
            try (MapOutputWriter w = store.openMapOutput(MapOutputId.of(1, 0, 0), 2)) {
                w.writePartition(0, payload("block-0"));
                w.writePartition(1, payload("block-1"));
                status = w.commit();
            }
            assertThat(proxy.count(r -> r.fault().isPresent()))
                    .as("faults applied")
                    .isEqualTo(1);
            assertThat(status.id()).isEqualTo(MapOutputId.of(1, 0, 0));
            assertThat(store.readBlock(status, 0)).isEqualTo(payload("block-0"));
            assertThat(store.readBlock(status, 1)).isEqualTo(payload("block-1"));
        }
        try (ShuffleBlockStore later = Lifeboat.openShuffleBlockStore(root, AZURITE.options())) {
            assertThat(later.committedMapOutputs()).extracting(MapStatus::id).containsExactly(MapOutputId.of(1, 0, 0));
        }
    }

    @Test
    void mapOutputRefusedOnEveryAttemptFailsClearlyAndIsNotVisible() throws IOException {
        URI root = AZURITE.newRoot();
        try (ShuffleBlockStore store = Lifeboat.openShuffleBlockStore(root, options())) {
            proxy.inject(Fault.RESPOND_503, 3, MAP_OUTPUT_PUT);
            try (MapOutputWriter w = store.openMapOutput(MapOutputId.of(2, 0, 0), 1)) {
                w.writePartition(0, payload("refused"));
                assertThat(catchThrowable(w::commit))
                        .isInstanceOf(OutcomeUnknownException.class)
                        .hasMessageContaining("map output");
            }
            assertThat(store.committedMapOutputs()).isEmpty();
            try (MapOutputWriter w = store.openMapOutput(MapOutputId.of(2, 0, 0), 1)) {
                w.writePartition(0, payload("again"));
                MapStatus status = w.commit();
                assertThat(store.readBlock(status, 0)).isEqualTo(payload("again"));
            }
        }
    }

    // ------------------------------------------------------------------ write-ahead log

    /**
     * Appends under a stream of faults on Append Block; when a batch fails for good the log is
     * reopened and appending goes on. Then three 503s in a row (every attempt of one Append Block)
     * fail a batch clearly, with {@link OutcomeUnknownException}. At the end every acknowledged
     * record is present exactly once, at its acknowledged LSN, and the LSNs are dense.
     */
    @Test
    void acknowledgedAppendsSurviveFaultsExactlyOnce() throws Exception {
        URI root = AZURITE.newRoot();
        Map<String, String> opts = options();
        Map<String, Long> acknowledged = new HashMap<>();
        // Each SDK call makes 3 attempts: most faults are retried away; a lost answer is reconciled
        // by reading the appended range back (the retry meets the append-position condition).
        proxy.inject(Fault.DROP_AFTER_FORWARD, 3, APPEND_BLOCK);
        proxy.inject(Fault.RESPOND_500, 2, APPEND_BLOCK);
        proxy.inject(Fault.DROP_BEFORE_FORWARD, 2, APPEND_BLOCK);
        proxy.delay(Duration.ofMillis(1500), 2, APPEND_BLOCK);
        proxy.inject(Fault.RESPOND_503, 2, APPEND_BLOCK);
        proxy.inject(Fault.DROP_AFTER_FORWARD, 3, APPEND_BLOCK);
        int next = AcknowledgedRecords.appendWithReopen(root, opts, 0, 90, acknowledged);
        proxy.clearFaults();
        try (WriteAheadLog wal = Lifeboat.openWriteAheadLog(root, opts)) {
            proxy.inject(Fault.RESPOND_503, 3, APPEND_BLOCK);
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
        proxy.clearFaults();
        AcknowledgedRecords.appendWithReopen(root, opts, next + 1, next + 31, acknowledged);
        AcknowledgedRecords.assertEachPresentOnceAtItsLsn(root, AZURITE.options(), acknowledged, 60);
    }

    // ------------------------------------------------------------------ leader election

    /**
     * A candidate whose lease requests and epoch write meet faults (a refused acquire, a dropped
     * connection, an answer held past the deadline) still becomes leader with an epoch greater
     * than every earlier one, and a candidate reaching storage directly never leads at the same
     * time.
     */
    @Test
    void candidateBecomesLeaderThroughFaultsAndNeverAlongsideAnother() throws Exception {
        URI group = AZURITE.newRoot();
        Map<String, String> opts = electionOptions(options());
        Map<String, String> direct = electionOptions(new HashMap<>(AZURITE.options()));
        long before;
        try (LeaderElection e = Lifeboat.openLeaderElection(group, direct);
                Candidate first = e.join("first", new Quiet())) {
            assertThat(first.awaitLeadership(Duration.ofSeconds(30))).isTrue();
            before = first.leadership().orElseThrow().epoch();
        }
        Predicate<Request> lease =
                r -> r.is("PUT") && r.pathContains("/election/") && r.query().contains("comp=lease");
        Predicate<Request> write = r -> r.is("PUT") && r.pathContains("/election/") && !r.hasQuery("comp");
        proxy.inject(Fault.RESPOND_503, 1, lease);
        proxy.inject(Fault.DROP_BEFORE_FORWARD, 1, lease);
        proxy.inject(Fault.DROP_AFTER_FORWARD, 1, lease);
        proxy.delay(Duration.ofMillis(1500), 1, lease);
        proxy.inject(Fault.DROP_AFTER_FORWARD, 1, write);
        try (LeaderElection faulty = Lifeboat.openLeaderElection(group, opts);
                LeaderElection other = Lifeboat.openLeaderElection(group, direct);
                Candidate a = faulty.join("through-faults", new Quiet());
                Candidate b = other.join("direct", new Quiet())) {
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            long highest = before;
            while (System.nanoTime() < deadline && !(a.isLeader() && highest > before)) {
                boolean aLeads = a.isLeader();
                boolean bLeads = b.isLeader();
                assertThat(aLeads && bLeads).as("two leaders at once").isFalse();
                for (Candidate c : List.of(a, b)) {
                    long epoch = c.leadership().map(Leadership::epoch).orElse(highest);
                    assertThat(epoch).as("epochs never go back").isGreaterThanOrEqualTo(highest);
                    highest = epoch;
                }
                if (bLeads) {
                    b.resign(); // leave the lease to the candidate meeting faults
                }
                Thread.sleep(20);
            }
            assertThat(a.isLeader())
                    .as("the candidate meeting faults leads (requests: %s)", proxy.requests())
                    .isTrue();
            assertThat(a.leadership().orElseThrow().epoch()).isGreaterThan(before);
            assertThat(proxy.count(r -> r.fault().isPresent()))
                    .as("faults applied")
                    .isPositive();
        }
    }

    /**
     * A leader whose renewals are refused (the service answers 503 to every one, as in an
     * outage between it and storage) stops believing it leads before its lease can have passed
     * to another, and a candidate reaching storage directly takes over with a greater epoch: the
     * two never lead at once.
     */
    @Test
    void leaderCutOffFromStorageStepsDownBeforeItsSuccessorLeads() throws Exception {
        URI group = AZURITE.newRoot();
        Map<String, String> opts = electionOptions(options());
        Map<String, String> direct = electionOptions(new HashMap<>(AZURITE.options()));
        List<LossReason> losses = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (LeaderElection faulty = Lifeboat.openLeaderElection(group, opts);
                LeaderElection other = Lifeboat.openLeaderElection(group, direct);
                Candidate a = faulty.join("cut-off", new Quiet() {
                    @Override
                    public void lost(Leadership leadership, LossReason reason) {
                        losses.add(reason);
                    }
                })) {
            assertThat(a.awaitLeadership(Duration.ofSeconds(30))).isTrue();
            long epoch = a.leadership().orElseThrow().epoch();
            proxy.inject(
                    Fault.RESPOND_503,
                    Integer.MAX_VALUE,
                    r -> r.pathContains("/election/") && !r.is("GET") && !r.is("HEAD"));
            proxy.delay(Duration.ofSeconds(3), Integer.MAX_VALUE, r -> r.pathContains("/election/"));
            try (Candidate b = other.join("successor", new Quiet())) {
                long deadline = System.nanoTime()
                        + other.failoverTimeout().plusSeconds(30).toNanos();
                while (System.nanoTime() < deadline && !b.isLeader()) {
                    boolean bLeads = b.isLeader();
                    assertThat(a.isLeader() && bLeads).as("two leaders at once").isFalse();
                    Thread.sleep(20);
                }
                assertThat(b.isLeader()).as("the successor leads").isTrue();
                assertThat(a.isLeader()).as("the cut-off leader").isFalse();
                assertThat(b.leadership().orElseThrow().epoch()).isGreaterThan(epoch);
                // isLeader() turned false by the leader's own clock; the listener hears of it once
                // the renewal the outage holds up has failed.
                assertThat(Await.until(Duration.ofSeconds(30), () -> !losses.isEmpty()))
                        .as("the cut-off leader was told")
                        .isTrue();
            }
        }
    }

    private static Map<String, String> electionOptions(Map<String, String> o) {
        o.put("lease-duration", "15s");
        o.put("renew-interval", "1s");
        return o;
    }

    private static class Quiet implements LeadershipListener {
        @Override
        public void elected(Leadership leadership) {}

        @Override
        public void lost(Leadership leadership, LossReason reason) {}
    }

    private static byte[] payload(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
