package dev.lifeboat.backend.hadoop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.compat.CheckpointStoreContract;
import dev.lifeboat.spi.Lifeboat;
import dev.lifeboat.spi.checkpoint.CheckpointStore;
import dev.lifeboat.spi.checkpoint.CheckpointStoreProvider;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checkpoint store kit on Hadoop's local file system. Its rename is a check then a move, so
 * put-if-absent holds within one JVM only: {@code CHECKPOINT_CROSS_PROCESS} is not declared (the
 * kit's cross-process tests that need it are skipped), nor is {@code CHECKPOINT_EPOCH_FENCING}.
 */
class LocalHadoopCheckpointStoreCompatibilityTest extends CheckpointStoreContract {
    @TempDir
    Path dir;

    @Override
    protected CheckpointStoreProvider provider() {
        return new HadoopFsCheckpointStoreProvider();
    }

    @Override
    protected URI newRoot() {
        return URI.create("hadoop:" + dir.resolve(UUID.randomUUID().toString()).toUri());
    }

    @Override
    protected Map<String, String> options() {
        return Map.of();
    }

    @Test
    void noCapabilityOnTheLocalFileSystem() throws IOException {
        try (CheckpointStore store = Lifeboat.openCheckpointStore(newRoot(), options())) {
            assertThat(store.capabilities()).isEmpty();
        }
    }
}
