package dev.lifeboat.backend.local;

import dev.lifeboat.compat.ShuffleBlockStoreContract;
import dev.lifeboat.spi.shuffle.ShuffleBlockStoreProvider;
import java.net.URI;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.io.TempDir;

/** The compatibility kit against {@link LocalShuffleBlockStoreProvider}, on a temporary directory. */
class LocalShuffleBlockStoreCompatibilityTest extends ShuffleBlockStoreContract {
    @TempDir
    Path dir;

    @Override
    protected ShuffleBlockStoreProvider provider() {
        return new LocalShuffleBlockStoreProvider();
    }

    @Override
    protected URI newRoot() {
        return dir.resolve(UUID.randomUUID().toString()).toUri();
    }
}
