package dev.lifeboat.backend.mem;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.backend.common.provider.ProviderBase;
import dev.lifeboat.backend.mem.internal.MemLeaderElection;
import dev.lifeboat.backend.mem.internal.MemStore;
import dev.lifeboat.spi.Capability;
import dev.lifeboat.spi.election.LeaderElection;
import dev.lifeboat.spi.election.LeaderElectionProvider;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Leader election among the candidates of this JVM, at {@code mem:<name>} (one group per name):
 * candidates lead in the order they joined, hand-over on resign or close is immediate, and epochs
 * grow by one per leadership. No capability is declared: participants in other processes do not
 * take part, and the epoch lives only as long as the JVM. {@link MemFaults#expireLeader()} ends a
 * leadership as a lost session would. No options.
 */
public final class MemLeaderElectionProvider extends ProviderBase implements LeaderElectionProvider {
    static final Set<Capability> CAPABILITIES = Set.of();

    /** For {@link java.util.ServiceLoader}. */
    public MemLeaderElectionProvider() {
        super(MemStore.SCHEME, CAPABILITIES, List.of());
    }

    @Override
    public LeaderElection open(URI uri, Map<String, String> options) {
        requireNonNull(uri, "uri is null");
        requireNonNull(options, "options is null");
        return new MemLeaderElection(MemStore.of(uri), CAPABILITIES);
    }
}
