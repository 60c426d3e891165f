package dev.lifeboat.backend.s3;

import dev.lifeboat.compat.ShuffleBlockStoreContract;
import dev.lifeboat.spi.shuffle.ShuffleBlockStoreProvider;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/** The whole shuffle block store kit against S3Proxy. */
class S3ShuffleBlockStoreCompatibilityTest extends ShuffleBlockStoreContract {
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
    protected ShuffleBlockStoreProvider provider() {
        return new S3ShuffleBlockStoreProvider();
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
