package dev.lifeboat.backend.local;

import dev.lifeboat.backend.common.provider.ProviderBase;
import dev.lifeboat.backend.local.internal.LocalElectionFaults;
import dev.lifeboat.backend.local.internal.LocalElectionSettings;
import dev.lifeboat.backend.local.internal.LocalLeaderElection;
import dev.lifeboat.backend.local.internal.LocalUris;
import dev.lifeboat.spi.Capability;
import dev.lifeboat.spi.election.LeaderElection;
import dev.lifeboat.spi.election.LeaderElectionProvider;
import dev.lifeboat.spi.fault.StorageFaults;
import dev.lifeboat.spi.fault.SupportsFaultInjection;
import java.io.IOException;
import java.net.URI;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Leader election among the processes of one machine: {@code file:///absolute/dir} names the
 * group's directory (created if absent).
 *
 * <p>The leader holds an exclusive file lock on {@code leader.lock}; the OS releases it when the
 * leader's process dies, however it dies. Candidates try to take it every {@code poll-interval}
 * (default {@code 100ms}); the winner writes the next epoch to the {@code epoch} file durably
 * before it is told it leads, so epochs grow strictly and survive restarts. Candidates of one JVM
 * are also arbitrated in memory (a JVM can hold only one lock per file).
 * {@code failoverTimeout()} is the poll interval plus one second. Listener calls for a candidate
 * are made one at a time from that candidate's own daemon thread.
 *
 * <p>The directory must be on a file system whose locks the OS releases on process death and
 * that all participants share: a local disk. Network file systems vary and are not supported.
 */
public final class LocalLeaderElectionProvider extends ProviderBase
        implements LeaderElectionProvider, SupportsFaultInjection {
    private static final Set<Capability> CAPABILITIES = Collections.unmodifiableSet(
            EnumSet.of(Capability.ELECTION_CROSS_PROCESS, Capability.ELECTION_DURABLE_EPOCH));

    /** For {@link java.util.ServiceLoader}. */
    public LocalLeaderElectionProvider() {
        super(LocalUris.SCHEME, CAPABILITIES, LocalElectionSettings.OPTIONS);
    }

    @Override
    public LeaderElection open(URI uri, Map<String, String> options) throws IOException {
        return LocalLeaderElection.open(LocalElectionSettings.of(uri, options));
    }

    @Override
    public StorageFaults faults(URI uri, Map<String, String> options) {
        return LocalElectionFaults.of(LocalElectionSettings.of(uri, options));
    }
}
