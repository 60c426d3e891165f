package dev.lifeboat.backend.zookeeper;

import dev.lifeboat.compat.LeaderElectionContract;
import dev.lifeboat.spi.election.LeaderElectionProvider;
import java.io.IOException;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The compatibility kit's leader-election contract against a real ZooKeeper server. */
class ZooKeeperLeaderElectionCompatibilityTest extends LeaderElectionContract {
    private static final AtomicInteger GROUPS = new AtomicInteger();
    private static TestingServer server;

    @BeforeAll
    static void startServer() throws Exception {
        server = TestZooKeeper.server();
    }

    @AfterAll
    static void stopServer() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    @Override
    protected LeaderElectionProvider provider() {
        return new ZooKeeperLeaderElectionProvider();
    }

    @Override
    protected URI newRoot() {
        return TestZooKeeper.uri(server.getConnectString(), "kit-" + GROUPS.incrementAndGet());
    }

    @Override
    protected Map<String, String> options() {
        return TestZooKeeper.options();
    }
}
