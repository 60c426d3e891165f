package dev.lifeboat.backend.zookeeper.internal;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.spi.Capability;
import dev.lifeboat.spi.Names;
import dev.lifeboat.spi.election.Candidate;
import dev.lifeboat.spi.election.LeaderElection;
import dev.lifeboat.spi.election.LeadershipListener;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.api.ACLProvider;
import org.apache.curator.framework.imps.DefaultACLProvider;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.data.Stat;

/**
 * One ZooKeeper session (a Curator client) serving one election group. Every candidate joined
 * through it shares the session, so they all lose leadership together when it expires; give
 * participants that must fail independently their own {@code LeaderElection}.
 *
 * <p>Not API: reach it through {@code Lifeboat.openLeaderElection(URI.create("zk://..."), options)}.
 */
public final class ZooKeeperLeaderElection implements LeaderElection {
    /** What every ZooKeeper election guarantees. */
    public static final Set<Capability> CAPABILITIES =
            Set.copyOf(EnumSet.of(Capability.ELECTION_CROSS_PROCESS, Capability.ELECTION_DURABLE_EPOCH));

    private final ZooKeeperSettings settings;
    private final CuratorFramework client;
    private final ElectionPaths paths;
    private final Map<String, ZooKeeperCandidate> candidates = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private ZooKeeperLeaderElection(ZooKeeperSettings settings, CuratorFramework client) {
        this.settings = settings;
        this.client = client;
        this.paths = new ElectionPaths(settings.groupPath());
    }

    /**
     * Connects to the ensemble and makes sure the group's znodes exist.
     *
     * @throws IOException if no server answers within the connection timeout, or the group's
     *     znodes cannot be created or read (for example because of their ACL)
     */
    public static ZooKeeperLeaderElection open(ZooKeeperSettings settings) throws IOException {
        requireNonNull(settings, "settings is null");
        SessionExpiryTap tap = new SessionExpiryTap();
        CuratorFrameworkFactory.Builder builder = CuratorFrameworkFactory.builder()
                .connectString(settings.connectString())
                .sessionTimeoutMs(toIntMillis(settings.sessionTimeout()))
                .connectionTimeoutMs(toIntMillis(settings.connectionTimeout()))
                .retryPolicy(new ExponentialBackoffRetry(
                        toIntMillis(settings.retryBaseSleep()),
                        settings.retryMaxRetries(),
                        toIntMillis(settings.retryMaxSleep())))
                .aclProvider(aclProvider(settings.acl()))
                .zookeeperFactory(tap)
                .defaultData(new byte[0]);
        settings.namespace().ifPresent(builder::namespace);
        settings.auth()
                .ifPresent(
                        a -> builder.authorization(a.scheme(), a.credentials().getBytes(StandardCharsets.UTF_8)));
        CuratorFramework client = builder.build();
        client.start();
        try {
            if (!client.blockUntilConnected(toIntMillis(settings.connectionTimeout()), TimeUnit.MILLISECONDS)) {
                throw new IOException("Could not connect to ZooKeeper at " + settings.connectString() + " within "
                        + settings.connectionTimeout().toMillis() + "ms (connection-timeout) for the election "
                        + settings.group());
            }
            ZooKeeperLeaderElection election = new ZooKeeperLeaderElection(settings, client);
            tap.onExpired(election::sessionExpired);
            election.createGroup();
            return election;
        } catch (InterruptedException e) {
            client.close();
            Thread.currentThread().interrupt();
            throw new InterruptedIOException(
                    "Interrupted while connecting to ZooKeeper at " + settings.connectString());
        } catch (IOException | RuntimeException e) {
            client.close();
            throw e;
        }
    }

    private void createGroup() throws IOException {
        String where = settings.group();
        try {
            for (String path : List.of(paths.epoch(), paths.candidates())) {
                try {
                    client.create().creatingParentsIfNeeded().forPath(path, new byte[0]);
                } catch (KeeperException.NodeExistsException e) {
                    // created earlier, by us or another participant
                }
            }
            Stat stat = new Stat();
            byte[] data = client.getData().storingStatIn(stat).forPath(paths.epoch());
            ElectionPaths.decodeEpoch(data, stat, settings.absoluteGroupPath() + "/epoch");
        } catch (KeeperException.NoAuthException e) {
            throw new IOException(
                    "Not allowed to create or read the znodes of the election " + where + " under "
                            + settings.absoluteGroupPath() + " (acl="
                            + settings.acl().name().toLowerCase(Locale.ROOT)
                            + (settings.auth().isPresent()
                                    ? ", auth scheme " + settings.auth().get().scheme()
                                    : ", no auth")
                            + "): " + e.getMessage(),
                    e);
        } catch (KeeperException.InvalidACLException e) {
            throw new IOException("ZooKeeper refused the ACL of the election " + where + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw Failures.io("Could not prepare the election " + where, e);
        }
    }

    @Override
    public Candidate join(String participantId, LeadershipListener listener) throws IOException {
        Names.validate("participant id", participantId);
        requireNonNull(listener, "listener is null");
        if (participantId.indexOf('/') >= 0) {
            throw new IllegalArgumentException(
                    "participant id '" + participantId + "' must be a single name" + " without '/'");
        }
        if (closed) {
            throw new IllegalStateException("The election " + settings.group() + " is closed");
        }
        ZooKeeperCandidate candidate = new ZooKeeperCandidate(this, participantId, listener);
        if (candidates.putIfAbsent(participantId, candidate) != null) {
            throw new IllegalArgumentException("participant id '" + participantId + "' already joined the election "
                    + settings.group() + " through this connection");
        }
        try {
            candidate.start();
        } catch (IOException | RuntimeException e) {
            candidates.remove(participantId, candidate);
            throw e;
        }
        return candidate;
    }

    /**
     * The session timeout the servers granted (they may change the one asked for), or the one
     * asked for while no session is established.
     */
    @Override
    public Duration failoverTimeout() {
        try {
            ZooKeeper zk = client.getZookeeperClient().getZooKeeper();
            int negotiated = zk.getSessionTimeout();
            if (negotiated > 0) {
                return Duration.ofMillis(negotiated);
            }
        } catch (Exception e) {
            // no session right now: the configured value is the best answer
        }
        return settings.sessionTimeout();
    }

    @Override
    public Set<Capability> capabilities() {
        return CAPABILITIES;
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        List<IOException> failures = new ArrayList<>();
        for (ZooKeeperCandidate candidate : List.copyOf(candidates.values())) {
            try {
                candidate.close();
            } catch (IOException e) {
                failures.add(e);
            }
        }
        client.close();
        if (!failures.isEmpty()) {
            IOException first = failures.get(0);
            failures.subList(1, failures.size()).forEach(first::addSuppressed);
            throw first;
        }
    }

    /**
     * The Curator client of this election. Not API: tests use it to inject faults (expire the
     * session, find the server it is connected to).
     */
    public CuratorFramework curator() {
        return client;
    }

    ZooKeeperSettings settings() {
        return settings;
    }

    ElectionPaths paths() {
        return paths;
    }

    /**
     * Runs on ZooKeeper's event thread when the session expired, before Curator handles it: tells
     * every candidate, and waits until they have dealt with it or a short while has passed.
     */
    private void sessionExpired() {
        List<Future<?>> told = new ArrayList<>();
        for (ZooKeeperCandidate candidate : candidates.values()) {
            candidate.sessionExpired().ifPresent(told::add);
        }
        long deadline = System.nanoTime()
                + TimeUnit.MILLISECONDS.toNanos(
                        Math.min(1000, settings.sessionTimeout().toMillis() / 2));
        for (Future<?> f : told) {
            try {
                f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException | TimeoutException e) {
                // A listener is slow or failed: Curator's LOST will follow anyway.
            }
        }
    }

    void forget(ZooKeeperCandidate candidate) {
        candidates.remove(candidate.participantId(), candidate);
    }

    @Override
    public String toString() {
        return "ZooKeeperLeaderElection[" + settings.group() + "]";
    }

    private static ACLProvider aclProvider(ZooKeeperSettings.AclMode mode) {
        return switch (mode) {
            case OPEN -> new DefaultACLProvider();
            case CREATOR ->
                new ACLProvider() {
                    // ZooDefs.Ids.CREATOR_ALL_ACL, spelled out: that field's annotations are not on
                    // our class path and -Xlint would fail the build. Not List.of: ZooKeeper asks the
                    // list whether it contains null, which immutable lists answer with an exception.
                    private final List<ACL> creatorAll =
                            Collections.singletonList(new ACL(ZooDefs.Perms.ALL, new Id("auth", "")));

                    @Override
                    public List<ACL> getDefaultAcl() {
                        return creatorAll;
                    }

                    @Override
                    public List<ACL> getAclForPath(String path) {
                        return creatorAll;
                    }
                };
        };
    }

    private static int toIntMillis(Duration d) {
        return (int) Math.min(Integer.MAX_VALUE, d.toMillis());
    }
}
