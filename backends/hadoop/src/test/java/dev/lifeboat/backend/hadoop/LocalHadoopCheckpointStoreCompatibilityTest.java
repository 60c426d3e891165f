package dev.lifeboat.backend.hadoop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.compat.CheckpointStoreContract;
import dev.lifeboat.spi.Capability;
import dev.lifeboat.spi.Lifeboat;
import dev.lifeboat.spi.checkpoint.CheckpointStore;
import dev.lifeboat.spi.checkpoint.CheckpointStoreProvider;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checkpoint store kit on Hadoop's local file system. Its rename is a check then a move, so
 * put-if-absent holds within one JVM only: {@code CHECKPOINT_CROSS_PROCESS} is not declared (the
 * kit's cross-process tests that need it are skipped). Epoch fencing holds (the rename of one
 * source directory is atomic) and checkpoints are files on disk ({@code CHECKPOINT_DURABLE}); the
 * provider here requires both, so the kit's fencing and SIGKILL tests run.
 */
class LocalHadoopCheckpointStoreCompatibilityTest extends CheckpointStoreContract {
    @TempDir
    Path dir;

    @Override
    protected CheckpointStoreProvider provider() {
        return new HadoopFsCheckpointStoreProvider(
                Set.of(Capability.CHECKPOINT_EPOCH_FENCING, Capability.CHECKPOINT_DURABLE));
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
    void onlyEpochFencingOnTheLocalFileSystem() throws IOException {
        try (CheckpointStore store = Lifeboat.openCheckpointStore(newRoot(), options())) {
            assertThat(store.capabilities())
                    .containsExactlyInAnyOrder(Capability.CHECKPOINT_EPOCH_FENCING, Capability.CHECKPOINT_DURABLE);
        }
        assertThat(new HadoopFsCheckpointStoreProvider().capabilities())
                .as("the generic provider declares only durability: a Hadoop file system in general keeps no more")
                .containsExactly(Capability.CHECKPOINT_DURABLE);
    }
}
