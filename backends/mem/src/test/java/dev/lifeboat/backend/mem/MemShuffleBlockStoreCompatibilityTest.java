package dev.lifeboat.backend.mem;

import dev.lifeboat.compat.ShuffleBlockStoreContract;
import dev.lifeboat.spi.shuffle.ShuffleBlockStoreProvider;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;

/** The compatibility kit against {@link MemShuffleBlockStoreProvider}; each test's stores are dropped after it. */
class MemShuffleBlockStoreCompatibilityTest extends ShuffleBlockStoreContract {
    private final List<URI> roots = new ArrayList<>();

    @Override
    protected ShuffleBlockStoreProvider provider() {
        return new MemShuffleBlockStoreProvider();
    }

    @Override
    protected URI newRoot() {
        URI root = URI.create("mem://shuffle-kit/" + UUID.randomUUID());
        roots.add(root);
        return root;
    }

    @AfterEach
    void dropStores() {
        roots.forEach(MemStores::drop);
    }
}
