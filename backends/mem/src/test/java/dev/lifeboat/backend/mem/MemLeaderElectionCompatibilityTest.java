package dev.lifeboat.backend.mem;

import dev.lifeboat.compat.LeaderElectionContract;
import dev.lifeboat.spi.election.LeaderElectionProvider;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;

/** The compatibility kit against {@link MemLeaderElectionProvider}; each test's groups are dropped after it. */
class MemLeaderElectionCompatibilityTest extends LeaderElectionContract {
    private final List<URI> roots = new ArrayList<>();

    @Override
    protected LeaderElectionProvider provider() {
        return new MemLeaderElectionProvider();
    }

    @Override
    protected URI newRoot() {
        URI root = URI.create("mem:election-kit/" + UUID.randomUUID());
        roots.add(root);
        return root;
    }

    @AfterEach
    void dropStores() {
        roots.forEach(MemStores::drop);
    }
}
