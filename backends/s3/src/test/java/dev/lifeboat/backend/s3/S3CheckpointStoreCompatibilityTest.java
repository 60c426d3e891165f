package dev.lifeboat.backend.s3;

import dev.lifeboat.compat.CheckpointStoreContract;
import dev.lifeboat.spi.checkpoint.CheckpointStoreProvider;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/** The whole checkpoint store kit against S3Proxy. */
class S3CheckpointStoreCompatibilityTest extends CheckpointStoreContract {
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
    protected CheckpointStoreProvider provider() {
        return new S3CheckpointStoreProvider();
    }

    @Override
    protected URI newRoot() {
        return server.newRoot();
    }

    @Override
    protected Map<String, String> options() {
        return server.options();
    }
}
