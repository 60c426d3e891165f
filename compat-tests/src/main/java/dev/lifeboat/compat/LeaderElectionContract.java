package dev.lifeboat.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.compat.internal.Await;
import dev.lifeboat.compat.internal.ChildArgs;
import dev.lifeboat.compat.internal.ChildJvm;
import dev.lifeboat.compat.internal.ElectionChild;
import dev.lifeboat.spi.Capability;
import dev.lifeboat.spi.Lifeboat;
import dev.lifeboat.spi.election.Candidate;
import dev.lifeboat.spi.election.LeaderElection;
import dev.lifeboat.spi.election.LeaderElectionProvider;
import dev.lifeboat.spi.election.Leadership;
import dev.lifeboat.spi.election.LeadershipListener;
import dev.lifeboat.spi.election.LossReason;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The contract every {@link LeaderElection} backend keeps: at most one leader per group, epochs
 * that strictly increase across leaderships, prompt hand-over on resign and close, a listener
 * told in order with {@link Candidate#isLeader()} already updated, and takeover after a leader's
 * process is killed. A backend's test extends this class and supplies its provider, a fresh
 * election group per call and its options, as {@link BackendContract} shows; the tests every
 * contract shares (discovery, an unknown option key, capabilities, here with a positive
 * {@link LeaderElection#failoverTimeout()}) come from there.
 *
 * <p>Waiting for a new leader is bounded by {@link LeaderElection#failoverTimeout()} plus
 * {@link #timingMargin()} (5 s by default), which absorbs scheduling delays on a busy machine;
 * these are correctness bounds, not performance assertions. Every candidate joins through its
 * own connection opened with {@link Lifeboat}, as separate drivers would.
 */
public abstract non-sealed class LeaderElectionContract
        extends BackendContract<LeaderElectionProvider, LeaderElection> {
    private static final int SAMPLES = 200;
    private static final Duration CHILD_START = Duration.ofSeconds(60);

    private final List<AutoCloseable> opened = Collections.synchronizedList(new ArrayList<>());
    private volatile Duration failoverTimeout;

    /** Slack added to {@link LeaderElection#failoverTimeout()} when waiting for a new leader. */
    protected Duration timingMargin() {
        return Duration.ofSeconds(5);
    }

    /** Closes every connection and candidate the test opened, newest first. */
    @AfterEach
    public final void closeEverythingOpened() throws Exception {
        List<AutoCloseable> all;
        synchronized (opened) {
            all = new ArrayList<>(opened);
            opened.clear();
        }
        Collections.reverse(all);
        Exception first = null;
        for (AutoCloseable c : all) {
            try {
                c.close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    @Override
    final LeaderElectionProvider discoveredProvider(URI uri) {
        return Lifeboat.leaderElectionProvider(uri);
    }

    @Override
    final LeaderElection openThroughLifeboat(URI group, Map<String, String> options) throws IOException {
        return Lifeboat.openLeaderElection(group, options);
    }

    @Override
    final Set<Capability> capabilitiesOf(LeaderElection election) {
        return election.capabilities();
    }

    /** Every connection tells how long a fail-over may take. */
    @Override
    final void assertOpened(LeaderElection election) {
        assertThat(election.failoverTimeout()).isPositive();
    }

    // ---------------------------------------------------------------- one leader, epochs

    @Test
    public void atMostOneOfFiveCandidatesLeads() throws Exception {
        URI group = newRoot();
        List<Candidate> candidates = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            candidates.add(join(group, "p-" + i, new Recorder()));
        }
        Candidate leader = awaitLeader(candidates, group);
        for (int s = 0; s < SAMPLES; s++) {
            List<String> leaders = leaders(candidates);
            assertThat(leaders).as("leaders at sample %d", s).hasSizeLessThanOrEqualTo(1);
            Thread.sleep(5);
        }
        assertThat(leaders(candidates)).as("leaders of a steady group").containsExactly(leader.participantId());
        Leadership l = leader.leadership().orElseThrow();
        assertThat(l.participantId()).isEqualTo(leader.participantId());
        assertThat(l.epoch()).isPositive();
        for (Candidate c : candidates) {
            if (c != leader) {
                assertThat(c.leadership())
                        .as("leadership() of follower %s", c.participantId())
                        .isEmpty();
            }
        }
    }

    @Test
    public void epochsStrictlyIncreaseAcrossLeaderships() throws Exception {
        URI group = newRoot();
        List<Candidate> candidates = new ArrayList<>();
        List<Recorder> recorders = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Recorder r = new Recorder();
            recorders.add(r);
            candidates.add(join(group, "p-" + i, r));
        }
        List<Long> epochs = new ArrayList<>();
        List<Candidate> remaining = new ArrayList<>(candidates);
        while (!remaining.isEmpty()) {
            Candidate leader = awaitLeader(remaining, group);
            long epoch = leader.leadership().orElseThrow().epoch();
            epochs.add(epoch);
            Recorder r = recorders.get(candidates.indexOf(leader));
            assertThat(Await.until(timingMargin(), () -> r.lastElected().isPresent()))
                    .as("elected() called")
                    .isTrue();
            assertThat(r.lastElected().orElseThrow().epoch())
                    .as("epoch told to elected()")
                    .isEqualTo(epoch);
            leader.resign();
            assertThat(leader.isLeader()).as("isLeader() after resign()").isFalse();
            remaining.remove(leader);
        }
        assertThat(epochs)
                .as("epochs of successive leaderships")
                .isSortedAccordingTo(Long::compare)
                .doesNotHaveDuplicates();
        Candidate late = join(group, "late", new Recorder());
        assertThat(late.awaitLeadership(failover(group)))
                .as("a candidate joining after everyone resigned")
                .isTrue();
        assertThat(late.leadership().orElseThrow().epoch())
                .as("epoch of the next leadership")
                .isGreaterThan(epochs.get(epochs.size() - 1));
        for (int i = 0; i < candidates.size(); i++) {
            Recorder r = recorders.get(i);
            assertThat(Await.until(timingMargin(), () -> r.losses().size() == 1))
                    .as("lost() after resign()")
                    .isTrue();
            assertThat(r.losses().get(0).reason()).isEqualTo(LossReason.RESIGNED);
            assertThat(r.elected())
                    .as("elected() calls of %s", candidates.get(i).participantId())
                    .hasSize(1);
        }
    }

    @Test
    public void resignHandsOverWithinTheFailoverTimeout() throws Exception {
        URI group = newRoot();
        Candidate a = join(group, "a", new Recorder());
        Candidate b = join(group, "b", new Recorder());
        Candidate leader = awaitLeader(List.of(a, b), group);
        Candidate follower = leader == a ? b : a;
        long before = leader.leadership().orElseThrow().epoch();
        leader.resign();
        assertThat(follower.awaitLeadership(failover(group)))
                .as("the follower leads within failoverTimeout() + %s after resign()", timingMargin())
                .isTrue();
        assertThat(follower.leadership().orElseThrow().epoch()).isGreaterThan(before);
        assertThat(leader.isLeader()).isFalse();
    }

    @Test
    public void leaderThatClosesIsReplaced() throws Exception {
        URI group = newRoot();
        List<Recorder> recorders = List.of(new Recorder(), new Recorder(), new Recorder());
        List<LeaderElection> connections = new ArrayList<>();
        List<Candidate> candidates = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            LeaderElection election = connect(group);
            connections.add(election);
            Candidate c = election.join("p-" + i, recorders.get(i));
            recorders.get(i).attach(c);
            candidates.add(c);
        }
        Candidate first = awaitLeader(candidates, group);
        long firstEpoch = first.leadership().orElseThrow().epoch();
        first.close();
        Recorder firstRecorder = recorders.get(candidates.indexOf(first));
        assertThat(Await.until(timingMargin(), () -> !firstRecorder.losses().isEmpty()))
                .as("lost() after close()")
                .isTrue();
        assertThat(firstRecorder.losses().get(0).reason()).isEqualTo(LossReason.CLOSED);
        List<Candidate> rest = new ArrayList<>(candidates);
        rest.remove(first);
        Candidate second = awaitLeader(rest, group);
        long secondEpoch = second.leadership().orElseThrow().epoch();
        assertThat(secondEpoch).isGreaterThan(firstEpoch);

        // Closing the whole connection closes its candidates.
        int index = candidates.indexOf(second);
        connections.get(index).close();
        assertThat(second.isLeader()).as("a candidate of a closed connection").isFalse();
        rest.remove(second);
        Candidate third = awaitLeader(rest, group);
        assertThat(third.leadership().orElseThrow().epoch()).isGreaterThan(secondEpoch);
    }

    @Test
    public void listenerIsToldWithIsLeaderAlreadyUpdated() throws Exception {
        URI group = newRoot();
        // A first leader holds the group until the recorder knows its candidate, so that
        // elected() is certain to come after join() returned and can ask isLeader().
        Candidate holder = join(group, "holder", new Recorder());
        assertThat(holder.awaitLeadership(failover(group))).isTrue();
        Recorder recorder = new Recorder();
        Candidate c = join(group, "solo", recorder);
        holder.resign();
        assertThat(c.awaitLeadership(failover(group))).isTrue();
        assertThat(Await.until(timingMargin(), () -> !recorder.elected().isEmpty()))
                .as("elected() called")
                .isTrue();
        Leadership leadership = c.leadership().orElseThrow();
        assertThat(recorder.elected()).as("elected() carries leadership()").containsExactly(leadership);
        assertThat(leadership.participantId()).isEqualTo("solo");
        assertThat(recorder.leaderInElected())
                .as("isLeader() seen inside elected()")
                .containsExactly(true);
        c.resign();
        assertThat(Await.until(timingMargin(), () -> !recorder.losses().isEmpty()))
                .as("lost() called")
                .isTrue();
        Loss loss = recorder.losses().get(0);
        assertThat(loss.leadership()).isEqualTo(leadership);
        assertThat(loss.reason()).isEqualTo(LossReason.RESIGNED);
        assertThat(loss.leaderInside()).as("isLeader() seen inside lost()").isFalse();
        assertThat(c.leadership()).isEmpty();
    }

    @Test
    public void followerAwaitTimesOut() throws Exception {
        URI group = newRoot();
        Candidate a = join(group, "a", new Recorder());
        assertThat(a.awaitLeadership(failover(group))).isTrue();
        Candidate b = join(group, "b", new Recorder());
        assertThat(b.awaitLeadership(Duration.ofMillis(200))).isFalse();
        assertThat(b.isLeader()).isFalse();
        assertThat(b.leadership()).isEmpty();
        assertThat(a.isLeader()).isTrue();
    }

    @Test
    public void resignAndCloseAreIdempotent() throws Exception {
        URI group = newRoot();
        LeaderElection election = connect(group);
        Candidate c = election.join("a", new Recorder());
        assertThat(c.awaitLeadership(failover(group))).isTrue();
        c.resign();
        c.resign();
        c.close();
        c.close();
        election.close();
        election.close();
        assertThat(c.isLeader()).isFalse();
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"", "a/b", "..", ".", "/a", "a\u0000b", "line\nbreak", "back\\slash"})
    public void invalidParticipantIdsAreRejected(String bad) throws IOException {
        LeaderElection election = connect(newRoot());
        assertThatThrownBy(() -> election.join(bad, new Recorder()).close())
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    public void participantIdJoinedTwiceThroughOneConnectionIsRejected() throws IOException {
        LeaderElection election = connect(newRoot());
        Candidate first = election.join("same", new Recorder());
        assertThatThrownBy(() -> election.join("same", new Recorder()).close())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("same");
        assertThat(first.participantId()).isEqualTo("same");
    }

    @Test
    public void epochSurvivesEveryParticipantLeaving() throws Exception {
        assumeCapability(Capability.ELECTION_DURABLE_EPOCH);
        URI group = newRoot();
        long epoch;
        try (LeaderElection election = Lifeboat.openLeaderElection(group, optionsWith(Map.of()));
                Candidate c = election.join("first", new Recorder())) {
            assertThat(c.awaitLeadership(election.failoverTimeout().plus(timingMargin())))
                    .isTrue();
            epoch = c.leadership().orElseThrow().epoch();
        }
        Candidate next = join(group, "second", new Recorder());
        assertThat(next.awaitLeadership(failover(group))).isTrue();
        assertThat(next.leadership().orElseThrow().epoch())
                .as("epoch after every participant left")
                .isGreaterThan(epoch);
    }

    // ---------------------------------------------------------------- crash

    /**
     * Runs {@link ElectionChild} in another JVM until it leads, joins a candidate in this JVM,
     * kills the child with {@code SIGKILL}, and expects this candidate to lead within
     * {@code failoverTimeout() + timingMargin()} with a greater epoch. While the child leads, this
     * candidate must not.
     */
    @Test
    public void leaderKilledWithSigkillIsReplacedWithAGreaterEpoch() throws Exception {
        assumeCapability(Capability.ELECTION_CROSS_PROCESS);
        URI group = newRoot();
        Map<String, String> opts = optionsWith(Map.of());
        LeaderElection election = connect(group);
        Duration failover = election.failoverTimeout().plus(timingMargin());
        try (ChildJvm child = ChildJvm.start(
                ElectionChild.class, List.of(ChildArgs.encodeUri(group), ChildArgs.encodeOptions(opts), "child"))) {
            String elected = child.awaitLine("ELECTED ", CHILD_START.plus(failover));
            long childEpoch =
                    Long.parseLong(elected.substring("ELECTED ".length()).trim());
            Recorder recorder = new Recorder();
            Candidate parent = election.join("parent", recorder);
            recorder.attach(parent);
            for (int s = 0; s < 50; s++) {
                assertThat(parent.isLeader())
                        .as("this candidate while the child leads (sample %d)", s)
                        .isFalse();
                Thread.sleep(10);
            }
            child.kill();
            long killed = System.nanoTime();
            assertThat(parent.awaitLeadership(failover))
                    .as(
                            "leadership within failoverTimeout() %s + margin %s after SIGKILL of the leader",
                            election.failoverTimeout(), timingMargin())
                    .isTrue();
            Duration took = Duration.ofNanos(System.nanoTime() - killed);
            assertThat(parent.leadership().orElseThrow().epoch())
                    .as("epoch after taking over from the child's epoch %d (took %s)", childEpoch, took)
                    .isGreaterThan(childEpoch);
        }
    }

    // ---------------------------------------------------------------- helpers for subclasses

    /** Opens a connection to {@code group}, closed after the test. */
    protected final LeaderElection connect(URI group) throws IOException {
        LeaderElection election = Lifeboat.openLeaderElection(group, optionsWith(Map.of()));
        opened.add(election);
        failoverTimeout = election.failoverTimeout();
        return election;
    }

    /** Joins {@code group} as {@code id} through a new connection, closed after the test. */
    protected final Candidate join(URI group, String id, Recorder recorder) throws IOException {
        Candidate c = connect(group).join(id, recorder);
        recorder.attach(c);
        opened.add(c);
        return c;
    }

    /** {@code failoverTimeout() + timingMargin()} of a connection to {@code group}. */
    protected final Duration failover(URI group) throws IOException {
        Duration known = failoverTimeout;
        return (known != null ? known : connect(group).failoverTimeout()).plus(timingMargin());
    }

    /** Waits until exactly one of {@code candidates} leads, and returns it. */
    protected final Candidate awaitLeader(List<Candidate> candidates, URI group) throws Exception {
        Duration timeout = failover(group);
        AtomicReference<Candidate> leader = new AtomicReference<>();
        boolean found = Await.until(timeout, () -> {
            List<Candidate> leading =
                    candidates.stream().filter(Candidate::isLeader).collect(Collectors.toList());
            if (leading.size() == 1) {
                leader.set(leading.get(0));
                return true;
            }
            return false;
        });
        assertThat(found)
                .as("one of %s leads within %s", ids(candidates), timeout)
                .isTrue();
        return leader.get();
    }

    private static List<String> leaders(List<Candidate> candidates) {
        return candidates.stream()
                .filter(Candidate::isLeader)
                .map(Candidate::participantId)
                .collect(Collectors.toList());
    }

    private static List<String> ids(List<Candidate> candidates) {
        return candidates.stream().map(Candidate::participantId).collect(Collectors.toList());
    }

    /** One {@code lost()} call: the leadership, the reason, and what {@code isLeader()} said inside it. */
    public record Loss(Leadership leadership, LossReason reason, boolean leaderInside) {}

    /** A listener that records every call, and what its candidate's {@code isLeader()} said then. */
    public static final class Recorder implements LeadershipListener {
        private final AtomicReference<Candidate> candidate = new AtomicReference<>();
        private final List<Leadership> elected = new ArrayList<>();
        private final List<Boolean> leaderInElected = new ArrayList<>();
        private final List<Loss> losses = new ArrayList<>();

        @Override
        public synchronized void elected(Leadership leadership) {
            elected.add(leadership);
            Candidate c = candidate.get();
            if (c != null) { // null when elected() comes before join() returned
                leaderInElected.add(c.isLeader());
            }
        }

        @Override
        public synchronized void lost(Leadership leadership, LossReason reason) {
            Candidate c = candidate.get();
            losses.add(new Loss(leadership, reason, c != null && c.isLeader()));
        }

        /** Tells the recorder its candidate, so it can ask {@code isLeader()} inside the calls. */
        public void attach(Candidate c) {
            candidate.set(c);
        }

        public synchronized List<Leadership> elected() {
            return List.copyOf(elected);
        }

        public synchronized List<Boolean> leaderInElected() {
            return List.copyOf(leaderInElected);
        }

        public synchronized List<Loss> losses() {
            return List.copyOf(losses);
        }

        public synchronized Optional<Leadership> lastElected() {
            return elected.isEmpty() ? Optional.empty() : Optional.of(elected.get(elected.size() - 1));
        }
    }
}
