package dev.lifeboat.backend.zookeeper;

import dev.lifeboat.backend.zookeeper.internal.ZooKeeperLeaderElection;
import dev.lifeboat.backend.zookeeper.internal.ZooKeeperSettings;
import dev.lifeboat.spi.Capability;
import dev.lifeboat.spi.OptionSpec;
import dev.lifeboat.spi.election.LeaderElection;
import dev.lifeboat.spi.election.LeaderElectionProvider;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Leader election on ZooKeeper, for URIs {@code zk://host:port[,host:port...]/group/path}.
 *
 * <p>The authority lists the ensemble's servers (port 2181 when omitted); the path is the znode
 * of the election group, below the {@code namespace} option if given. Each {@link #open} starts
 * one ZooKeeper session; every candidate joined through it shares that session.
 *
 * <p>Guarantees ({@link Capability#ELECTION_CROSS_PROCESS}, {@link Capability#ELECTION_DURABLE_EPOCH}):
 * <ul>
 *   <li>At most one candidate of a group holds leadership as far as ZooKeeper is concerned: the
 *       one whose ephemeral-sequential node is lowest, and only after it has taken the next epoch.
 *   <li>The epoch is a counter znode, {@code <group>/epoch}, raised by one in a ZooKeeper
 *       transaction (versioned compare-and-set, plus a check that the new leader's node still
 *       exists) before {@code elected} is reported. It survives every participant restarting.
 *   <li>A connection that is only SUSPENDED pauses the leader ({@code suspended}, then
 *       {@code resumed} with the same epoch) unless {@code suspended-policy=abdicate}; a lost
 *       session ends leadership. {@code isLeader()} is false before {@code lost} is delivered.
 *   <li>A crashed leader is replaced within about the session timeout
 *       ({@link LeaderElection#failoverTimeout()}).
 * </ul>
 *
 * <p>Options (all optional): {@code session-timeout} (15s), {@code connection-timeout} (15s),
 * {@code retry.base-sleep} (100ms), {@code retry.max-retries} (10), {@code retry.max-sleep} (10s),
 * {@code namespace}, {@code acl} ({@code open} or {@code creator}), {@code auth}
 * ({@code scheme:credentials}), {@code suspended-policy} ({@code pause} or {@code abdicate}) and
 * {@code suspended-grace} (with {@code abdicate}; default 0ms). See {@link #options()}.
 */
public final class ZooKeeperLeaderElectionProvider implements LeaderElectionProvider {
    /** Needed by {@link java.util.ServiceLoader}. */
    public ZooKeeperLeaderElectionProvider() {}

    @Override
    public String scheme() {
        return ZooKeeperSettings.SCHEME;
    }

    @Override
    public Set<Capability> capabilities() {
        return ZooKeeperLeaderElection.CAPABILITIES;
    }

    @Override
    public List<OptionSpec> options() {
        return ZooKeeperSettings.OPTIONS;
    }

    /**
     * Connects to the ensemble and prepares the group's znodes.
     *
     * @throws IllegalArgumentException naming every bad part of the URI and every bad option
     * @throws IOException if no server answers within {@code connection-timeout}, or the group's
     *     znodes cannot be created or read (ACL)
     */
    @Override
    public LeaderElection open(URI uri, Map<String, String> options) throws IOException {
        return ZooKeeperLeaderElection.open(ZooKeeperSettings.parse(uri, options));
    }
}
