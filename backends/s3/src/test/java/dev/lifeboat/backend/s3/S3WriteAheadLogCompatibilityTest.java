package dev.lifeboat.backend.s3;

import dev.lifeboat.compat.WriteAheadLogContract;
import dev.lifeboat.spi.wal.WriteAheadLogProvider;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/** The whole write-ahead log kit against S3Proxy. */
class S3WriteAheadLogCompatibilityTest extends WriteAheadLogContract {
    private static S3TestServer server;

    @BeforeAll
    static void startServer() throws Exception {
        server = S3TestServer.start();
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    @AfterEach
    void clearBucket() {
        server.clear();
    }

    @Override
    protected WriteAheadLogProvider provider() {
        return new S3WriteAheadLogProvider();
    }

    @Override
    protected URI newRoot() {
        return server.newRoot();
    }

    @Override
    protected Map<String, String> options() {
        Map<String, String> o = server.options();
        // A killed writer's lease runs out quickly, so the crash tests reopen without a long wait.
        o.put("lease-duration", "2s");
        o.put("renew-interval", "250ms");
        return o;
    }
}
