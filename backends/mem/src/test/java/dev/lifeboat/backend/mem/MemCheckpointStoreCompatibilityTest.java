package dev.lifeboat.backend.mem;

import dev.lifeboat.compat.CheckpointStoreContract;
import dev.lifeboat.spi.checkpoint.CheckpointStoreProvider;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;

/**
 * The compatibility kit against {@link MemCheckpointStoreProvider}; each test's stores are dropped
 * after it. The kit's tests whose writer is a child JVM are skipped by the kit itself, since mem
 * does not declare {@code CHECKPOINT_DURABLE}.
 */
class MemCheckpointStoreCompatibilityTest extends CheckpointStoreContract {
    private final List<URI> roots = new ArrayList<>();

    @Override
    protected CheckpointStoreProvider provider() {
        return new MemCheckpointStoreProvider();
    }

    @Override
    protected URI newRoot() {
        URI root = URI.create("mem:checkpoint-kit/" + UUID.randomUUID());
        roots.add(root);
        return root;
    }

    @AfterEach
    void dropStores() {
        roots.forEach(MemStores::drop);
    }
}
