package dev.lifeboat.runtime.internal.scheduler;

import dev.lifeboat.runtime.event.EngineEvent;
import dev.lifeboat.runtime.event.TaskEndReason;
import dev.lifeboat.runtime.event.TaskInfo;
import dev.lifeboat.runtime.internal.executor.Task;
import dev.lifeboat.runtime.internal.executor.TaskDescription;
import dev.lifeboat.runtime.internal.scheduler.TaskSetManager.RunningTask;
import dev.lifeboat.spi.shuffle.MapStatus;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Offers the free slots of the {@link ExecutorPool} to the task sets and launches what they
 * choose, and keeps every running attempt until it reports or is given up. Touched only by the
 * scheduler thread.
 */
final class TaskLauncher {
    private final ExecutorPool pool;
    private final MapOutputTracker tracker;
    private final ListenerBus bus;
    private final Map<Long, RunningTask> running = new LinkedHashMap<>(); // in launch order
    private long nextTaskId;

    TaskLauncher(ExecutorPool pool, MapOutputTracker tracker, ListenerBus bus) {
        this.pool = pool;
        this.tracker = tracker;
        this.bus = bus;
    }

    /** What one round of offers did. */
    record Round(boolean launched, List<Integer> unreachableExecutors) {}

    /**
     * Offers every free slot, executor by executor: first to a pending partition of any task set
     * (in stage order), then to a speculative copy. An executor found dead at launch gets no more
     * offers; it is returned, for the caller to declare lost.
     *
     * @param function what result tasks compute
     */
    Round offerSlots(Collection<TaskSetManager> taskSets, Task.PartitionFunction function) {
        boolean launched = false;
        List<Integer> unreachable = new ArrayList<>();
        for (int executorId : pool.liveIds()) {
            while (pool.freeSlots(executorId) > 0) {
                Optional<Launch> next = nextTask(taskSets, executorId);
                if (next.isEmpty()) {
                    break;
                }
                if (!launch(next.get(), executorId, function)) {
                    unreachable.add(executorId);
                    break;
                }
                launched = true;
            }
        }
        return new Round(launched, unreachable);
    }

    private record Launch(TaskSetManager taskSet, int partition, Optional<RunningTask> original) {}

    private static Optional<Launch> nextTask(Collection<TaskSetManager> taskSets, int executorId) {
        for (TaskSetManager ts : taskSets) {
            Optional<Integer> p = ts.pollPending();
            if (p.isPresent()) {
                return Optional.of(new Launch(ts, p.get(), Optional.empty()));
            }
        }
        for (TaskSetManager ts : taskSets) {
            Optional<RunningTask> original = ts.pollSpeculatable(executorId);
            if (original.isPresent()) {
                return Optional.of(new Launch(ts, original.get().info().partition(), original));
            }
        }
        return Optional.empty();
    }

    /** Launches a task; false if the executor turned out to be dead (the task is then running on it, to be lost). */
    private boolean launch(Launch l, int executorId, Task.PartitionFunction function) {
        TaskSetManager ts = l.taskSet();
        int p = l.partition();
        TaskInfo info = new TaskInfo(
                nextTaskId++,
                ts.stage.id,
                ts.attempt,
                p,
                ts.nextAttemptNumber(p),
                executorId,
                l.original().isPresent());
        Task task = ts.stage instanceof Stage.ShuffleMap sm
                ? new Task.ShuffleMap(sm.dependency, p)
                : new Task.Result(ts.stage.node, p, function);
        long now = System.nanoTime();
        RunningTask rt = new RunningTask(info, ts, now);
        running.put(info.taskId(), rt);
        ts.launched(rt);
        bus.post(new EngineEvent.TaskStarted(now, info));
        l.original()
                .ifPresent(original -> bus.post(new EngineEvent.SpeculativeTaskLaunched(
                        now, info, original.info().taskId(), now - original.startNanos())));
        Map<Integer, List<Optional<MapStatus>>> inputs = new HashMap<>();
        for (int shuffleId : ts.shuffleInputs) {
            inputs.put(shuffleId, tracker.mapOutputs(shuffleId));
        }
        return pool.launch(executorId, new TaskDescription(info, task, ts.pipeline, inputs));
    }

    /** The attempts running now, in launch order. */
    Collection<RunningTask> running() {
        return running.values();
    }

    /** The attempts running on {@code executorId}, in launch order. */
    List<RunningTask> runningOn(int executorId) {
        List<RunningTask> result = new ArrayList<>();
        for (RunningTask rt : running.values()) {
            if (rt.info().executorId() == executorId) {
                result.add(rt);
            }
        }
        return result;
    }

    /**
     * Task {@code taskId} reported: it no longer runs, and its slot is free. Empty if it was
     * given up already (killed, or its executor was declared lost): its report is not used.
     */
    Optional<RunningTask> reported(long taskId) {
        RunningTask rt = running.remove(taskId);
        if (rt == null) {
            return Optional.empty();
        }
        rt.taskSet().ended(taskId);
        pool.release(rt.info().executorId());
        return Optional.of(rt);
    }

    /** Forgets a running attempt (killing it, if {@code reason} is KILLED): whatever it reports later is ignored. */
    void giveUp(RunningTask rt, TaskEndReason reason, String detail) {
        long taskId = rt.info().taskId();
        running.remove(taskId);
        rt.taskSet().ended(taskId);
        pool.release(rt.info().executorId());
        if (reason == TaskEndReason.KILLED) {
            pool.killTask(rt.info().executorId(), taskId);
        }
        bus.post(new EngineEvent.TaskEnded(
                System.nanoTime(), rt.info(), reason, Optional.of(detail), System.nanoTime() - rt.startNanos()));
    }

    /** Kills the attempts of {@code partition} still running after {@code winner} succeeded. */
    void killOtherAttempts(RunningTask winner) {
        int partition = winner.info().partition();
        for (RunningTask other : winner.taskSet().runningAttempts(partition)) {
            giveUp(
                    other,
                    TaskEndReason.KILLED,
                    "attempt " + winner.info().attempt() + " (task "
                            + winner.info().taskId() + ") of partition " + partition + " finished first");
        }
    }

    void killAll(String reason) {
        for (RunningTask rt : new ArrayList<>(running.values())) {
            giveUp(rt, TaskEndReason.KILLED, reason);
        }
    }
}
