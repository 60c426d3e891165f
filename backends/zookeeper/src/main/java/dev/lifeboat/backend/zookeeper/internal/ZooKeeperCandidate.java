package dev.lifeboat.backend.zookeeper.internal;

import static dev.lifeboat.backend.zookeeper.internal.CandidateThreads.cancel;

import dev.lifeboat.backend.zookeeper.internal.ElectionNodes.Outcome;
import dev.lifeboat.spi.election.Candidate;
import dev.lifeboat.spi.election.Leadership;
import dev.lifeboat.spi.election.LeadershipListener;
import dev.lifeboat.spi.election.LossReason;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
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
 * The two threads and the ways onto them are {@link CandidateThreads}; the requests themselves,
 * and the {@link ElectionNodes.Outcome}s they answer with, are {@link ElectionNodes}.
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
    private final ZooKeeperSettings settings;
    private final String participantId;
    private final LeadershipListener listener;
    private final CandidateThreads threads;
    private final ElectionNodes nodes;
    private final ConnectionStateListener stateListener;
    private final Object monitor = new Object();

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

    ZooKeeperCandidate(ZooKeeperLeaderElection election, String participantId, LeadershipListener listener) {
        this.election = election;
        this.client = election.curator();
        this.settings = election.settings();
        this.participantId = participantId;
        this.listener = listener;
        this.threads = new CandidateThreads(participantId, settings);
        this.nodes = new ElectionNodes(
                client, election.paths(), settings, participantId, this::onWatchedEvent, () -> withdrawn);
        this.stateListener = (c, state) -> threads.guarded(() -> onConnectionState(state));
    }

    /** Creates this candidate's node; returns once it exists. */
    void start() throws IOException {
        CompletableFuture<Void> joined = new CompletableFuture<>();
        client.getConnectionStateListenable().addListener(stateListener, threads.actor());
        threads.post(() -> {
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
            threads.shutdown();
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
        if (threads.onActorThread()) {
            // Called from the listener: lose leadership now, tell the listener after it returns.
            withdrawOnActor(reason, true);
        } else if (!withdrawn) {
            threads.onActor(() -> withdrawOnActor(reason, false));
        }
        // The io thread runs this after whatever it is doing, so it sees every node created.
        Future<?> deleted;
        try {
            deleted = threads.submitIo(nodes::deleteOwned);
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
                threads.execute(() -> safely("lost", () -> listener.lost(l, reason)));
            } else {
                safely("lost", () -> listener.lost(l, reason));
            }
        } else {
            synchronized (monitor) {
                monitor.notifyAll();
            }
        }
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
                nodes.delete(path);
                return new Outcome.Deleted(path);
            });
        } else if (withdrawn) {
            return;
        } else if (node == null) {
            submit(nodes::createNode);
        } else if (checkWanted) {
            checkWanted = false;
            String mine = node;
            long epoch = leadership == null ? 0 : leadership.epoch();
            submit(() -> nodes.check(mine, epoch));
        }
    }

    private void submit(Callable<Outcome> request) {
        long requestGeneration = generation;
        ioInFlight = true;
        try {
            threads.io(() -> {
                Outcome outcome;
                try {
                    outcome = request.call();
                } catch (Exception e) {
                    outcome = new Outcome.Failed(e);
                }
                Outcome result = outcome;
                threads.post(() -> {
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
        retryTimer = threads.schedule(
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
            return Optional.of(threads.submit(() -> threads.guarded(() -> {
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
            threads.post(() -> {
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
            graceTimer = threads.schedule(() -> abdicate(l), left, TimeUnit.NANOSECONDS);
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
}
