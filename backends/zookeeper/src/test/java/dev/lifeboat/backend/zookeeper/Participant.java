package dev.lifeboat.backend.zookeeper;

import dev.lifeboat.backend.zookeeper.internal.ZooKeeperLeaderElection;
import dev.lifeboat.spi.Lifeboat;
import dev.lifeboat.spi.election.Candidate;
import dev.lifeboat.spi.election.LeaderElection;
import dev.lifeboat.spi.election.Leadership;
import java.io.IOException;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.ZooKeeper;

/**
 * One participant of a test: its own connection (ZooKeeper session), opened through
 * {@link Lifeboat} as an application would, and its candidate.
 */
final class Participant implements AutoCloseable {
    final String id;
    final LeaderElection election;
    final Candidate candidate;
    final EventLog.Recorder recorder;

    private Participant(String id, LeaderElection election, Candidate candidate, EventLog.Recorder recorder) {
        this.id = id;
        this.election = election;
        this.candidate = candidate;
        this.recorder = recorder;
    }

    static Participant join(URI uri, Map<String, String> options, String id, EventLog log) throws IOException {
        LeaderElection election = Lifeboat.openLeaderElection(uri, options);
        try {
            EventLog.Recorder recorder = log.listener(id);
            Candidate candidate = election.join(id, recorder);
            recorder.attach(candidate);
            return new Participant(id, election, candidate, recorder);
        } catch (IOException | RuntimeException e) {
            election.close();
            throw e;
        }
    }

    boolean isLeader() {
        return candidate.isLeader();
    }

    Optional<Leadership> leadership() {
        return candidate.leadership();
    }

    CuratorFramework curator() {
        return ((ZooKeeperLeaderElection) election).curator();
    }

    ZooKeeper zooKeeper() throws Exception {
        return curator().getZookeeperClient().getZooKeeper();
    }

    /**
     * Expires the session as the client sees it (ZooKeeper's own test hook): the client drops the
     * connection and reports Expired at once; the server forgets the session only when it times
     * out.
     */
    void expireSessionOnClient() throws Exception {
        zooKeeper().getTestable().injectSessionExpiration();
    }

    /**
     * Expires the session on the server: a second client takes over the session and closes it,
     * so the server deletes its ephemeral nodes at once, while this participant's client only
     * learns of it when it next reaches a server. This is the split-brain case: the new leader can
     * be elected before the old one knows it was deposed.
     */
    void expireSessionOnServer(String connectString) throws Exception {
        ZooKeeper zk = zooKeeper();
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper thief = new ZooKeeper(
                connectString,
                zk.getSessionTimeout(),
                event -> {
                    if (event.getState() == org.apache.zookeeper.Watcher.Event.KeeperState.SyncConnected) {
                        connected.countDown();
                    }
                },
                zk.getSessionId(),
                zk.getSessionPasswd());
        try {
            if (!connected.await(10, TimeUnit.SECONDS)) {
                throw new AssertionError("could not take over the session of " + id);
            }
        } finally {
            thief.close();
        }
    }

    /** Drops the TCP connection; the client reconnects at once with the same session. */
    void dropConnection() throws Exception {
        zooKeeper().getTestable().closeSocket();
    }

    @Override
    public void close() throws IOException {
        election.close();
    }

    @Override
    public String toString() {
        return id
                + (isLeader()
                        ? " (leader, epoch "
                                + leadership().map(Leadership::epoch).orElse(0L) + ")"
                        : "");
    }
}
