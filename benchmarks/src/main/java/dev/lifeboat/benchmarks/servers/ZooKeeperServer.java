package dev.lifeboat.benchmarks.servers;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;

/**
 * A real ZooKeeper server in this JVM (Curator's TestingServer) with a 200 ms tick, so that
 * sessions may be as short as 400 ms; the election is opened with a 2 s session timeout.
 */
final class ZooKeeperServer implements BackendFixture.Server {
    /** The session timeout every participant asks for: a crashed leader is replaced about this long after it died. */
    static final String SESSION_TIMEOUT = "2s";

    private static final int TICK_MILLIS = 200;

    private final TestingServer server;

    private ZooKeeperServer(TestingServer server) {
        this.server = server;
    }

    static ZooKeeperServer start(Path dir) throws IOException {
        InstanceSpec spec = new InstanceSpec(dir.resolve("zookeeper").toFile(), -1, -1, -1, true, 1, TICK_MILLIS, -1);
        try {
            return new ZooKeeperServer(new TestingServer(spec, true));
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("ZooKeeper TestingServer did not start: " + e, e);
        }
    }

    @Override
    public URI uri(String name) {
        return URI.create("zk://127.0.0.1:" + server.getPort() + "/bench/" + name);
    }

    @Override
    public Map<String, String> options() {
        return Map.of("session-timeout", SESSION_TIMEOUT, "connection-timeout", "15s");
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
