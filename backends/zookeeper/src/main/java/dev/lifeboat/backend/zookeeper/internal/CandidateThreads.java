package dev.lifeboat.backend.zookeeper.internal;

import java.io.IOException;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The two threads of one {@link ZooKeeperCandidate} and how work gets onto them: the
 * <em>actor</em>, a single daemon thread that holds the candidate's state, runs its timers and
 * calls its listener, and the <em>io</em> thread, which runs blocking ZooKeeper requests one at a
 * time. Owns both executors; what runs on them, and in what order, is the candidate's.
 *
 * <p>Once shut down (the candidate is closed), {@link #post} drops its task and
 * {@link #onActor} returns at once; the other methods throw {@link RejectedExecutionException}.
 */
final class CandidateThreads {
    /** Logs under the candidate's name, as this code did when it was part of it. */
    private static final Logger LOG = LoggerFactory.getLogger(ZooKeeperCandidate.class);

    private final String participantId;
    private final ZooKeeperSettings settings;
    private final ScheduledThreadPoolExecutor actor;
    private final ExecutorService io;

    private volatile Thread actorThread;

    CandidateThreads(String participantId, ZooKeeperSettings settings) {
        this.participantId = participantId;
        this.settings = settings;
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

    /** The actor, for callbacks (such as Curator's connection-state listener) that must run on it. */
    Executor actor() {
        return actor;
    }

    boolean onActorThread() {
        return Thread.currentThread() == actorThread;
    }

    void post(Runnable task) {
        try {
            actor.execute(() -> guarded(task));
        } catch (RejectedExecutionException e) {
            // closed
        }
    }

    /** Runs an actor task; an exception would otherwise vanish into the executor's future. */
    void guarded(Runnable task) {
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

    /** Runs {@code task} on the actor and waits for it; returns at once if closed. */
    void onActor(Runnable task) throws IOException {
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

    /** Queues {@code task} on the actor as it is. */
    void execute(Runnable task) {
        actor.execute(task);
    }

    /** Queues {@code task} on the actor as it is, returning its future. */
    Future<?> submit(Runnable task) {
        return actor.submit(task);
    }

    ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
        return actor.schedule(task, delay, unit);
    }

    /** Queues {@code request} on the io thread. */
    void io(Runnable request) {
        io.execute(request);
    }

    /** Queues {@code request} on the io thread, returning its future. */
    <T> Future<T> submitIo(Callable<T> request) {
        return io.submit(request);
    }

    /** Shuts both executors down, the io thread's first; work already queued still runs. */
    void shutdown() {
        io.shutdown();
        actor.shutdown();
    }

    static void cancel(ScheduledFuture<?> timer) {
        if (timer != null) {
            timer.cancel(false);
        }
    }
}
