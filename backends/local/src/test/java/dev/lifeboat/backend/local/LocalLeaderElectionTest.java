package dev.lifeboat.backend.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.spi.Capability;
import dev.lifeboat.spi.Lifeboat;
import dev.lifeboat.spi.election.Candidate;
import dev.lifeboat.spi.election.LeaderElection;
import dev.lifeboat.spi.election.Leadership;
import dev.lifeboat.spi.election.LeadershipListener;
import dev.lifeboat.spi.election.LossReason;
import dev.lifeboat.spi.fault.StorageFaults;
import dev.lifeboat.spi.fault.StoredKind;
import dev.lifeboat.spi.fault.StoredObject;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class LocalLeaderElectionTest {
    private static final Map<String, String> FAST = Map.of("poll-interval", "10ms");
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    @Test
    void oneLeaderAtATimeWithGrowingEpochsAndLossBeforeTheListenerHears() throws Exception {
        URI group = dir.resolve("group").toUri();
        try (LeaderElection a = Lifeboat.openLeaderElection(group, FAST);
                LeaderElection b = Lifeboat.openLeaderElection(group, FAST)) {
            assertThat(a.capabilities()).contains(Capability.ELECTION_CROSS_PROCESS, Capability.ELECTION_DURABLE_EPOCH);
            assertThat(a.failoverTimeout()).isEqualTo(Duration.ofMillis(1010));
            List<Recorder> recorders = new ArrayList<>();
            List<Candidate> candidates = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Recorder r = new Recorder();
                recorders.add(r);
                candidates.add((i % 2 == 0 ? a : b).join("p" + i, r));
                r.candidate = candidates.get(i);
            }
            long lastEpoch = 0;
            List<Candidate> remaining = new ArrayList<>(candidates);
            while (!remaining.isEmpty()) {
                Candidate leader = awaitSingleLeader(remaining);
                long epoch = leader.leadership().orElseThrow().epoch();
                assertThat(epoch).isGreaterThan(lastEpoch);
                lastEpoch = epoch;
                leader.resign();
                assertThat(leader.isLeader()).isFalse();
                remaining.remove(leader);
            }
            assertThat(lastEpoch).isEqualTo(4);
            for (Recorder r : recorders) {
                assertThat(r.events).hasSize(2);
                assertThat(r.events.get(0)).startsWith("elected ");
                assertThat(r.events.get(1)).startsWith("lost ").endsWith(" RESIGNED leader=false");
                assertThat(r.concurrentCalls.get()).isZero();
                assertThat(r.threads).doesNotContain(Thread.currentThread().getName());
            }
        }
    }

    @Test
    void epochsSurviveEveryParticipantLeaving() throws Exception {
        URI group = dir.resolve("group").toUri();
        long first;
        try (LeaderElection e = Lifeboat.openLeaderElection(group, FAST)) {
            Candidate c = e.join("one", new Recorder());
            assertThat(c.awaitLeadership(WAIT)).isTrue();
            first = c.leadership().orElseThrow().epoch();
        }
        try (LeaderElection e = Lifeboat.openLeaderElection(group, FAST)) {
            Recorder r = new Recorder();
            Candidate c = e.join("one", r); // the same id may join again after leaving
            assertThat(c.awaitLeadership(WAIT)).isTrue();
            assertThat(c.leadership().orElseThrow().epoch()).isEqualTo(first + 1);
            assertThat(c.leadership().orElseThrow().group()).isEqualTo(group.toString());
            c.close();
            assertThat(r.events).last().asString().contains("CLOSED");
        }
        assertThat(Files.readString(dir.resolve("group/epoch"))).isEqualTo((first + 1) + "\n");
    }

    @Test
    void aLeaderRepairsADamagedEpochSoTheNextEpochIsStillGreater() throws Exception {
        URI group = dir.resolve("group").toUri();
        try (LeaderElection e = Lifeboat.openLeaderElection(group, FAST)) {
            Candidate leader = e.join("leader", new Recorder());
            assertThat(leader.awaitLeadership(WAIT)).isTrue();
            for (int i = 0; i < 3; i++) { // raise the epoch a little
                leader.resign();
                leader = e.join("leader", new Recorder());
                assertThat(leader.awaitLeadership(WAIT)).isTrue();
            }
            long epoch = leader.leadership().orElseThrow().epoch();
            StorageFaults faults = new LocalLeaderElectionProvider().faults(group, FAST);
            List<StoredObject> state = faults.list(StoredKind.ELECTION_STATE);
            assertThat(state).hasSize(1);
            faults.delete(state.get(0));
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!Files.exists(dir.resolve("group/epoch")) && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(leader.isLeader()).isTrue();
            Candidate next = e.join("next", new Recorder());
            leader.resign();
            assertThat(next.awaitLeadership(WAIT)).isTrue();
            assertThat(next.leadership().orElseThrow().epoch()).isEqualTo(epoch + 1);
        }
    }

    @Test
    void aCorruptEpochStopsElectionsInsteadOfReusingAnEpoch() throws Exception {
        Path root = dir.resolve("group");
        Files.createDirectories(root);
        Files.writeString(root.resolve("epoch"), "4", StandardCharsets.US_ASCII); // torn: no newline
        try (LeaderElection e = Lifeboat.openLeaderElection(root.toUri(), FAST)) {
            Candidate c = e.join("c", new Recorder());
            assertThat(c.awaitLeadership(Duration.ofMillis(300))).isFalse();
            Files.writeString(root.resolve("epoch"), "41\n", StandardCharsets.US_ASCII); // an operator repaired it
            assertThat(c.awaitLeadership(WAIT)).isTrue();
            assertThat(c.leadership().orElseThrow().epoch()).isEqualTo(42);
        }
    }

    @Test
    void aListenerMayResignFromItsOwnCallback() throws Exception {
        try (LeaderElection e = Lifeboat.openLeaderElection(dir.resolve("group").toUri(), FAST)) {
            Recorder r = new Recorder();
            r.resignOnElection = true;
            Candidate c = e.join("quitter", r);
            r.candidate = c;
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (r.events.size() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(r.events).hasSize(2);
            assertThat(r.events.get(1)).endsWith("RESIGNED leader=false");
            Candidate other = e.join("other", new Recorder());
            assertThat(other.awaitLeadership(WAIT)).isTrue();
        }
    }

    @Test
    void badParticipantsAndOptionsAreRejected() throws IOException {
        assertThatThrownBy(() -> Lifeboat.openLeaderElection(dir.toUri(), Map.of("poll-interval", "often")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("poll-interval");
        assertThatThrownBy(() -> Lifeboat.openLeaderElection(dir.toUri(), Map.of("poll-interval", "0ms")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("poll-interval");
        try (LeaderElection e = Lifeboat.openLeaderElection(dir.resolve("g").toUri(), FAST)) {
            e.join("x", new Recorder());
            assertThatThrownBy(() -> e.join("x", new Recorder()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'x'");
            assertThatThrownBy(() -> e.join("a/b", new Recorder())).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> e.join("..", new Recorder())).isInstanceOf(IllegalArgumentException.class);
        }
    }

    private static Candidate awaitSingleLeader(List<Candidate> candidates) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            List<Candidate> leaders =
                    candidates.stream().filter(Candidate::isLeader).toList();
            assertThat(leaders).hasSizeLessThanOrEqualTo(1);
            if (leaders.size() == 1) {
                Thread.sleep(50); // nobody else may join it meanwhile
                assertThat(candidates.stream().filter(Candidate::isLeader)).containsExactly(leaders.get(0));
                return leaders.get(0);
            }
            Thread.sleep(2);
        }
        throw new AssertionError("no leader within " + WAIT);
    }

    private static final class Recorder implements LeadershipListener {
        final List<String> events = new CopyOnWriteArrayList<>();
        final List<String> threads = new CopyOnWriteArrayList<>();
        final AtomicInteger inside = new AtomicInteger();
        final AtomicInteger concurrentCalls = new AtomicInteger();
        volatile Candidate candidate;
        volatile boolean resignOnElection;

        @Override
        public void elected(Leadership leadership) {
            enter();
            events.add("elected " + leadership.epoch());
            if (resignOnElection) {
                try {
                    candidate.resign();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
            inside.decrementAndGet();
        }

        @Override
        public void lost(Leadership leadership, LossReason reason) {
            enter();
            Candidate c = candidate;
            events.add("lost " + leadership.epoch() + " " + reason + " leader=" + (c != null && c.isLeader()));
            inside.decrementAndGet();
        }

        private void enter() {
            threads.add(Thread.currentThread().getName());
            if (inside.incrementAndGet() > 1) {
                concurrentCalls.incrementAndGet();
            }
        }
    }
}
