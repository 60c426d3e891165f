package dev.lifeboat.backend.zookeeper.internal;

import dev.lifeboat.spi.CorruptDataException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ZooKeeper requests of one {@link ZooKeeperCandidate}: creating its candidate node, finding
 * its place in line, claiming the next epoch, and deleting the nodes it created. Each request
 * answers with an {@link Outcome} for the candidate's actor to act on.
 *
 * <p>Runs on the candidate's io thread only, one request at a time; it owns the set of nodes
 * the candidate created and has not seen deleted, which only that thread touches.
 */
final class ElectionNodes {
    /** Logs under the candidate's name, as these requests did when they were part of it. */
    private static final Logger LOG = LoggerFactory.getLogger(ZooKeeperCandidate.class);

    private final CuratorFramework client;
    private final ElectionPaths paths;
    private final ZooKeeperSettings settings;
    private final String participantId;
    private final Watcher watcher;
    /** The candidate's withdrawn flag, set on its actor: nodes created after withdrawal are dropped. */
    private final BooleanSupplier withdrawn;

    // Io-thread state: every node this candidate created and has not seen deleted.
    private final Set<String> owned = new LinkedHashSet<>();

    ElectionNodes(
            CuratorFramework client,
            ElectionPaths paths,
            ZooKeeperSettings settings,
            String participantId,
            Watcher watcher,
            BooleanSupplier withdrawn) {
        this.client = client;
        this.paths = paths;
        this.settings = settings;
        this.participantId = participantId;
        this.watcher = watcher;
        this.withdrawn = withdrawn;
    }

    Outcome createNode() throws Exception {
        String path = client.create()
                .creatingParentsIfNeeded()
                .withProtection()
                .withMode(CreateMode.EPHEMERAL_SEQUENTIAL)
                .forPath(paths.candidatePrefix(), participantId.getBytes(StandardCharsets.UTF_8));
        owned.add(path);
        LOG.debug("Participant '{}' of {} created {}", participantId, settings.group(), path);
        if (withdrawn.getAsBoolean()) {
            delete(path);
        }
        return new Outcome.Created(path);
    }

    void delete(String path) throws Exception {
        LOG.debug("Participant '{}' of {} deletes {}", participantId, settings.group(), path);
        try {
            client.delete().guaranteed().forPath(path);
        } catch (KeeperException.NoNodeException e) {
            // gone already
        }
        owned.remove(path);
    }

    /** Io thread: deletes every node this candidate created. */
    Void deleteOwned() throws Exception {
        Exception failure = null;
        for (String path : List.copyOf(owned)) {
            try {
                delete(path);
            } catch (Exception e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
        return null;
    }

    Outcome check(String mine, long leaderEpoch) throws Exception {
        while (true) {
            List<String> line = ElectionPaths.inLine(client.getChildren().forPath(paths.candidates()));
            int position = line.indexOf(ElectionPaths.name(mine));
            LOG.debug("Participant '{}' of {} is at {} of {}", participantId, settings.group(), position, line);
            if (position < 0) {
                owned.remove(mine);
                return new Outcome.Gone();
            }
            if (position == 0) {
                if (leaderEpoch == 0) {
                    return claim(mine);
                }
                if (client.checkExists().usingWatcher(watcher).forPath(mine) == null) {
                    owned.remove(mine);
                    return new Outcome.Gone();
                }
                Stat stat = new Stat();
                long current = ElectionPaths.decodeEpoch(
                        client.getData().storingStatIn(stat).forPath(paths.epoch()), stat, epochLocation());
                return current == leaderEpoch ? new Outcome.StillLeader() : new Outcome.Superseded(current);
            }
            String predecessor = paths.candidate(line.get(position - 1));
            if (client.checkExists().usingWatcher(watcher).forPath(predecessor) != null) {
                return new Outcome.Waiting(predecessor);
            }
            // The predecessor went between the two reads: look again.
        }
    }

    /** Takes the next epoch, in one transaction with a check that {@code mine} still exists. */
    private Outcome claim(String mine) throws Exception {
        for (int attempt = 1; ; attempt++) {
            Stat stat = new Stat();
            byte[] data;
            try {
                data = client.getData().storingStatIn(stat).forPath(paths.epoch());
            } catch (KeeperException.NoNodeException e) {
                // Deleted by someone. A re-created counter counts from its creation zxid, which is
                // above every epoch handed out before, so re-creating it is safe.
                LOG.warn("The epoch counter {} of {} is missing; re-creating it", epochLocation(), settings.group());
                try {
                    client.create().creatingParentsIfNeeded().forPath(paths.epoch(), new byte[0]);
                } catch (KeeperException.NodeExistsException raced) {
                    // re-created by another candidate
                }
                continue;
            }
            long current = ElectionPaths.decodeEpoch(data, stat, epochLocation());
            if (current == Long.MAX_VALUE) {
                throw new CorruptDataException(epochLocation(), -1, "the epoch counter is exhausted");
            }
            long next = current + 1;
            try {
                client.transaction()
                        .forOperations(
                                client.transactionOp().check().forPath(mine),
                                client.transactionOp()
                                        .setData()
                                        .withVersion(stat.getVersion())
                                        .forPath(paths.epoch(), ElectionPaths.encodeEpoch(next)));
                return new Outcome.Won(next);
            } catch (KeeperException.NoNodeException | KeeperException.BadVersionException e) {
                if (client.checkExists().forPath(mine) == null) {
                    owned.remove(mine);
                    return new Outcome.Gone();
                }
                if (attempt >= 10) {
                    throw e;
                }
                // The counter changed under us (or our read came from a server that lags): read again.
                Thread.sleep(10L * attempt);
            }
        }
    }

    private String epochLocation() {
        return "zk " + settings.absoluteGroupPath() + "/epoch";
    }

    /** What a ZooKeeper request found out, for the actor. */
    sealed interface Outcome {
        record Created(String path) implements Outcome {}

        record Deleted(String path) implements Outcome {}

        record Won(long epoch) implements Outcome {}

        record StillLeader() implements Outcome {}

        record Waiting(String predecessor) implements Outcome {}

        record Gone() implements Outcome {}

        record Superseded(long epoch) implements Outcome {}

        record Failed(Exception error) implements Outcome {}
    }
}
