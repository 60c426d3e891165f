package dev.lifeboat.backend.zookeeper.internal;

import dev.lifeboat.spi.CorruptDataException;
import dev.lifeboat.spi.election.Candidate;
import dev.lifeboat.spi.election.Leadership;
import dev.lifeboat.spi.election.LeadershipListener;
import dev.lifeboat.spi.election.LossReason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One participant of a ZooKeeper election: an ephemeral-sequential node under
 * {@code <group>/candidates}; the lowest node leads.
 *
 * <h2>Threads</h2>
 * State lives on one <em>actor</em> thread, which also calls the listener, so calls are made
 * one at a time and in order, and a connection-state change is handled at once even while a
 * ZooKeeper call is stuck. Blocking ZooKeeper calls run one at a time on an <em>io</em> thread,
 * which posts each outcome back to the actor tagged with the actor's {@code generation} at the
 * time of the request; the generation grows whenever a leadership or a candidate node is given
 * up, so a late outcome (an election won on a session that has since been lost) is ignored.
 *
 * <h2>Becoming leader</h2>
 * The lowest candidate reads the epoch counter and, in one ZooKeeper transaction, checks that
 * its own node still exists and sets the counter to the value read plus one, conditional on the
 * counter's version. Only then is {@link Candidate#isLeader()} true and the listener told
 * {@code elected}. The transaction fails if the session (and so the node) is gone, and no two
 * leaderships can get one epoch.
 *
 * <h2>Connection states</h2>
 * <ul>
 *   <li>SUSPENDED (the client has not heard from the ensemble for two thirds of the session
 *       timeout): a leader stays leader and is told {@code suspended}. With
 *       {@code suspended-policy=abdicate} it loses leadership once SUSPENDED has lasted
 *       {@code suspended-grace}.
 *   <li>RECONNECTED: a suspended leader checks that its node still exists, then is told
 *       {@code resumed} with the same epoch. No revoke and regrant.
 *   <li>LOST (the session expired, or Curator gave up on it after a session timeout of
 *       SUSPENDED): leadership ends with {@link LossReason#SESSION_LOST}; after reconnecting, the
 *       candidate deletes its old node (so the next candidate need not wait for the server to
 *       expire the old session) and joins again at the end of the line.
 * </ul>
 * In every case {@link #isLeader()} is false before the listener hears {@code lost}.
 */
final class ZooKeeperCandidate implements Candidate {
    private static final Logger LOG = LoggerFactory.getLogger(ZooKeeperCandidate.class);

    private final ZooKeeperLeaderElection election;
    private final CuratorFramework client;
    private final ElectionPaths paths;
    private final ZooKeeperSettings settings;
    private final String participantId;
    private final LeadershipListener listener;
    private final ScheduledThreadPoolExecutor actor;
    private final ExecutorService io;
    private final ConnectionStateListener stateListener = (c, state) -> guarded(() -> onConnectionState(state));
    private final Watcher watcher = this::onWatchedEvent;
    private final Object monitor = new Object();

    private volatile Thread actorThread;
    /** Written on the actor only; read anywhere. */
    private volatile Leadership leadership;
    /** Set on the actor; read by the io thread to drop nodes created after withdrawal. */
    private volatile boolean withdrawn;

    private volatile boolean closed;

    // Actor state.
    private String node;
    private long generation;
    private boolean connected;
    private long disconnectedAtNanos;
    private boolean paused;
    private boolean verifyPending;
    private boolean ioInFlight;
    private boolean checkWanted;
    private boolean backingOff;
    private int consecutiveFailures;
    private final Deque<String> toDelete = new ArrayDeque<>();
    private ScheduledFuture<?> graceTimer;
    private ScheduledFuture<?> retryTimer;
    private CompletableFuture<Void> joining;

    // Io-thread state: every node this candidate created and has not seen deleted.
    private final Set<String> owned = new LinkedHashSet<>();

    ZooKeeperCandidate(ZooKeeperLeaderElection election, String participantId, LeadershipListener listener) {
        this.election = election;
        this.client = election.curator();
        this.paths = election.paths();
        this.settings = election.settings();
        this.participantId = participantId;
        this.listener = listener;
        this.actor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "lifeboat-zk-election-" + participantId);
            t.setDaemon(true);
            actorThread = t;
            return t;
        });
        this.actor.setRemoveOnCancelPolicy(true);
        this.io = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "lifeboat-zk-election-io-" + participantId);
            t.setDaemon(true);
            return t;
        });
    }

    /** Creates this candidate's node; returns once it exists. */
    void start() throws IOException {
        CompletableFuture<Void> joined = new CompletableFuture<>();
        client.getConnectionStateListenable().addListener(stateListener, actor);
        post(() -> {
            joining = joined;
            connected = client.getZookeeperClient().isConnected();
            drive();
        });
        long waitMillis = settings.connectionTimeout().toMillis() * 2;
        try {
            joined.get(waitMillis, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            closeQuietly();
            throw Failures.io(
                    "Participant '" + participantId + "' could not join the election " + settings.group(),
                    e.getCause());
        } catch (TimeoutException e) {
            closeQuietly();
            throw new IOException("Participant '" + participantId + "' could not join the election "
                    + settings.group() + ": no connection to ZooKeeper at " + settings.connectString() + " within "
                    + waitMillis + "ms");
        } catch (InterruptedException e) {
            closeQuietly();
            throw Failures.io("Participant '" + participantId + "' was joining the election " + settings.group(), e);
        }
    }

    @Override
    public String participantId() {
        return participantId;
    }

    @Override
    public boolean isLeader() {
        return leadership != null;
    }

    @Override
    public Optional<Leadership> leadership() {
        return Optional.ofNullable(leadership);
    }

    @Override
    public boolean awaitLeadership(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (monitor) {
            while (leadership == null && !withdrawn) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(monitor, left);
            }
            return leadership != null;
        }
    }

    @Override
    public void resign() throws IOException {
        withdraw(LossReason.RESIGNED);
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            withdraw(LossReason.CLOSED);
        } finally {
            client.getConnectionStateListenable().removeListener(stateListener);
            io.shutdown();
            actor.shutdown();
            election.forget(this);
        }
    }

    @Override
    public String toString() {
        Leadership l = leadership;
        return "ZooKeeperCandidate[" + participantId + " in " + settings.group()
                + (l != null ? ", leader with epoch " + l.epoch() : "") + "]";
    }

    // ---------------------------------------------------------------------------------------
    // Withdrawal (resign, close)

    private void withdraw(LossReason reason) throws IOException {
        if (Thread.currentThread() == actorThread) {
            // Called from the listener: lose leadership now, tell the listener after it returns.
            withdrawOnActor(reason, true);
        } else if (!withdrawn) {
            onActor(() -> withdrawOnActor(reason, false));
        }
        // The io thread runs this after whatever it is doing, so it sees every node created.
        Future<?> deleted;
        try {
            deleted = io.submit(this::deleteOwned);
        } catch (RejectedExecutionException e) {
            return; // closed before: nothing left to delete
        }
        try {
            deleted.get(settings.connectionTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw Failures.io(
                    "Participant '" + participantId + "' could not withdraw its candidate node from "
                            + settings.group(),
                    e.getCause());
        } catch (TimeoutException e) {
            LOG.warn(
                    "Participant '{}' could not delete its candidate node from {} within {}ms; it goes when the"
                            + " session ends",
                    participantId,
                    settings.group(),
                    settings.connectionTimeout().toMillis());
        } catch (InterruptedException e) {
            throw Failures.io("Participant '" + participantId + "' was withdrawing from " + settings.group(), e);
        }
    }

    private void withdrawOnActor(LossReason reason, boolean deferListener) {
        if (withdrawn) {
            return;
        }
        withdrawn = true;
        generation++;
        cancel(graceTimer);
        cancel(retryTimer);
        node = null;
        toDelete.clear();
        if (joining != null && !joining.isDone()) {
            joining.completeExceptionally(new IOException("closed while joining"));
        }
        Leadership l = leadership;
        if (l != null) {
            setLeadership(null);
            LOG.info(
                    "Participant '{}' gives up leadership of {} with epoch {} ({})",
                    participantId,
                    settings.group(),
                    l.epoch(),
                    reason);
            if (deferListener) {
                actor.execute(() -> safely("lost", () -> listener.lost(l, reason)));
            } else {
                safely("lost", () -> listener.lost(l, reason));
            }
        } else {
            synchronized (monitor) {
                monitor.notifyAll();
            }
        }
    }

    /** Io thread: deletes every node this candidate created. */
    private Void deleteOwned() throws Exception {
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

    private void closeQuietly() {
        try {
            close();
        } catch (IOException | RuntimeException e) {
            LOG.debug("Cleaning up after a failed join of '{}'", participantId, e);
        }
    }

    // ---------------------------------------------------------------------------------------
    // The actor: events in, at most one ZooKeeper request out at a time.

    /** Starts the next ZooKeeper request this candidate needs, if any and if none is running. */
    private void drive() {
        if (ioInFlight || !connected || backingOff) {
            return;
        }
        if (!toDelete.isEmpty()) {
            String path = toDelete.poll();
            submit(() -> {
                delete(path);
                return new Outcome.Deleted(path);
            });
        } else if (withdrawn) {
            return;
        } else if (node == null) {
            submit(this::createNode);
        } else if (checkWanted) {
            checkWanted = false;
            String mine = node;
            long epoch = leadership == null ? 0 : leadership.epoch();
            submit(() -> check(mine, epoch));
        }
    }

    private void submit(Callable<Outcome> request) {
        long requestGeneration = generation;
        ioInFlight = true;
        try {
            io.execute(() -> {
                Outcome outcome;
                try {
                    outcome = request.call();
                } catch (Exception e) {
                    outcome = new Outcome.Failed(e);
                }
                Outcome result = outcome;
                post(() -> {
                    ioInFlight = false;
                    apply(requestGeneration, result);
                    drive();
                });
            });
        } catch (RejectedExecutionException e) {
            ioInFlight = false; // closing
        }
    }

    @SuppressWarnings("ReferenceEquality") // this very term: a later, equal-looking one is another term
    private void apply(long requestGeneration, Outcome outcome) {
        if (outcome instanceof Outcome.Failed failed) {
            onFailure(failed.error());
            return;
        }
        consecutiveFailures = 0;
        if (outcome instanceof Outcome.Created created) {
            if (requestGeneration != generation || withdrawn || node != null) {
                toDelete.add(created.path());
            } else {
                node = created.path();
                checkWanted = true;
            }
            if (joining != null) {
                joining.complete(null);
            }
            return;
        }
        if (outcome instanceof Outcome.Deleted) {
            return;
        }
        if (requestGeneration != generation) {
            checkWanted = true; // the answer is about a node or leadership given up since: look again
            return;
        }
        if (outcome instanceof Outcome.Won won) {
            Leadership l = new Leadership(settings.group(), participantId, won.epoch(), System.currentTimeMillis());
            setLeadership(l);
            LOG.info("Participant '{}' leads {} with epoch {}", participantId, settings.group(), l.epoch());
            safely("elected", () -> listener.elected(l));
            checkWanted = true; // watch our own node from now on
            if (!connected && leadership == l) {
                pause(l); // the connection became uncertain while the transaction was answered
            }
        } else if (outcome instanceof Outcome.StillLeader) {
            Leadership l = leadership;
            if (l != null && verifyPending && connected) {
                verifyPending = false;
                paused = false;
                LOG.info(
                        "Participant '{}' resumes leading {} with epoch {}",
                        participantId,
                        settings.group(),
                        l.epoch());
                safely("resumed", () -> listener.resumed(l));
            }
        } else if (outcome instanceof Outcome.Gone) {
            lose(LossReason.SESSION_LOST, "its candidate node is gone");
            node = null;
            generation++;
        } else if (outcome instanceof Outcome.Superseded superseded) {
            lose(LossReason.SUPERSEDED, "the epoch counter moved on to " + superseded.epoch());
            toDelete.add(node);
            node = null;
            generation++;
        } else if (outcome instanceof Outcome.Waiting && leadership != null) {
            lose(LossReason.SUPERSEDED, "another candidate is ahead of it");
            generation++;
        }
    }

    private void onFailure(Exception error) {
        if (joining != null && !joining.isDone() && node == null) {
            joining.completeExceptionally(error);
            return;
        }
        consecutiveFailures++;
        if (Failures.isConnectionProblem(error)) {
            LOG.debug("Participant '{}' of {}: ZooKeeper request failed", participantId, settings.group(), error);
        } else {
            LOG.warn(
                    "Participant '{}' of {}: ZooKeeper request failed (attempt {}); retrying",
                    participantId,
                    settings.group(),
                    consecutiveFailures,
                    error);
        }
        if (node != null) {
            checkWanted = true;
        }
        long sleep = Math.min(
                settings.retryMaxSleep().toMillis(),
                settings.retryBaseSleep().toMillis() << Math.min(consecutiveFailures - 1, 16));
        backingOff = true;
        retryTimer = actor.schedule(
                () -> {
                    backingOff = false;
                    drive();
                },
                sleep,
                TimeUnit.MILLISECONDS);
    }

    private void onConnectionState(ConnectionState state) {
        if (withdrawn) {
            return;
        }
        LOG.debug("Participant '{}' of {}: connection {}", participantId, settings.group(), state);
        switch (state) {
            case SUSPENDED, READ_ONLY -> {
                if (connected) {
                    connected = false;
                    disconnectedAtNanos = System.nanoTime();
                }
                Leadership l = leadership;
                if (l != null) {
                    pause(l);
                }
            }
            case LOST -> onSessionLost("its ZooKeeper session was lost");
            case CONNECTED, RECONNECTED -> {
                connected = true;
                cancel(graceTimer);
                cancel(retryTimer);
                backingOff = false;
                if (paused) {
                    verifyPending = true;
                }
                checkWanted = true;
                drive();
            }
        }
    }

    /**
     * Called on ZooKeeper's event thread when the session expired, before Curator reacts.
     *
     * @return the actor's handling of it, to wait for; empty if closed
     */
    Optional<Future<?>> sessionExpired() {
        try {
            return Optional.of(actor.submit(() -> guarded(() -> {
                if (!withdrawn) {
                    onSessionLost("its ZooKeeper session expired");
                }
            })));
        } catch (RejectedExecutionException e) {
            return Optional.empty();
        }
    }

    private void onSessionLost(String why) {
        connected = false;
        lose(LossReason.SESSION_LOST, why);
        if (node != null) {
            // Gone with the session, or about to be: delete it from the next session so that the
            // next candidate need not wait for the server to expire the old one.
            toDelete.add(node);
            node = null;
        }
        generation++;
    }

    private void onWatchedEvent(WatchedEvent event) {
        if (event.getType() != Watcher.Event.EventType.None) {
            post(() -> {
                checkWanted = true;
                drive();
            });
        }
    }

    /**
     * Tells a leader to pause, unless it was told already and has not resumed (a connection that
     * drops again while its reconnection is being verified); with the abdicate policy, (re)arms
     * the grace timer from the moment the connection was lost.
     */
    @SuppressWarnings("ReferenceEquality") // this very term: a later, equal-looking one is another term
    private void pause(Leadership l) {
        if (!paused) {
            paused = true;
            LOG.info(
                    "Participant '{}' pauses leading {} with epoch {}: connection SUSPENDED",
                    participantId,
                    settings.group(),
                    l.epoch());
            safely("suspended", () -> listener.suspended(l));
        }
        if (settings.suspendedPolicy() == ZooKeeperSettings.SuspendedPolicy.ABDICATE && leadership == l) {
            long elapsed = System.nanoTime() - disconnectedAtNanos;
            long left = Math.max(0, settings.suspendedGrace().toNanos() - elapsed);
            cancel(graceTimer);
            graceTimer = actor.schedule(() -> abdicate(l), left, TimeUnit.NANOSECONDS);
        }
    }

    @SuppressWarnings("ReferenceEquality") // this very term: a later, equal-looking one is another term
    private void abdicate(Leadership l) {
        if (connected || leadership != l) {
            return;
        }
        lose(
                LossReason.SESSION_LOST,
                "the connection stayed SUSPENDED for suspended-grace ("
                        + settings.suspendedGrace().toMillis() + "ms)");
        if (node != null) {
            toDelete.add(node);
            node = null;
        }
        generation++;
    }

    /** Ends leadership, if held: {@link #isLeader()} is false before the listener is told. */
    private void lose(LossReason reason, String why) {
        Leadership l = leadership;
        if (l == null) {
            return;
        }
        setLeadership(null);
        LOG.info(
                "Participant '{}' lost leadership of {} with epoch {} ({}): {}",
                participantId,
                settings.group(),
                l.epoch(),
                reason,
                why);
        safely("lost", () -> listener.lost(l, reason));
    }

    private void setLeadership(Leadership l) {
        leadership = l;
        if (l == null) {
            paused = false;
            verifyPending = false;
            cancel(graceTimer);
        }
        synchronized (monitor) {
            monitor.notifyAll();
        }
    }

    private void safely(String what, Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.warn("The listener of participant '{}' failed in {}()", participantId, what, e);
        }
    }

    private void post(Runnable task) {
        try {
            actor.execute(() -> guarded(task));
        } catch (RejectedExecutionException e) {
            // closed
        }
    }

    /** Runs an actor task; an exception would otherwise vanish into the executor's future. */
    private void guarded(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException | Error e) {
            LOG.error(
                    "Participant '{}' of {}: internal error in the election thread",
                    participantId,
                    settings.group(),
                    e);
            throw e;
        }
    }

    private void onActor(Runnable task) throws IOException {
        Future<?> f;
        try {
            f = actor.submit(task);
        } catch (RejectedExecutionException e) {
            return; // closed
        }
        long waitMillis =
                settings.connectionTimeout().plus(settings.sessionTimeout()).toMillis();
        try {
            f.get(waitMillis, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw Failures.io("Participant '" + participantId + "' of " + settings.group(), e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("Participant '" + participantId + "' of " + settings.group()
                    + ": its election thread did not answer within " + waitMillis + "ms (is a listener blocked?)");
        } catch (InterruptedException e) {
            throw Failures.io("Participant '" + participantId + "' of " + settings.group(), e);
        }
    }

    private static void cancel(ScheduledFuture<?> timer) {
        if (timer != null) {
            timer.cancel(false);
        }
    }

    // ---------------------------------------------------------------------------------------
    // ZooKeeper requests: run on the io thread only.

    private Outcome createNode() throws Exception {
        String path = client.create()
                .creatingParentsIfNeeded()
                .withProtection()
                .withMode(CreateMode.EPHEMERAL_SEQUENTIAL)
                .forPath(paths.candidatePrefix(), participantId.getBytes(StandardCharsets.UTF_8));
        owned.add(path);
        LOG.debug("Participant '{}' of {} created {}", participantId, settings.group(), path);
        if (withdrawn) {
            delete(path);
        }
        return new Outcome.Created(path);
    }

    private void delete(String path) throws Exception {
        LOG.debug("Participant '{}' of {} deletes {}", participantId, settings.group(), path);
        try {
            client.delete().guaranteed().forPath(path);
        } catch (KeeperException.NoNodeException e) {
            // gone already
        }
        owned.remove(path);
    }

    private Outcome check(String mine, long leaderEpoch) throws Exception {
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
    private sealed interface Outcome {
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
