package dev.lifeboat.backend.s3;

import dev.lifeboat.compat.LeaderElectionContract;
import dev.lifeboat.spi.election.LeaderElectionProvider;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The whole leader election kit against S3Proxy. */
class S3LeaderElectionCompatibilityTest extends LeaderElectionContract {
    private static S3TestServer server;

    @BeforeAll
    static void startServer() throws Exception {
        server = S3TestServer.start();
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    @Override
    protected LeaderElectionProvider provider() {
        return new S3LeaderElectionProvider();
    }

    @Override
    protected URI newRoot() {
        return server.newRoot();
    }

    @Override
    protected Map<String, String> options() {
        // Leases short enough to keep fail-over tests quick, long enough that a renewal starved
        // of CPU on a loaded 2-core build machine (seen with 2 s) does not depose a healthy leader.
        // The kit waits failoverTimeout() plus its margin.
        Map<String, String> o = server.options();
        o.put("lease-duration", "6s");
        o.put("renew-interval", "500ms");
        return o;
    }
}
