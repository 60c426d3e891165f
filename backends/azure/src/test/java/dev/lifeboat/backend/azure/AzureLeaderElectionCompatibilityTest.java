package dev.lifeboat.backend.azure;

import dev.lifeboat.compat.LeaderElectionContract;
import dev.lifeboat.spi.election.LeaderElectionProvider;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The whole leader election kit against Azurite. */
class AzureLeaderElectionCompatibilityTest extends LeaderElectionContract {
    @RegisterExtension
    static final Azurite AZURITE = new Azurite();

    @Override
    protected LeaderElectionProvider provider() {
        return new AzureLeaderElectionProvider();
    }

    @Override
    protected URI newRoot() {
        return AZURITE.newRoot();
    }

    @Override
    protected Map<String, String> options() {
        Map<String, String> o = AZURITE.options();
        // The shortest lease the service accepts; followers poll often so hand-overs are quick.
        o.put("lease-duration", "15s");
        o.put("renew-interval", "500ms");
        return o;
    }
}
