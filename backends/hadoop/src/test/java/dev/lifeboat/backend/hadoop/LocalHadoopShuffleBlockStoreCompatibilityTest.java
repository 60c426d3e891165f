package dev.lifeboat.backend.hadoop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.compat.ShuffleBlockStoreContract;
import dev.lifeboat.spi.Lifeboat;
import dev.lifeboat.spi.shuffle.ShuffleBlockStore;
import dev.lifeboat.spi.shuffle.ShuffleBlockStoreProvider;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shuffle block store kit on Hadoop's local file system. A machine's disk goes with the
 * machine, so {@code SHUFFLE_BLOCKS_OUTLIVE_EXECUTOR} is not declared and
 * {@code blocksOutliveTheStoreInstanceThatWroteThem} is skipped.
 */
class LocalHadoopShuffleBlockStoreCompatibilityTest extends ShuffleBlockStoreContract {
    @TempDir
    Path dir;

    @Override
    protected ShuffleBlockStoreProvider provider() {
        return new HadoopFsShuffleBlockStoreProvider();
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
    void localBlocksDoNotClaimToOutliveTheMachine() throws IOException {
        try (ShuffleBlockStore store = Lifeboat.openShuffleBlockStore(newRoot(), options())) {
            assertThat(store.capabilities()).isEmpty();
        }
    }
}
