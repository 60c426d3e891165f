package dev.lifeboat.backend.zookeeper;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.apache.curator.test.TestingServer;

/**
 * Real ZooKeeper servers for the tests, with a short tick: a server grants session timeouts
 * between 2 and 20 ticks, and ZooKeeper's default tick (3 s) would turn the tests' short
 * session timeouts into 6 s.
 */
final class TestZooKeeper {
    /** The servers' tick: sessions of 1 s to 10 s are granted as asked. */
    static final int TICK_MILLIS = 500;
    /**
     * The session timeout the tests ask for. Not less: after a dropped connection the ZooKeeper
     * client sleeps up to 1 s before it reconnects (and 1 s more when it has tried every server),
     * so a 2 s session may expire over a mere reconnection.
     */
    static final Duration SESSION = Duration.ofSeconds(3);

    static final String SESSION_TIMEOUT = SESSION.toSeconds() + "s";

    static {
        // Surefire points java.io.tmpdir at target/tmp, where the servers keep their data.
        try {
            java.nio.file.Files.createDirectories(java.nio.file.Path.of(System.getProperty("java.io.tmpdir")));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private TestZooKeeper() {}

    static TestingServer server() throws Exception {
        return new TestingServer(spec(), true);
    }

    static TestingCluster cluster(int servers) {
        List<InstanceSpec> specs = new ArrayList<>();
        for (int i = 0; i < servers; i++) {
            specs.add(spec());
        }
        return new TestingCluster(specs);
    }

    private static InstanceSpec spec() {
        // data dir (temporary, deleted on close), ports (random), server id (next), tick, max connections
        return new InstanceSpec(null, -1, -1, -1, true, -1, TICK_MILLIS, -1);
    }

    /** The election options the tests use unless they say otherwise. */
    static Map<String, String> options() {
        return options(SESSION_TIMEOUT);
    }

    /** The tests' options with another session timeout. */
    static Map<String, String> options(String sessionTimeout) {
        return Map.of(
                "session-timeout",
                sessionTimeout,
                "connection-timeout",
                sessionTimeout,
                "retry.base-sleep",
                "50ms",
                "retry.max-sleep",
                "500ms");
    }

    static URI uri(String connectString, String group) {
        return URI.create("zk://" + connectString + "/lifeboat/" + group);
    }

    /** A plain Curator client, to look at the znodes as an operator would. */
    static CuratorFramework inspector(String connectString) throws InterruptedException {
        CuratorFramework client = CuratorFrameworkFactory.newClient(connectString, new RetryOneTime(100));
        client.start();
        if (!client.blockUntilConnected(10, java.util.concurrent.TimeUnit.SECONDS)) {
            client.close();
            throw new AssertionError("inspector could not connect to " + connectString);
        }
        return client;
    }
}
