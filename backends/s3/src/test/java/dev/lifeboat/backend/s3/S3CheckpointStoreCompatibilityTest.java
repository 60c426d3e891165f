package dev.lifeboat.backend.s3;

import dev.lifeboat.compat.CheckpointStoreContract;
import dev.lifeboat.compat.internal.FaultProxy;
import dev.lifeboat.spi.checkpoint.CheckpointStoreProvider;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/**
 * The whole checkpoint store kit against S3Proxy, through a {@link FaultProxy} without faults.
 * S3Proxy checks a write's condition when its headers arrive and writes once its body has: a client
 * stopped in between (the kit's {@code SIGSTOP} test) gets a conditional PUT applied over a newer
 * object, which S3 itself never does. The proxy forwards a conditional PUT only whole and one at a
 * time, which gives S3Proxy S3's atomic conditional writes.
 */
class S3CheckpointStoreCompatibilityTest extends CheckpointStoreContract {
    private static S3TestServer server;
    private static FaultProxy atomicConditions;

    @BeforeAll
    static void startServer() throws Exception {
        server = S3TestServer.start();
        atomicConditions = new FaultProxy(server.endpoint().getPort());
    }

    @AfterAll
    static void stopServer() throws Exception {
        atomicConditions.close();
        server.close();
    }

    @AfterEach
    void clearBucket() {
        atomicConditions.resetRequests();
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
        Map<String, String> o = server.options(atomicConditions.endpoint());
        o.put("max-attempts", "5"); // as server.options(): loaded cores, child JVMs
        return o;
    }
}
