package dev.lifeboat.runtime.internal.scheduler;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.runtime.EngineConfig;
import dev.lifeboat.runtime.event.EngineEvent;
import dev.lifeboat.runtime.internal.executor.DriverEndpoint;
import dev.lifeboat.runtime.internal.executor.Executor;
import dev.lifeboat.runtime.internal.executor.ExecutorEnvironment;
import dev.lifeboat.runtime.internal.executor.TaskDescription;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * The executors as the driver sees them: every one ever started, the free task slots of those it
 * holds alive, and when each last sent a heartbeat. An executor is alive to the driver until the
 * driver declares it lost ({@link #declareLost}); that verdict is final, whatever the executor thinks.
 *
 * <p>Slots and losses are touched only by the scheduler thread (or before it starts);
 * heartbeats and look-ups come from any thread.
 */
final class ExecutorPool implements AutoCloseable {
    private final EngineConfig config;
    private final ListenerBus bus;
    private final Map<Integer, Executor> executors = new ConcurrentHashMap<>();
    private final Map<Integer, Long> lastHeartbeat = new ConcurrentHashMap<>();
    private final Map<Integer, Integer> freeSlots = new TreeMap<>(); // live executors, by id
    private ExecutorEnvironment env;
    private DriverEndpoint driver;
    private int nextExecutorId;

    ExecutorPool(EngineConfig config, ListenerBus bus) {
        this.config = config;
        this.bus = bus;
    }

    /** Starts the configured number of executors, which report to {@code driver}. */
    void start(ExecutorEnvironment env, DriverEndpoint driver) throws IOException {
        this.env = requireNonNull(env, "env is null");
        this.driver = requireNonNull(driver, "driver is null");
        for (int i = 0; i < config.executorInstances(); i++) {
            startExecutor();
        }
    }

    private void startExecutor() throws IOException {
        int id = nextExecutorId++;
        Executor executor = Executor.start(id, env, driver);
        executors.put(id, executor);
        lastHeartbeat.put(id, System.nanoTime());
        freeSlots.put(id, config.executorCores());
        bus.post(new EngineEvent.ExecutorAdded(System.nanoTime(), id, executor.shuffleLocation()));
    }

    /** Starts a replacement for lost executor {@code lostId}; a failure to start one is only reported. */
    void replace(int lostId) {
        try {
            startExecutor();
        } catch (IOException | RuntimeException e) {
            System.err.println("lifeboat: could not start a replacement for executor " + lostId + ": " + e);
        }
    }

    /** An executor, alive or dead, by id. */
    Optional<Executor> executor(int id) {
        return Optional.ofNullable(executors.get(id));
    }

    /** The ids of the executors that are alive, as far as the executors themselves know. */
    List<Integer> liveExecutors() {
        List<Integer> ids = new ArrayList<>();
        executors.forEach((id, e) -> {
            if (e.isAlive()) {
                ids.add(id);
            }
        });
        Collections.sort(ids);
        return ids;
    }

    /** True while the driver holds at least one executor alive. */
    boolean hasLive() {
        return !freeSlots.isEmpty();
    }

    void heartbeat(int executorId) {
        lastHeartbeat.computeIfPresent(executorId, (id, last) -> System.nanoTime());
    }

    /**
     * Passes each live executor whose last heartbeat is older than {@code lifeboat.network.timeout}
     * to {@code lost}, with the reason, one at a time.
     */
    void forEachTimedOut(long now, BiConsumer<Integer, String> lost) {
        long timeout = config.networkTimeout().toNanos();
        for (int id : new ArrayList<>(freeSlots.keySet())) {
            Long last = lastHeartbeat.get(id);
            if (last != null && now - last > timeout) {
                lost.accept(
                        id,
                        "no heartbeat for " + TimeUnit.NANOSECONDS.toMillis(now - last) + " ms ("
                                + EngineConfig.NETWORK_TIMEOUT + " = "
                                + config.networkTimeout().toMillis() + " ms)");
            }
        }
    }

    /**
     * Declares an executor lost: kills it and reports the loss. Returns it, or empty if it was
     * already lost.
     */
    Optional<Executor> declareLost(int executorId, String reason) {
        if (freeSlots.remove(executorId) == null) {
            return Optional.empty();
        }
        lastHeartbeat.remove(executorId);
        Executor executor = executors.get(executorId);
        executor.kill(false, reason); // the driver's verdict is final, whatever the executor thinks
        bus.post(new EngineEvent.ExecutorLost(System.nanoTime(), executorId, reason));
        return Optional.of(executor);
    }

    // --------------------------------------------------------------------------------- slots

    /** The live executors, by id. */
    List<Integer> liveIds() {
        return new ArrayList<>(freeSlots.keySet());
    }

    int freeSlots(int executorId) {
        return freeSlots.getOrDefault(executorId, 0);
    }

    /**
     * Takes a slot of {@code executorId} and launches {@code task} there; false if the executor
     * turned out to be dead (the slot stays taken until the task is given up).
     */
    boolean launch(int executorId, TaskDescription task) {
        freeSlots.computeIfPresent(executorId, (id, free) -> free - 1);
        Executor executor = executors.get(executorId);
        return executor != null && executor.launch(task);
    }

    /** A task on {@code executorId} ended or was given up: its slot is free again. */
    void release(int executorId) {
        freeSlots.computeIfPresent(executorId, (id, free) -> free + 1);
    }

    void killTask(int executorId, long taskId) {
        Executor e = executors.get(executorId);
        if (e != null) {
            e.killTask(taskId);
        }
    }

    @Override
    public void close() {
        executors.values().forEach(Executor::close);
    }
}
