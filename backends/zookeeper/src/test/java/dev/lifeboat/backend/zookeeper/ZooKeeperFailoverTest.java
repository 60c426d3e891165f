package dev.lifeboat.backend.zookeeper;

import static dev.lifeboat.backend.zookeeper.EventLog.Kind.ELECTED;
import static dev.lifeboat.backend.zookeeper.EventLog.Kind.LOST;
import static dev.lifeboat.backend.zookeeper.EventLog.Kind.RESUMED;
import static dev.lifeboat.backend.zookeeper.EventLog.Kind.SUSPENDED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.compat.internal.ChildArgs;
import dev.lifeboat.compat.internal.ChildJvm;
import dev.lifeboat.compat.internal.ElectionChild;
import dev.lifeboat.spi.election.LossReason;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Faults against a three-server ensemble ({@link TestingCluster}): the server the leader is
 * connected to dies, the leader's session expires, the leader's JVM is killed with SIGKILL. Each
 * time exactly one participant leads afterwards, with the epoch ZooKeeper holds, within the
 * session timeout plus {@link #MARGIN}. Fail-over times are printed when the class ends.
 */
class ZooKeeperFailoverTest {
    /** The session timeout of these tests' participants. */
    private static final Duration SESSION = Duration.ofSeconds(4);
    /**
     * What a fail-over may take beyond the session timeout: the servers expire sessions at tick
     * granularity (500 ms), the next candidate then needs three round trips, and this is a shared
     * 2-core machine.
     */
    private static final Duration MARGIN = Duration.ofSeconds(5);

    private static final Duration BOUND = SESSION.plus(MARGIN);
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final FailoverTimes TIMES = new FailoverTimes();

    private static TestingCluster cluster;
    private static CuratorFramework inspector;

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final EventLog log = new EventLog();
    private String group;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = TestZooKeeper.cluster(3);
        cluster.start();
        inspector = TestZooKeeper.inspector(cluster.getConnectString());
    }

    @AfterAll
    static void stopCluster() throws IOException {
        System.out.print(TIMES.report());
        if (inspector != null) {
            inspector.close();
        }
        if (cluster != null) {
            cluster.close();
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

    private static Map<String, String> options(Duration session) {
        return TestZooKeeper.options(session.toSeconds() + "s");
    }

    private URI uri(String name) {
        return TestZooKeeper.uri(cluster.getConnectString(), name);
    }

    private Participant join(String name, String id, Map<String, String> options) throws IOException {
        Participant p = Participant.join(uri(name), options, id, log);
        toClose.add(p);
        return p;
    }

    /**
     * Exactly one of {@code participants} leads, now and a moment later, and its epoch is the
     * one ZooKeeper holds.
     */
    private Participant assertOneLeader(String name, List<Participant> participants) throws Exception {
        List<Participant> leaders =
                participants.stream().filter(Participant::isLeader).toList();
        assertThat(leaders).as("leaders among %s", participants).hasSize(1);
        Thread.sleep(300);
        assertThat(participants.stream().filter(Participant::isLeader).toList())
                .as("leaders a moment later")
                .isEqualTo(leaders);
        Participant leader = leaders.get(0);
        long stored = Long.parseLong(
                new String(inspector.getData().forPath("/lifeboat/" + name + "/epoch"), StandardCharsets.US_ASCII));
        assertThat(leader.leadership().orElseThrow().epoch()).isEqualTo(stored);
        return leader;
    }

    private static long millisSince(long startNanos, long endNanos) {
        return TimeUnit.NANOSECONDS.toMillis(endNanos - startNanos);
    }

    @Test
    void killingTheServerTheLeaderIsConnectedToPausesItAndItResumesWithTheSameEpoch() throws Exception {
        // A session that outlives the reconnection (which can take ZooKeeper's client 2 s).
        Map<String, String> options = options(Duration.ofSeconds(6));
        Participant a = join(group, "a", options);
        assertThat(a.candidate.awaitLeadership(WAIT)).isTrue();
        long epoch = a.leadership().orElseThrow().epoch();
        Participant b = join(group, "b", options);
        Participant c = join(group, "c", options);

        InstanceSpec server = cluster.findConnectionInstance(a.zooKeeper());
        assertThat(cluster.killServer(server)).isTrue();
        try {
            log.await(e -> e.participant().equals("a") && e.kind() == RESUMED, WAIT, "a RESUMED");
        } finally {
            assertThat(cluster.restartServer(server)).isTrue();
        }

        assertThat(log.events("a")).extracting(EventLog.Event::kind).containsExactly(ELECTED, SUSPENDED, RESUMED);
        assertThat(log.events(ELECTED)).hasSize(1);
        assertThat(assertOneLeader(group, List.of(a, b, c))).isSameAs(a);
        assertThat(a.leadership().orElseThrow().epoch()).isEqualTo(epoch);
        assertThat(cluster.findConnectionInstance(a.zooKeeper())).isNotEqualTo(server);
    }

    @Test
    void killingTheServerTheLeaderIsConnectedToHandsOverWhenTheLeaderAbdicates() throws Exception {
        Map<String, String> options = new HashMap<>(options(SESSION));
        options.put("suspended-policy", "abdicate");
        for (int round = 1; round <= 2; round++) {
            String name = group + "-" + round;
            Participant a = join(name, "a" + round, options);
            assertThat(a.candidate.awaitLeadership(WAIT)).isTrue();
            long epoch = a.leadership().orElseThrow().epoch();
            Participant b = join(name, "b" + round, options);
            Participant c = join(name, "c" + round, options);

            InstanceSpec server = cluster.findConnectionInstance(a.zooKeeper());
            long start = System.nanoTime();
            assertThat(cluster.killServer(server)).isTrue();
            EventLog.Event next;
            try {
                next = log.awaitElectedAbove(epoch, BOUND.plus(WAIT));
            } finally {
                assertThat(cluster.restartServer(server)).isTrue();
            }

            EventLog.Event lost = log.await(e -> e.participant().equals(a.id) && e.kind() == LOST, WAIT, "LOST");
            assertThat(lost.reason()).contains(LossReason.SESSION_LOST);
            assertThat(lost.leaderDuringCall()).isFalse();
            assertThat(next.participant()).isNotEqualTo(a.id);
            assertThat(next.nanos()).isGreaterThan(lost.nanos());
            assertThat(Duration.ofNanos(next.nanos() - start)).isLessThan(BOUND);
            TIMES.add("server of the leader killed (abdicate)", millisSince(start, next.nanos()));
            assertOneLeader(name, List.of(a, b, c));
        }
    }

    @Test
    void expiringTheLeadersSessionHandsOverWithALargerEpoch() throws Exception {
        Map<String, String> options = options(SESSION);
        List<Participant> all =
                List.of(join(group, "a", options), join(group, "b", options), join(group, "c", options));
        long epoch = log.await(e -> e.kind() == ELECTED, WAIT, "ELECTED").epoch();

        for (int round = 1; round <= 3; round++) {
            Participant leader = assertOneLeader(group, all);
            assertThat(leader.leadership().orElseThrow().epoch()).isEqualTo(epoch);
            long oldEpoch = epoch;
            long start = System.nanoTime();
            leader.expireSessionOnClient();

            EventLog.Event next = log.awaitElectedAbove(epoch, BOUND.plus(WAIT));
            EventLog.Event lost = log.await(
                    e -> e.participant().equals(leader.id) && e.kind() == LOST && e.epoch() == oldEpoch,
                    WAIT,
                    "LOST of " + leader.id);
            assertThat(lost.reason()).contains(LossReason.SESSION_LOST);
            assertThat(lost.leaderDuringCall()).isFalse();
            assertThat(lost.nanos()).as("the old leader reports the loss first").isLessThan(next.nanos());
            assertThat(next.participant()).isNotEqualTo(leader.id);
            assertThat(Duration.ofNanos(next.nanos() - start)).isLessThan(BOUND);
            TIMES.add("leader's session expired", millisSince(start, next.nanos()));
            epoch = next.epoch();
        }
        assertOneLeader(group, all);
    }

    @Test
    void killingTheLeadersJvmHandsOverWithinTheSessionTimeout() throws Exception {
        Map<String, String> options = options(SESSION);
        for (int round = 1; round <= 3; round++) {
            String name = group + "-" + round;
            ChildJvm child = ChildJvm.start(
                    ElectionChild.class,
                    List.of(ChildArgs.encodeUri(uri(name)), ChildArgs.encodeOptions(options), "child" + round));
            toClose.add(child);
            long childEpoch = Long.parseLong(child.awaitLine("ELECTED ", WAIT).substring("ELECTED ".length()));
            Participant b = join(name, "b" + round, options);
            Participant c = join(name, "c" + round, options);

            long start = System.nanoTime();
            child.kill();
            EventLog.Event next = log.awaitElectedAbove(childEpoch, BOUND.plus(WAIT));

            assertThat(next.participant()).isIn(b.id, c.id);
            assertThat(Duration.ofNanos(next.nanos() - start)).isLessThan(BOUND);
            TIMES.add("leader's JVM killed (SIGKILL)", millisSince(start, next.nanos()));
            assertOneLeader(name, List.of(b, c));
        }
    }
}
