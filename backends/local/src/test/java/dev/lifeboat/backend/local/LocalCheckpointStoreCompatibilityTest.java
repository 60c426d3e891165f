package dev.lifeboat.backend.local;

import dev.lifeboat.compat.CheckpointStoreContract;
import dev.lifeboat.spi.checkpoint.CheckpointStoreProvider;
import java.net.URI;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.io.TempDir;

/** The compatibility kit against {@link LocalCheckpointStoreProvider}, on a temporary directory. */
class LocalCheckpointStoreCompatibilityTest extends CheckpointStoreContract {
    @TempDir
    Path dir;

    @Override
    protected CheckpointStoreProvider provider() {
        return new LocalCheckpointStoreProvider();
    }

    @Override
    protected URI newRoot() {
        return dir.resolve(UUID.randomUUID().toString()).toUri();
    }
}
