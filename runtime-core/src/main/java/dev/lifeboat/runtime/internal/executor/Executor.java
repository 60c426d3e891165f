package dev.lifeboat.runtime.internal.executor;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.spi.Capability;
import dev.lifeboat.spi.Lifeboat;
import dev.lifeboat.spi.fault.StorageFaults;
import dev.lifeboat.spi.fault.SupportsFaultInjection;
import dev.lifeboat.spi.shuffle.MapStatus;
import dev.lifeboat.spi.shuffle.ShuffleBlockStore;
import dev.lifeboat.spi.shuffle.ShuffleBlockStoreProvider;
import java.io.IOException;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A worker in this JVM: runs tasks on its own threads, keeps blocks in its own block area, writes
 * map outputs to its own shuffle store location ({@code <root>/executor-<id>}), and heartbeats to
 * the driver.
 *
 * <p>{@link #kill} makes it die the way a process does: heartbeats stop, running tasks are
 * abandoned and never report, its blocks are gone, and — unless the shuffle store declares
 * {@link Capability#SHUFFLE_BLOCKS_OUTLIVE_EXECUTOR} — so are the map outputs it wrote.
 */
public final class Executor implements AutoCloseable {
    private final int id;
    private final URI shuffleUri;
    private final ShuffleBlockStore shuffleStore;
    private final boolean blocksOutlive;
    private final ExecutorEnvironment env;
    private final DriverEndpoint driver;
    private final ExecutorService threads;
    private final Map<Long, Future<?>> running = new ConcurrentHashMap<>();
    private final Map<String, byte[]> blocks = new ConcurrentHashMap<>();
    private final Set<Integer> shufflesWritten = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean alive = new AtomicBoolean(true);
    private final AtomicBoolean closed = new AtomicBoolean();
    private final ScheduledFuture<?> heartbeats;

    private Executor(
            int id, URI shuffleUri, ShuffleBlockStore shuffleStore, ExecutorEnvironment env, DriverEndpoint driver) {
        this.id = id;
        this.shuffleUri = shuffleUri;
        this.shuffleStore = shuffleStore;
        this.blocksOutlive = shuffleStore.capabilities().contains(Capability.SHUFFLE_BLOCKS_OUTLIVE_EXECUTOR);
        this.env = env;
        this.driver = driver;
        AtomicInteger threadCount = new AtomicInteger();
        this.threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "lifeboat-executor-" + id + "-task-" + threadCount.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        long interval = env.heartbeatInterval().toMillis();
        this.heartbeats = env.timer()
                .scheduleAtFixedRate(
                        () -> {
                            if (alive.get()) {
                                driver.heartbeat(id);
                            }
                        },
                        0,
                        interval,
                        TimeUnit.MILLISECONDS);
    }

    /** Opens the executor's shuffle store location and starts heartbeating. */
    public static Executor start(int id, ExecutorEnvironment env, DriverEndpoint driver) throws IOException {
        requireNonNull(env, "env is null");
        requireNonNull(driver, "driver is null");
        URI uri = env.shuffleUri(id);
        ShuffleBlockStore store = Lifeboat.openShuffleBlockStore(uri, env.shuffleOptions());
        return new Executor(id, uri, store, env, driver);
    }

    public int id() {
        return id;
    }

    public boolean isAlive() {
        return alive.get();
    }

    /** Where its map outputs are, as recorded in their map statuses. */
    public String shuffleLocation() {
        return shuffleStore.location();
    }

    /** Whether its map outputs stay readable after it is lost. */
    public boolean blocksOutliveExecutor() {
        return blocksOutlive;
    }

    ShuffleBlockStore shuffleStore() {
        return shuffleStore;
    }

    ExecutorEnvironment env() {
        return env;
    }

    void wroteShuffle(int shuffleId) {
        shufflesWritten.add(shuffleId);
    }

    /**
     * Starts a task attempt on one of its threads.
     *
     * @return false if the executor is dead: a launch on a dead executor fails, as a message to a
     *     dead process would
     */
    public boolean launch(TaskDescription task) {
        if (!alive.get()) {
            return false;
        }
        long taskId = task.info().taskId();
        FutureTask<Void> future = new FutureTask<>(() -> run(task), null);
        running.put(taskId, future);
        try {
            threads.execute(future);
            return true;
        } catch (RejectedExecutionException e) {
            running.remove(taskId);
            return false;
        }
    }

    private void run(TaskDescription task) {
        TaskContextImpl ctx = new TaskContextImpl(this, task);
        TaskOutcome outcome;
        try {
            env.faults().beforeTask(task, this);
            Object value = task.task().run(ctx);
            if (value instanceof MapStatus status) {
                env.faults().afterMapOutput(task, this, status);
            }
            outcome = new TaskOutcome.Success(value, ctx.blockUpdates());
        } catch (FetchFailedException e) {
            outcome = new TaskOutcome.FetchFailure(e);
        } catch (Throwable t) { // the driver decides what is fatal, as Spark's executor does
            outcome = new TaskOutcome.Failure(t);
        } finally {
            running.remove(task.info().taskId());
        }
        if (alive.get()) { // the dead do not report
            driver.statusUpdate(task.info().taskId(), outcome);
        }
    }

    /** Cancels a running task attempt by interrupting it; its report, if any, is ignored. */
    public void killTask(long taskId) {
        Future<?> f = running.remove(taskId);
        if (f != null) {
            f.cancel(true);
        }
    }

    /**
     * Kills the executor: it stops heartbeating, abandons its tasks and loses its blocks and
     * (unless they outlive it) its map outputs. Idempotent.
     *
     * @param report whether it tells the driver (which then marks it lost at once); otherwise the
     *     driver finds out by heartbeat timeout or when it next tries to launch a task on it
     */
    public void kill(boolean report, String reason) {
        if (!alive.compareAndSet(true, false)) {
            return;
        }
        heartbeats.cancel(false);
        blocks.clear();
        if (!blocksOutlive) {
            releaseStore(true);
        }
        threads.shutdownNow();
        running.clear();
        if (report) {
            driver.executorFailed(id, reason);
        }
    }

    /** A block of its block area. */
    public Optional<byte[]> block(String key) {
        return alive.get() ? Optional.ofNullable(blocks.get(key)) : Optional.empty();
    }

    void putBlock(String key, byte[] bytes) {
        if (alive.get()) {
            blocks.put(key, bytes);
        }
    }

    public void removeBlock(String key) {
        blocks.remove(key);
    }

    /**
     * Damages its shuffle storage on purpose, through the provider's fault-injection mix-in.
     *
     * @return empty if the shuffle store's provider does not support fault injection
     */
    public Optional<StorageFaults> storageFaults() throws IOException {
        ShuffleBlockStoreProvider provider = Lifeboat.shuffleBlockStoreProvider(shuffleUri);
        if (provider instanceof SupportsFaultInjection faults) {
            return Optional.of(faults.faults(shuffleUri, env.shuffleOptions()));
        }
        return Optional.empty();
    }

    /** Stops it for good and removes the map outputs it wrote. */
    @Override
    public void close() {
        alive.set(false);
        heartbeats.cancel(false);
        threads.shutdownNow();
        blocks.clear();
        releaseStore(true);
    }

    private void releaseStore(boolean removeOutputs) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            if (removeOutputs) {
                for (int shuffleId : shufflesWritten) {
                    shuffleStore.removeShuffle(shuffleId);
                }
            }
            shuffleStore.close();
        } catch (IOException | RuntimeException e) {
            System.err.println(
                    "lifeboat: executor " + id + " could not release its shuffle store " + shuffleUri + ": " + e);
        }
    }

    @Override
    public String toString() {
        return "executor " + id + (alive.get() ? "" : " (dead)");
    }
}
