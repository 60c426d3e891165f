package dev.lifeboat.backend.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.specialized.BlobLeaseClient;
import com.azure.storage.blob.specialized.BlobLeaseClientBuilder;
import dev.lifeboat.compat.internal.ChildArgs;
import dev.lifeboat.compat.internal.ChildJvm;
import dev.lifeboat.spi.FencedException;
import dev.lifeboat.spi.Lifeboat;
import dev.lifeboat.spi.checkpoint.Checkpoint;
import dev.lifeboat.spi.checkpoint.CheckpointId;
import dev.lifeboat.spi.checkpoint.CheckpointStore;
import dev.lifeboat.spi.checkpoint.CheckpointWriter;
import dev.lifeboat.spi.checkpoint.PartInfo;
import dev.lifeboat.spi.election.Candidate;
import dev.lifeboat.spi.election.LeaderElection;
import dev.lifeboat.spi.election.Leadership;
import dev.lifeboat.spi.election.LeadershipListener;
import dev.lifeboat.spi.election.LossReason;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several processes on one Azurite: two JVMs racing to commit the same checkpoint ids, a leader
 * JVM killed with {@code SIGKILL} and replaced, and the emulator's wrong acceptance of a renewal
 * of an expired lease, which the backend's fencing does not rely on.
 */
class AzureCrossProcessTest {
    @RegisterExtension
    static final Azurite AZURITE = new Azurite();

    private static final Duration CHILD_START = Duration.ofSeconds(90);
    private static final Duration CHILD_STEP = Duration.ofSeconds(60);

    /**
     * Two child JVMs begin the same checkpoint id with different parts, wait on one signal, and
     * commit at the same moment, round after round: exactly one wins each round, the other gets
     * {@code AlreadyCommittedException} naming the id, and what is stored is wholly the winner's
     * attempt. Five rounds by default; {@code -Psoak} runs 200.
     */
    @Test
    void twoProcessesRacingToCommitOneIdHaveExactlyOneWinner(@TempDir Path go) throws Exception {
        int rounds = Integer.getInteger("lifeboat.soak.rounds", 5);
        URI root = AZURITE.newRoot();
        Map<String, String> opts = AZURITE.options();
        List<String> args = List.of(ChildArgs.encodeUri(root), ChildArgs.encodeOptions(opts));
        try (ChildJvm a = ChildJvm.start(CommitRaceChild.class, withArgs(args, "a", rounds, go));
                ChildJvm b = ChildJvm.start(CommitRaceChild.class, withArgs(args, "b", rounds, go));
                CheckpointStore store = Lifeboat.openCheckpointStore(root, opts)) {
            Map<String, Integer> wins = new HashMap<>();
            for (int n = 0; n < rounds; n++) {
                Duration wait = n == 0 ? CHILD_START : CHILD_STEP;
                a.awaitLine("READY " + n, wait);
                b.awaitLine("READY " + n, wait);
                Files.createFile(go.resolve("go-" + n));
                String[] outcomeA = outcome(a, n);
                String[] outcomeB = outcome(b, n);
                assertThat(List.of(outcomeA[0], outcomeB[0]))
                        .as("round %d: one winner, one loser", n)
                        .containsExactlyInAnyOrder("WON", "LOST");
                String[] won = outcomeA[0].equals("WON") ? outcomeA : outcomeB;
                String[] lost = won == outcomeA ? outcomeB : outcomeA;
                String winner = won == outcomeA ? "a" : "b";
                wins.merge(winner, 1, Integer::sum);
                assertThat(lost[2])
                        .as("the loser's error names the id")
                        .isEqualTo(CommitRaceChild.id(n).value());
                Checkpoint stored = store.open(CommitRaceChild.id(n)).orElseThrow();
                assertThat(stored.info().attemptId())
                        .as("round %d: the stored attempt is the winner's", n)
                        .isEqualTo(won[2])
                        .isNotEqualTo(lost[3]);
                assertThat(stored.info().parts())
                        .extracting(PartInfo::name)
                        .containsExactly("part-0", "part-1", "part-2");
                for (int p = 0; p < 3; p++) {
                    assertThat(stored.readPart("part-" + p))
                            .as("round %d part %d is the winner's (%s)", n, p, winner)
                            .isEqualTo(CommitRaceChild.part(winner, n, p));
                }
            }
            a.awaitLine("DONE", CHILD_STEP);
            b.awaitLine("DONE", CHILD_STEP);
            assertThat(store.list("race")).hasSize(rounds);
            assertThat(wins.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(rounds);
        }
    }

    private static List<String> withArgs(List<String> args, String tag, int rounds, Path go) {
        return List.of(args.get(0), args.get(1), tag, Integer.toString(rounds), go.toString());
    }

    /** {@code [WON, n, attemptId]} or {@code [LOST, n, id, attemptId]}. */
    private static String[] outcome(ChildJvm child, int n) throws InterruptedException {
        while (true) {
            String line = child.nextLine(CHILD_STEP)
                    .orElseThrow(() -> new AssertionError("no outcome of round " + n + ": " + child.describe()));
            if (line.startsWith("WON " + n + " ") || line.startsWith("LOST " + n + " ")) {
                return line.split(" ");
            }
        }
    }

    /**
     * A child JVM leads (and commits a checkpoint with its epoch), then is killed with
     * {@code SIGKILL}. Its lease is not released: a successor in this JVM does not lead before the
     * lease can have lapsed, leads within the failover timeout after the kill with a greater
     * epoch, and the dead leader's epoch is fenced: a commit carrying it (a request of the dead
     * leader still in flight, say) is refused by storage once the successor has committed.
     */
    @Test
    void leaderKilledWithSigkillIsReplacedAfterItsLeaseAndItsEpochIsFenced() throws Exception {
        URI group = AZURITE.newRoot();
        URI checkpoints = AZURITE.newRoot();
        Map<String, String> opts = AZURITE.options();
        Map<String, String> electionOptions = new HashMap<>(opts);
        electionOptions.put("lease-duration", LeaderChild.LEASE_DURATION);
        electionOptions.put("renew-interval", LeaderChild.RENEW_INTERVAL);
        Duration lease = Duration.parse("PT" + LeaderChild.LEASE_DURATION.toUpperCase(Locale.ROOT));
        Duration renew = Duration.parse("PT" + LeaderChild.RENEW_INTERVAL.toUpperCase(Locale.ROOT));
        try (LeaderElection election = Lifeboat.openLeaderElection(group, electionOptions);
                CheckpointStore store = Lifeboat.openCheckpointStore(checkpoints, opts);
                ChildJvm child = ChildJvm.start(
                        LeaderChild.class,
                        List.of(
                                ChildArgs.encodeUri(group),
                                ChildArgs.encodeUri(checkpoints),
                                ChildArgs.encodeOptions(opts)))) {
            String leads = child.awaitLine("LEADS ", CHILD_START);
            long deadEpoch = Long.parseLong(leads.split(" ", -1)[1]);
            assertThat(store.open(CheckpointId.of("leader/" + deadEpoch)))
                    .as("the child's checkpoint")
                    .isPresent();
            Candidate successor = election.join("successor", new Quiet());
            Thread.sleep(renew.multipliedBy(3).toMillis());
            assertThat(successor.isLeader()).as("while the child leads").isFalse();
            child.kill();
            long killed = System.nanoTime();
            // The child renewed at most one renew interval before it died.
            long earliest = killed + lease.minus(renew).minusMillis(500).toNanos();
            long deadline = killed + election.failoverTimeout().plusSeconds(15).toNanos();
            while (!successor.isLeader() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            long took = System.nanoTime();
            assertThat(successor.isLeader())
                    .as("the successor leads within the failover timeout %s", election.failoverTimeout())
                    .isTrue();
            assertThat(took - earliest)
                    .as(
                            "the successor did not lead before the dead leader's lease lapsed (%s after the kill)",
                            Duration.ofNanos(took - killed))
                    .isPositive();
            long epoch = successor.leadership().orElseThrow().epoch();
            assertThat(epoch).isGreaterThan(deadEpoch);
            try (CheckpointWriter w = store.begin(CheckpointId.of("leader/" + epoch), epoch)) {
                w.writePart("state", ("written by epoch " + epoch).getBytes(StandardCharsets.UTF_8));
                assertThat(w.commit().epoch()).isEqualTo(epoch);
            }
            try (CheckpointWriter zombie = store.begin(CheckpointId.of("leader/zombie"), deadEpoch)) {
                zombie.writePart("state", "late write of the dead leader".getBytes(StandardCharsets.UTF_8));
                FencedException fenced = catchThrowableOfType(FencedException.class, zombie::commit);
                assertThat(fenced.writerEpoch()).isEqualTo(deadEpoch);
                assertThat(fenced.currentEpoch()).isIn(-1L, epoch);
            }
            assertThat(store.list("leader"))
                    .extracting(CheckpointId::value)
                    .containsExactlyInAnyOrder("leader/" + deadEpoch, "leader/" + epoch);
            successor.close();
        }
    }

    /**
     * Pins what Azurite 3.37.0 does with a renewal of an expired lease, which docs/backends/azure.md
     * states. Azurite issue 2352 (filed against 3.29.0) reports that it renews an expired lease after
     * another client wrote the blob, where the service refuses; 3.37.0 refuses that renewal as the
     * service does (a write resets an expired lease). What it still accepts is a renewal of an
     * expired, untouched lease under a <em>different</em> lease id (its expired state ignores the
     * id), which the service refuses. If either assertion fails, Azurite changed: update the docs.
     * Then shows that the backend's fencing depends on neither refusal: a holder whose expired
     * lease was renewed commits with its old epoch and is refused by storage, because a newer epoch
     * was committed while its lease was expired.
     */
    @Test
    void azuriteRenewalsOfExpiredLeasesArePinnedAndFencingDependsOnNeither() throws Exception {
        URI root = AZURITE.newRoot();
        String prefix = root.getPath().substring(1 + Azurite.CONTAINER.length() + 1);
        BlobClient written = AZURITE.container().getBlobClient(prefix + "/written");
        BlobClient untouched = AZURITE.container().getBlobClient(prefix + "/untouched");
        written.upload(BinaryData.fromString("written by the holder"));
        untouched.upload(BinaryData.fromString("written by the holder"));
        BlobLeaseClient writtenLease = new BlobLeaseClientBuilder()
                .blobClient(written)
                .leaseId(UUID.randomUUID().toString())
                .buildClient();
        BlobLeaseClient untouchedLease = new BlobLeaseClientBuilder()
                .blobClient(untouched)
                .leaseId(UUID.randomUUID().toString())
                .buildClient();
        BlobLeaseClient stranger = new BlobLeaseClientBuilder()
                .blobClient(untouched)
                .leaseId(UUID.randomUUID().toString())
                .buildClient();
        writtenLease.acquireLease(15);
        untouchedLease.acquireLease(15);
        try (CheckpointStore store = Lifeboat.openCheckpointStore(root, AZURITE.options())) {
            commit(store, "offsets/1", 1);
            Thread.sleep(Duration.ofSeconds(16).toMillis()); // both leases expire
            AZURITE.container()
                    .getBlobClient(prefix + "/written")
                    .upload(BinaryData.fromString("written by another client"), true);
            commit(store, "offsets/2", 2); // the successor's epoch, committed meanwhile
            assertThat(catchThrowable(writtenLease::renewLease))
                    .as("renewing an expired lease after another client wrote the blob: refused, as by the"
                            + " service (issue 2352 does not reproduce on this Azurite)")
                    .isInstanceOf(BlobStorageException.class)
                    .extracting(t -> ((BlobStorageException) t).getStatusCode())
                    .isEqualTo(409);
            assertThat(catchThrowable(stranger::renewLease))
                    .as("Azurite renews an expired lease under another lease id (the service refuses it)")
                    .isNull();
            // A holder whose lease was renewed believes it still holds it; storage fences its epoch.
            try (CheckpointWriter w = store.begin(CheckpointId.of("offsets/3"), 1)) {
                w.writePart("p", "old holder".getBytes(StandardCharsets.UTF_8));
                FencedException fenced = catchThrowableOfType(FencedException.class, w::commit);
                assertThat(fenced.writerEpoch()).isEqualTo(1);
            }
            assertThat(store.open(CheckpointId.of("offsets/3"))).isEmpty();
            assertThat(store.list("offsets")).extracting(CheckpointId::value).containsExactly("offsets/1", "offsets/2");
        } finally {
            Throwable unused1 = catchThrowable(writtenLease::releaseLease);
            Throwable unused2 = catchThrowable(untouchedLease::releaseLease);
            Throwable unused3 = catchThrowable(stranger::releaseLease);
        }
    }

    private static void commit(CheckpointStore store, String id, long epoch) throws IOException {
        try (CheckpointWriter w = store.begin(CheckpointId.of(id), epoch)) {
            w.writePart("p", id.getBytes(StandardCharsets.UTF_8));
            w.commit();
        }
    }

    private static class Quiet implements LeadershipListener {
        @Override
        public void elected(Leadership leadership) {}

        @Override
        public void lost(Leadership leadership, LossReason reason) {}
    }
}
