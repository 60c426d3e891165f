package dev.lifeboat.backend.local;

import dev.lifeboat.compat.LeaderElectionContract;
import dev.lifeboat.spi.election.LeaderElectionProvider;
import java.net.URI;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.io.TempDir;

/** The compatibility kit against {@link LocalLeaderElectionProvider}, on a temporary directory. */
class LocalLeaderElectionCompatibilityTest extends LeaderElectionContract {
    @TempDir
    Path dir;

    @Override
    protected LeaderElectionProvider provider() {
        return new LocalLeaderElectionProvider();
    }

    @Override
    protected URI newRoot() {
        return dir.resolve(UUID.randomUUID().toString()).toUri();
    }
}
