package dev.lifeboat.cli.tck;

import dev.lifeboat.compat.LeaderElectionContract;
import dev.lifeboat.spi.Lifeboat;
import dev.lifeboat.spi.election.LeaderElectionProvider;
import java.net.URI;
import java.util.Map;

/** The kit's {@link LeaderElectionContract} against the provider that serves the tck target's URI. */
class UriLeaderElectionContract extends LeaderElectionContract {
    @Override
    protected LeaderElectionProvider provider() {
        return Lifeboat.leaderElectionProvider(TckTarget.base());
    }

    @Override
    protected URI newRoot() {
        return TckTarget.newRoot();
    }

    @Override
    protected Map<String, String> options() {
        return TckTarget.optionsFor(provider());
    }
}
