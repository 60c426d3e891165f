package dev.lifeboat.backend.zookeeper;

import static dev.lifeboat.backend.zookeeper.EventLog.Kind.ELECTED;
import static dev.lifeboat.backend.zookeeper.EventLog.Kind.LOST;
import static dev.lifeboat.backend.zookeeper.EventLog.Kind.RESUMED;
import static dev.lifeboat.backend.zookeeper.EventLog.Kind.SUSPENDED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.spi.CorruptDataException;
import dev.lifeboat.spi.Lifeboat;
import dev.lifeboat.spi.election.Candidate;
import dev.lifeboat.spi.election.LeaderElection;
import dev.lifeboat.spi.election.Leadership;
import dev.lifeboat.spi.election.LeadershipListener;
import dev.lifeboat.spi.election.LossReason;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.ACL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The ZooKeeper election against one real server ({@link TestingServer}): epochs in ZooKeeper,
 * hand-over, connection states, namespace and ACL options.
 */
class ZooKeeperLeaderElectionTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    private static TestingServer server;
    private static CuratorFramework inspector;

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final EventLog log = new EventLog();
    private String group;

    @BeforeAll
    static void startServer() throws Exception {
        server = TestZooKeeper.server();
        inspector = TestZooKeeper.inspector(server.getConnectString());
    }

    @AfterAll
    static void stopServer() throws IOException {
        if (inspector != null) {
            inspector.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void name(TestInfo info) {
        group = info.getTestMethod().orElseThrow().getName();
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    private URI uri() {
        return TestZooKeeper.uri(server.getConnectString(), group);
    }

    private Participant join(String id) throws IOException {
        return join(id, TestZooKeeper.options());
    }

    private Participant join(String id, Map<String, String> options) throws IOException {
        Participant p = Participant.join(uri(), options, id, log);
        toClose.add(p);
        return p;
    }

    private long storedEpoch(String path) throws Exception {
        return Long.parseLong(new String(inspector.getData().forPath(path), StandardCharsets.US_ASCII));
    }

    private long storedEpoch() throws Exception {
        return storedEpoch("/lifeboat/" + group + "/epoch");
    }

    @Test
    void exactlyOneOfThreeLeadsAndItsEpochIsTheOneInZooKeeper() throws Exception {
        Participant a = join("a");
        Participant b = join("b");
        Participant c = join("c");

        EventLog.Event elected = log.await(e -> e.kind() == ELECTED, WAIT, "ELECTED");

        assertThat(List.of(a, b, c)).filteredOn(Participant::isLeader).hasSize(1);
        Participant leader = List.of(a, b, c).stream()
                .filter(Participant::isLeader)
                .findFirst()
                .orElseThrow();
        assertThat(leader.id).isEqualTo(elected.participant());
        Leadership l = leader.leadership().orElseThrow();
        assertThat(l.epoch()).isEqualTo(elected.epoch()).isEqualTo(storedEpoch());
        assertThat(l.group()).isEqualTo(uri().toString());
        assertThat(l.participantId()).isEqualTo(leader.id);
        assertThat(elected.leaderDuringCall()).as("isLeader() during elected()").isTrue();
        assertThat(inspector.getChildren().forPath("/lifeboat/" + group + "/candidates"))
                .hasSize(3);
        for (Participant p : List.of(a, b, c)) {
            if (p != leader) {
                assertThat(p.candidate.awaitLeadership(Duration.ofMillis(200))).isFalse();
                assertThat(p.leadership()).isEmpty();
            }
        }
    }

    @Test
    void resignHandsOverPromptlyWithALargerEpoch() throws Exception {
        Participant a = join("a");
        assertThat(a.candidate.awaitLeadership(WAIT)).isTrue();
        long first = a.leadership().orElseThrow().epoch();
        join("b"); // the candidate that takes over

        a.candidate.resign();

        assertThat(a.isLeader()).isFalse();
        EventLog.Event lost = log.await(e -> e.kind() == LOST, WAIT, "LOST");
        assertThat(lost.participant()).isEqualTo("a");
        assertThat(lost.reason()).contains(LossReason.RESIGNED);
        assertThat(lost.leaderDuringCall()).as("isLeader() during lost()").isFalse();
        EventLog.Event next = log.awaitElectedAbove(first, WAIT);
        assertThat(next.participant()).isEqualTo("b");
        assertThat(storedEpoch()).isEqualTo(next.epoch());
        // Withdrawn: a resigned candidate does not come back.
        a.candidate.resign();
        assertThat(a.candidate.awaitLeadership(Duration.ofMillis(100))).isFalse();
        assertThat(inspector.getChildren().forPath("/lifeboat/" + group + "/candidates"))
                .hasSize(1);
    }

    @Test
    void closingTheLeaderHandsOverWithReasonClosed() throws Exception {
        Participant a = join("a");
        assertThat(a.candidate.awaitLeadership(WAIT)).isTrue();
        long first = a.leadership().orElseThrow().epoch();
        Participant b = join("b");

        a.candidate.close();
        a.candidate.close(); // idempotent

        EventLog.Event lost = log.await(e -> e.kind() == LOST, WAIT, "LOST");
        assertThat(lost.reason()).contains(LossReason.CLOSED);
        assertThat(log.awaitElectedAbove(first, WAIT).participant()).isEqualTo("b");
        assertThat(b.leadership().orElseThrow().epoch()).isGreaterThan(first);
    }

    @Test
    void theEpochSurvivesEveryParticipantLeaving() throws Exception {
        long last = 0;
        for (int round = 0; round < 3; round++) {
            try (Participant p = Participant.join(uri(), TestZooKeeper.options(), "p" + round, log)) {
                assertThat(p.candidate.awaitLeadership(WAIT)).isTrue();
                long epoch = p.leadership().orElseThrow().epoch();
                assertThat(epoch).isGreaterThan(last);
                last = epoch;
            }
            // Everyone gone: only ZooKeeper remembers the epoch.
            assertThat(inspector.getChildren().forPath("/lifeboat/" + group + "/candidates"))
                    .isEmpty();
        }
        assertThat(storedEpoch()).isEqualTo(last);
    }

    @Test
    void aDeletedEpochCounterRestartsAboveEveryEarlierEpoch() throws Exception {
        long before;
        try (Participant p = Participant.join(uri(), TestZooKeeper.options(), "a", log)) {
            assertThat(p.candidate.awaitLeadership(WAIT)).isTrue();
            before = p.leadership().orElseThrow().epoch();
        }
        inspector.delete().deletingChildrenIfNeeded().forPath("/lifeboat/" + group);

        try (Participant p = Participant.join(uri(), TestZooKeeper.options(), "b", log)) {
            assertThat(p.candidate.awaitLeadership(WAIT)).isTrue();
            assertThat(p.leadership().orElseThrow().epoch()).isGreaterThan(before);
        }
    }

    @Test
    void aCorruptEpochCounterIsReportedWithItsPath() throws Exception {
        join("a").close();
        inspector.setData().forPath("/lifeboat/" + group + "/epoch", "seven".getBytes(StandardCharsets.US_ASCII));

        assertThatThrownBy(() -> Lifeboat.openLeaderElection(uri(), TestZooKeeper.options()))
                .isInstanceOf(CorruptDataException.class)
                .hasMessageContaining("/lifeboat/" + group + "/epoch")
                .hasMessageContaining("seven");
    }

    @Test
    void aFlappingConnectionPausesTheLeaderWithoutRevokingIt() throws Exception {
        // Each reconnection may take the ZooKeeper client up to 2 s: a session that outlives it.
        Participant a = join("a", TestZooKeeper.options("6s"));
        assertThat(a.candidate.awaitLeadership(WAIT)).isTrue();
        long epoch = a.leadership().orElseThrow().epoch();
        Participant b = join("b", TestZooKeeper.options("6s"));

        int flaps = 3;
        for (int i = 1; i <= flaps; i++) {
            a.dropConnection();
            int n = i;
            log.await(
                    e -> e.participant().equals("a")
                            && e.kind() == RESUMED
                            && log.events("a").stream()
                                            .filter(x -> x.kind() == RESUMED)
                                            .count()
                                    >= n,
                    WAIT,
                    "RESUMED #" + i);
        }

        List<EventLog.Event> events = log.events("a");
        assertThat(events).extracting(EventLog.Event::kind).doesNotContain(LOST);
        assertThat(events).filteredOn(e -> e.kind() == ELECTED).hasSize(1);
        assertThat(events).filteredOn(e -> e.kind() == SUSPENDED).hasSize(flaps);
        assertThat(events).filteredOn(e -> e.kind() == RESUMED).hasSize(flaps);
        assertThat(events).allSatisfy(e -> assertThat(e.epoch()).isEqualTo(epoch));
        assertThat(events).allSatisfy(e -> assertThat(e.leaderDuringCall()).isTrue());
        assertThat(a.isLeader()).isTrue();
        assertThat(b.isLeader()).isFalse();
        assertThat(log.events("b")).isEmpty();
        assertThat(storedEpoch()).isEqualTo(epoch);
    }

    @Test
    void theAbdicatePolicyGivesLeadershipUpWhenTheConnectionIsSuspended() throws Exception {
        Map<String, String> abdicate = new HashMap<>(TestZooKeeper.options());
        abdicate.put("suspended-policy", "abdicate");
        Participant a = join("a", abdicate);
        assertThat(a.candidate.awaitLeadership(WAIT)).isTrue();
        long epoch = a.leadership().orElseThrow().epoch();
        Participant b = join("b", abdicate);

        a.dropConnection();

        EventLog.Event lost = log.await(e -> e.kind() == LOST, WAIT, "LOST");
        assertThat(lost.participant()).isEqualTo("a");
        assertThat(lost.reason()).contains(LossReason.SESSION_LOST);
        assertThat(lost.leaderDuringCall()).isFalse();
        // a deleted its node once reconnected, so b need not wait for a's session to expire.
        EventLog.Event next = log.awaitElectedAbove(epoch, WAIT);
        assertThat(next.participant()).isEqualTo("b");
        assertThat(next.nanos()).isGreaterThan(lost.nanos());
        assertThat(a.isLeader()).isFalse();
        assertThat(b.isLeader()).isTrue();
    }

    @Test
    void withTheAbdicatePolicyAShortSuspensionWithinTheGraceResumes() throws Exception {
        // The reconnection takes the ZooKeeper client up to 2 s; the grace is longer.
        Map<String, String> options = new HashMap<>(TestZooKeeper.options("6s"));
        options.put("suspended-policy", "abdicate");
        options.put("suspended-grace", "4s");
        Participant a = join("a", options);
        assertThat(a.candidate.awaitLeadership(WAIT)).isTrue();
        long epoch = a.leadership().orElseThrow().epoch();
        Participant b = join("b", options);

        a.dropConnection();

        log.await(e -> e.participant().equals("a") && e.kind() == RESUMED, WAIT, "RESUMED");
        assertThat(log.events("a")).extracting(EventLog.Event::kind).containsExactly(ELECTED, SUSPENDED, RESUMED);
        assertThat(a.leadership().orElseThrow().epoch()).isEqualTo(epoch);
        assertThat(b.isLeader()).isFalse();
    }

    @Test
    void anExpiredSessionIsReportedLostBeforeTheNextLeaderIsElected() throws Exception {
        Participant a = join("a");
        assertThat(a.candidate.awaitLeadership(WAIT)).isTrue();
        long epoch = a.leadership().orElseThrow().epoch();
        join("b"); // the candidate that takes over

        a.expireSessionOnClient();

        EventLog.Event lost = log.await(e -> e.kind() == LOST, WAIT, "LOST");
        assertThat(lost.participant()).isEqualTo("a");
        assertThat(lost.reason()).contains(LossReason.SESSION_LOST);
        assertThat(lost.leaderDuringCall()).isFalse();
        EventLog.Event next = log.awaitElectedAbove(epoch, WAIT);
        assertThat(next.participant()).isEqualTo("b");
        assertThat(next.nanos()).isGreaterThan(lost.nanos());
        // a rejoined with a new session, at the end of the line.
        awaitCandidates(2);
        assertThat(a.isLeader()).isFalse();
    }

    @Test
    void aSessionExpiredOnTheServerEndsLeadershipAndTheEpochMovesOn() throws Exception {
        Participant a = join("a");
        assertThat(a.candidate.awaitLeadership(WAIT)).isTrue();
        long epoch = a.leadership().orElseThrow().epoch();
        Participant b = join("b");

        a.expireSessionOnServer(server.getConnectString());

        EventLog.Event next = log.awaitElectedAbove(epoch, WAIT);
        assertThat(next.participant()).isEqualTo("b");
        EventLog.Event lost = log.await(e -> e.kind() == LOST, WAIT, "LOST");
        assertThat(lost.participant()).isEqualTo("a");
        assertThat(lost.reason()).contains(LossReason.SESSION_LOST);
        assertThat(lost.leaderDuringCall()).isFalse();
        // The server ends the session and tells b (a watch) and a (a closed socket) at the same
        // time, so b may be elected before a even hears it is SUSPENDED: the window in which
        // only the epoch keeps a's writes out (ZooKeeperFencingStressTest).
        assertThat(b.leadership().orElseThrow().epoch()).isGreaterThan(epoch);
        awaitCandidates(2);
    }

    @Test
    void aServerRestartWithinTheSessionTimeoutKeepsTheLeader() throws Exception {
        // A longer session than the other tests: the server must stop, start and take the
        // reconnection well within it.
        Map<String, String> options = TestZooKeeper.options("6s");
        Participant a = join("a", options);
        assertThat(a.candidate.awaitLeadership(WAIT)).isTrue();
        long epoch = a.leadership().orElseThrow().epoch();
        Participant b = join("b", options);

        server.stop();
        log.await(e -> e.participant().equals("a") && e.kind() == SUSPENDED, WAIT, "SUSPENDED");
        Thread.sleep(300);
        server.restart();
        log.await(e -> e.participant().equals("a") && e.kind() == RESUMED, WAIT, "RESUMED");

        assertThat(log.events("a")).extracting(EventLog.Event::kind).containsExactly(ELECTED, SUSPENDED, RESUMED);
        assertThat(a.leadership().orElseThrow().epoch()).isEqualTo(epoch);
        assertThat(log.events("b")).isEmpty();
        assertThat(b.isLeader()).isFalse();
    }

    @Test
    void theListenerMayResignFromElected() throws Exception {
        List<String> calls = new CopyOnWriteArrayList<>();
        AtomicReference<Candidate> self = new AtomicReference<>();
        AtomicInteger depth = new AtomicInteger();
        LeaderElection election = Lifeboat.openLeaderElection(uri(), TestZooKeeper.options());
        toClose.add(election);
        Candidate c = election.join("a", new LeadershipListener() {
            @Override
            public void elected(Leadership leadership) {
                depth.incrementAndGet();
                while (self.get() == null) {
                    Thread.onSpinWait();
                }
                try {
                    self.get().resign();
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
                calls.add("elected, after resign isLeader=" + self.get().isLeader());
                depth.decrementAndGet();
            }

            @Override
            public void lost(Leadership leadership, LossReason reason) {
                calls.add("lost " + reason + " nested=" + (depth.get() > 0));
            }
        });
        self.set(c);

        long deadline = System.nanoTime() + WAIT.toNanos();
        while (calls.size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(calls).containsExactly("elected, after resign isLeader=false", "lost RESIGNED nested=false");
        assertThat(c.isLeader()).isFalse();
    }

    @Test
    void joiningIsValidated() throws Exception {
        LeaderElection election = Lifeboat.openLeaderElection(uri(), TestZooKeeper.options());
        toClose.add(election);
        LeadershipListener quiet = new LeadershipListener() {
            @Override
            public void elected(Leadership leadership) {}

            @Override
            public void lost(Leadership leadership, LossReason reason) {}
        };
        election.join("a", quiet);

        assertThatThrownBy(() -> election.join("a", quiet))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'a' already joined");
        assertThatThrownBy(() -> election.join("a/b", quiet))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a/b");
        assertThatThrownBy(() -> election.join("..", quiet))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("..");
        assertThat(election.failoverTimeout()).isEqualTo(TestZooKeeper.SESSION);
        assertThat(election.capabilities())
                .containsExactlyInAnyOrderElementsOf(new ZooKeeperLeaderElectionProvider().capabilities());
        election.close();
        election.close(); // idempotent
        assertThatThrownBy(() -> election.join("b", quiet)).isInstanceOf(IllegalStateException.class);
        // Closing the connection removed every candidate node.
        assertThat(inspector.getChildren().forPath("/lifeboat/" + group + "/candidates"))
                .isEmpty();
    }

    @Test
    void theNamespaceOptionPrefixesEveryZnode() throws Exception {
        Map<String, String> options = new HashMap<>(TestZooKeeper.options());
        options.put("namespace", "apps/lifeboat");
        Participant a = join("a", options);
        assertThat(a.candidate.awaitLeadership(WAIT)).isTrue();

        assertThat(storedEpoch("/apps/lifeboat/lifeboat/" + group + "/epoch"))
                .isEqualTo(a.leadership().orElseThrow().epoch());
        assertThat(inspector.checkExists().forPath("/lifeboat/" + group)).isNull();
    }

    @Test
    void theCreatorAclKeepsOtherIdentitiesOut() throws Exception {
        Map<String, String> alice = new HashMap<>(TestZooKeeper.options());
        alice.put("acl", "creator");
        alice.put("auth", "digest:alice:secret");
        // Its own root: a creator-only /lifeboat would keep the other tests out.
        URI secure = URI.create("zk://" + server.getConnectString() + "/secure/" + group);
        Participant a = Participant.join(secure, alice, "a", log);
        toClose.add(a);
        assertThat(a.candidate.awaitLeadership(WAIT)).isTrue();
        Participant a2 = Participant.join(secure, alice, "a2", log); // the same identity may take part
        toClose.add(a2);

        String epochPath = "/secure/" + group + "/epoch";
        List<ACL> acl = a.curator().getACL().forPath(epochPath); // reading an ACL takes READ permission
        assertThat(acl).singleElement().satisfies(entry -> {
            assertThat(entry.getId().getScheme()).isEqualTo("digest");
            assertThat(entry.getId().getId()).startsWith("alice:");
        });
        assertThatThrownBy(() -> inspector.getData().forPath(epochPath))
                .isInstanceOf(KeeperException.NoAuthException.class);

        Map<String, String> bob = new HashMap<>(alice);
        bob.put("auth", "digest:bob:secret");
        assertThatThrownBy(() -> Lifeboat.openLeaderElection(secure, bob))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("Not allowed")
                .hasMessageNotContaining("secret");
        assertThat(a2.isLeader()).isFalse();
    }

    private void awaitCandidates(int count) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        String path = "/lifeboat/" + group + "/candidates";
        while (inspector.getChildren().forPath(path).size() != count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("expected " + count + " candidates, found "
                        + inspector.getChildren().forPath(path));
            }
            Thread.sleep(20);
        }
    }
}
