package dev.lifeboat.backend.mem;

import dev.lifeboat.compat.WriteAheadLogContract;
import dev.lifeboat.spi.wal.WriteAheadLogProvider;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;

/** The compatibility kit against {@link MemWriteAheadLogProvider}; each test's stores are dropped after it. */
class MemWriteAheadLogCompatibilityTest extends WriteAheadLogContract {
    private final List<URI> roots = new ArrayList<>();

    @Override
    protected WriteAheadLogProvider provider() {
        return new MemWriteAheadLogProvider();
    }

    @Override
    protected URI newRoot() {
        URI root = URI.create("mem:wal-kit/" + UUID.randomUUID());
        roots.add(root);
        return root;
    }

    @AfterEach
    void dropStores() {
        roots.forEach(MemStores::drop);
    }
}
