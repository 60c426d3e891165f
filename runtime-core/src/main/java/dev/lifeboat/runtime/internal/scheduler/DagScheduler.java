package dev.lifeboat.runtime.internal.scheduler;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.runtime.EngineConfig;
import dev.lifeboat.runtime.JobFailedException;
import dev.lifeboat.runtime.event.EngineEvent;
import dev.lifeboat.runtime.event.TaskEndReason;
import dev.lifeboat.runtime.internal.executor.DriverEndpoint;
import dev.lifeboat.runtime.internal.executor.Executor;
import dev.lifeboat.runtime.internal.executor.ExecutorEnvironment;
import dev.lifeboat.runtime.internal.executor.FetchFailedException;
import dev.lifeboat.runtime.internal.executor.Task;
import dev.lifeboat.runtime.internal.executor.TaskOutcome;
import dev.lifeboat.runtime.internal.lineage.Dependency;
import dev.lifeboat.runtime.internal.lineage.NarrowDependency;
import dev.lifeboat.runtime.internal.lineage.Node;
import dev.lifeboat.runtime.internal.lineage.ShuffleDependency;
import dev.lifeboat.runtime.internal.scheduler.TaskSetManager.RunningTask;
import dev.lifeboat.spi.shuffle.MapStatus;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The driver: splits jobs into stages at shuffles, hands each stage attempt's tasks to a
 * {@link TaskSetManager}, and recovers from every failure it hears of. All scheduling state is
 * touched by one thread, the {@link EventLoop}, which takes events (task reports, executor losses,
 * timer ticks, job submissions) from a queue one at a time and after each offers the free slots of
 * the {@link ExecutorPool} to the task sets through the {@link TaskLauncher} — the shape of Spark's
 * {@code DAGScheduler} event loop, with its task scheduler folded in.
 *
 * <p>Recovery, in one place:
 * <ul>
 *   <li><b>task failure</b>: the partition is re-queued until it failed
 *       {@code lifeboat.task.maxFailures} times in a stage attempt, then the job fails listing
 *       every attempt's cause; a fatal error fails the job at once (counted by the
 *       {@link TaskSetManager});
 *   <li><b>executor lost</b> (heartbeat timeout, its own report, or unreachable at launch): its
 *       running tasks are re-queued (not counted as failures), its map outputs are unregistered
 *       unless the shuffle store keeps them, map partitions of running stages whose output it
 *       held are re-run, and a replacement is started ({@link #onExecutorLost});
 *   <li><b>fetch failure</b>: the missing map outputs are unregistered (by the scope the store
 *       reported: one output, one shuffle at that location, or everything at that location), the
 *       reduce stage attempt turns zombie, and once its running tasks have ended
 *       the map stage re-runs what is missing and the reduce stage retries what is unfinished —
 *       one round, however many blocks were lost; after
 *       {@code lifeboat.stage.maxConsecutiveAttempts} such attempts the job fails
 *       ({@link #onFetchFailure});
 *   <li><b>stragglers</b>: with speculation on, a task running longer than
 *       {@code multiplier × median} once {@code quantile} of its stage finished gets a copy on
 *       another executor; the first to succeed wins and the other is killed (found by the
 *       {@link TaskSetManager}, launched by the {@link TaskLauncher}).
 * </ul>
 */
public final class DagScheduler implements DriverEndpoint, AutoCloseable {
    private final EngineConfig config;
    private final ListenerBus bus;
    private final ScheduledExecutorService timer;
    private final MapOutputTracker tracker = new MapOutputTracker();
    private final ExecutorPool pool;
    private final BlockRegistry blocks;
    private final TaskLauncher launcher;
    private final EventLoop loop;
    private StageFaults stageFaults = (stageId, pipeline) -> List.of();
    private ScheduledFuture<?> ticks;

    // Everything below is touched only by the scheduler thread.
    private final Map<Integer, Stage.ShuffleMap> shuffleStages = new HashMap<>();
    private final Set<Stage> waiting = new TreeSet<>(Stage.BY_ID);
    private final Set<Stage> running = new TreeSet<>(Stage.BY_ID);
    private final Set<Stage> failed = new TreeSet<>(Stage.BY_ID);
    private final Map<Stage, TaskSetManager> taskSets = new TreeMap<>(Stage.BY_ID);
    private ActiveJob job;
    private int nextStageId;
    private int nextJobId;

    public DagScheduler(EngineConfig config, ListenerBus bus, ScheduledExecutorService timer) {
        this.config = requireNonNull(config, "config is null");
        this.bus = requireNonNull(bus, "bus is null");
        this.timer = requireNonNull(timer, "timer is null");
        this.pool = new ExecutorPool(config, bus);
        this.blocks = new BlockRegistry(pool::executor);
        this.launcher = new TaskLauncher(pool, tracker, bus);
        this.loop = new EventLoop("lifeboat-scheduler", this::afterEvent, this::onSchedulerError);
    }

    public BlockRegistry blockRegistry() {
        return blocks;
    }

    /** Starts the configured executors, then the scheduler thread and its timer. */
    public void start(ExecutorEnvironment env, StageFaults stageFaults) throws IOException {
        requireNonNull(env, "env is null");
        this.stageFaults = requireNonNull(stageFaults, "stageFaults is null");
        pool.start(env, this);
        loop.start();
        long tick = config.heartbeatInterval().toMillis();
        if (config.speculation()) {
            tick = Math.min(tick, config.speculationInterval().toMillis());
        }
        ticks = timer.scheduleAtFixedRate(
                () -> loop.post(this::onTick), tick, Math.max(1, tick), TimeUnit.MILLISECONDS);
    }

    /** An executor, alive or dead, by id. */
    public Optional<Executor> executor(int id) {
        return pool.executor(id);
    }

    /** The ids of the executors that are alive, as far as the executors themselves know. */
    public List<Integer> liveExecutors() {
        return pool.liveExecutors();
    }

    /**
     * Runs a job and waits for it.
     *
     * @throws JobFailedException if it failed
     */
    public void runJob(
            Node node,
            List<Integer> partitions,
            Task.PartitionFunction function,
            ResultHandler handler,
            String description) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        loop.post(() -> onJobSubmitted(node, partitions, function, handler, description, done));
        try {
            while (!done.isDone()) {
                try {
                    done.get(1, TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    if (loop.isStopped() && !done.isDone()) {
                        throw new JobFailedException(
                                "Job " + description + " failed: the engine was closed", List.of());
                    }
                }
            }
            done.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof JobFailedException failure) {
                throw failure;
            }
            throw new IllegalStateException("job failed unexpectedly", e.getCause());
        } catch (InterruptedException e) {
            loop.post(() -> abortJob("Job cancelled: the thread running the action was interrupted", List.of(e)));
            Thread.currentThread().interrupt();
            throw new JobFailedException("Job cancelled: the thread running the action was interrupted", List.of(e));
        }
    }

    @Override
    public void heartbeat(int executorId) {
        pool.heartbeat(executorId);
    }

    @Override
    public void statusUpdate(long taskId, TaskOutcome outcome) {
        loop.post(() -> onStatusUpdate(taskId, outcome));
    }

    @Override
    public void executorFailed(int executorId, String reason) {
        loop.post(() -> onExecutorLost(executorId, "it reported its own failure: " + reason));
    }

    /** After every event: launch what can run, then retry the stages a fetch failure stopped. */
    private void afterEvent() {
        launchTasks();
        resubmitFailedStagesWhenIdle();
    }

    private void onSchedulerError(Throwable e) {
        try {
            abortJob("Internal scheduler error: " + e, List.of(e));
        } catch (RuntimeException | Error again) {
            job = null;
        }
    }

    // ---------------------------------------------------------------------------------- jobs

    private void onJobSubmitted(
            Node node,
            List<Integer> partitions,
            Task.PartitionFunction function,
            ResultHandler handler,
            String description,
            CompletableFuture<Void> done) {
        if (job != null) {
            done.completeExceptionally(new IllegalStateException("job " + job.id + " is still running"));
            return;
        }
        createShuffleStages(node, Collections.newSetFromMap(new IdentityHashMap<>()));
        Stage.Result stage = new Stage.Result(nextStageId++, node);
        job = new ActiveJob(nextJobId++, stage, partitions, function, handler, done, description);
        bus.post(new EngineEvent.JobStarted(System.nanoTime(), job.id, description));
        if (partitions.isEmpty()) {
            finishJob();
            return;
        }
        submitStage(stage);
    }

    /** Creates the stage of every shuffle in the lineage, ancestors first (so they get lower ids). */
    private void createShuffleStages(Node node, Set<Node> visited) {
        if (!visited.add(node)) {
            return;
        }
        for (Dependency dep : node.dependencies()) {
            createShuffleStages(dep.parent(), visited);
            if (dep instanceof ShuffleDependency shuffle && !shuffleStages.containsKey(shuffle.shuffleId())) {
                shuffleStages.put(shuffle.shuffleId(), new Stage.ShuffleMap(nextStageId++, shuffle));
                tracker.registerShuffle(shuffle.shuffleId(), shuffle.parent().numPartitions());
            }
        }
    }

    private void finishJob() {
        ActiveJob j = job;
        launcher.killAll("the job finished");
        TaskSetManager result = taskSets.get(j.stage);
        if (result != null) {
            bus.post(new EngineEvent.StageCompleted(
                    System.nanoTime(), j.stage.id, result.attempt, j.stage.name, Optional.empty()));
        }
        clearJobState();
        bus.post(new EngineEvent.JobEnded(System.nanoTime(), j.id, true, Optional.empty()));
        j.done.complete(null);
    }

    private void abortJob(String message, List<Throwable> causes) {
        ActiveJob j = job;
        if (j == null) {
            return;
        }
        launcher.killAll("the job failed");
        for (Stage s : running) {
            TaskSetManager ts = taskSets.get(s);
            bus.post(new EngineEvent.StageCompleted(
                    System.nanoTime(), s.id, ts == null ? 0 : ts.attempt, s.name, Optional.of(firstLine(message))));
        }
        clearJobState();
        String full = "Job " + j.id + " (" + j.description + ") failed: " + message;
        bus.post(new EngineEvent.JobEnded(System.nanoTime(), j.id, false, Optional.of(full)));
        j.done.completeExceptionally(new JobFailedException(full, causes));
    }

    private void clearJobState() {
        waiting.clear();
        running.clear();
        failed.clear();
        taskSets.clear();
        job = null;
    }

    // -------------------------------------------------------------------------------- stages

    private void submitStage(Stage stage) {
        if (job == null || waiting.contains(stage) || running.contains(stage) || failed.contains(stage)) {
            return;
        }
        List<Stage.ShuffleMap> missing = missingParents(stage);
        if (missing.isEmpty() && applyStageFaults(stage)) {
            missing = missingParents(stage); // a reported executor loss may have taken parent outputs
        }
        if (job == null) {
            return;
        }
        if (missing.isEmpty()) {
            submitTasks(stage);
        } else {
            waiting.add(stage);
            for (Stage.ShuffleMap parent : missing) {
                submitStage(parent);
            }
        }
    }

    private void submitTasks(Stage stage) {
        List<Integer> partitions =
                stage instanceof Stage.ShuffleMap sm ? tracker.missing(sm.shuffleId()) : job.unfinished();
        if (partitions.isEmpty()) {
            if (stage instanceof Stage.ShuffleMap) {
                submitWaitingChildren();
            }
            return;
        }
        TaskSetManager ts = new TaskSetManager(
                config, stage, stage.nextAttempt(), partitions, stage.pipeline(), stage.shuffleInputs());
        taskSets.put(stage, ts);
        running.add(stage);
        bus.post(new EngineEvent.StageSubmitted(
                System.nanoTime(), stage.id, ts.attempt, stage.name, stage instanceof Stage.ShuffleMap, partitions));
    }

    private void submitWaitingChildren() {
        for (Stage stage : new ArrayList<>(waiting)) {
            if (missingParents(stage).isEmpty()) {
                waiting.remove(stage);
                submitStage(stage);
            }
        }
    }

    /** The shuffle stages a stage reads whose outputs are not all available. */
    private List<Stage.ShuffleMap> missingParents(Stage stage) {
        Set<Stage.ShuffleMap> missing = new TreeSet<>(Stage.BY_ID);
        Set<Node> visited = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Node> todo = new ArrayDeque<>(List.of(stage.node));
        while (!todo.isEmpty()) {
            Node node = todo.pop();
            if (!visited.add(node)) {
                continue;
            }
            for (Dependency dep : node.dependencies()) {
                if (dep instanceof NarrowDependency) {
                    todo.push(dep.parent());
                } else {
                    ShuffleDependency shuffle = (ShuffleDependency) dep;
                    if (!shuffleStages.containsKey(shuffle.shuffleId())) {
                        createShuffleStages(node, Collections.newSetFromMap(new IdentityHashMap<>()));
                    }
                    if (!tracker.isComplete(shuffle.shuffleId())) {
                        missing.add(shuffleStages.get(shuffle.shuffleId()));
                    }
                }
            }
        }
        return new ArrayList<>(missing);
    }

    /** Kills the executors the fault plan wants dead as this stage starts; true if any was reported. */
    private boolean applyStageFaults(Stage stage) {
        boolean reported = false;
        for (StageFaults.ExecutorKill kill : stageFaults.onStageSubmit(stage.id, stage.pipeline())) {
            Optional<Executor> e = pool.executor(kill.executorId());
            if (e.isEmpty()) {
                continue;
            }
            e.get().kill(false, kill.reason());
            if (kill.reported()) { // the report reaches the driver before the stage launches anything
                onExecutorLost(kill.executorId(), "it reported its own failure: " + kill.reason());
                reported = true;
            }
        }
        return reported;
    }

    private void resubmitFailedStagesWhenIdle() {
        if (job == null || failed.isEmpty()) {
            return;
        }
        for (RunningTask rt : launcher.running()) {
            if (rt.taskSet().isZombie() && failed.contains(rt.taskSet().stage)) {
                return; // wait: its fetch failures are part of the same round
            }
        }
        List<Stage> stages = new ArrayList<>(failed);
        failed.clear();
        for (Stage stage : stages) {
            submitStage(stage);
        }
    }

    // --------------------------------------------------------------------------------- tasks

    private void launchTasks() {
        boolean progress = true;
        while (progress && job != null) {
            TaskLauncher.Round round = launcher.offerSlots(taskSets.values(), job.function);
            progress = round.launched();
            for (int executorId : round.unreachableExecutors()) {
                onExecutorLost(executorId, "it was unreachable when a task was launched on it");
                progress = true;
            }
        }
    }

    private void onStatusUpdate(long taskId, TaskOutcome outcome) {
        Optional<RunningTask> reported = launcher.reported(taskId);
        if (reported.isEmpty()) {
            return; // killed, or its executor was declared lost: its result is not used
        }
        RunningTask rt = reported.get();
        long duration = System.nanoTime() - rt.startNanos();
        if (outcome instanceof TaskOutcome.Success success) {
            onTaskSuccess(rt, success, duration);
        } else if (outcome instanceof TaskOutcome.FetchFailure fetch) {
            onFetchFailure(rt, fetch.error(), duration);
        } else {
            onTaskFailure(rt, ((TaskOutcome.Failure) outcome).error(), duration);
        }
    }

    private void onTaskSuccess(RunningTask rt, TaskOutcome.Success success, long duration) {
        TaskSetManager ts = rt.taskSet();
        int p = rt.info().partition();
        bus.post(new EngineEvent.TaskEnded(
                System.nanoTime(), rt.info(), TaskEndReason.SUCCESS, Optional.empty(), duration));
        ts.succeeded(p, duration);
        launcher.killOtherAttempts(rt);
        success.blocks().forEach(b -> blocks.add(rt.info().executorId(), b));
        if (job == null) {
            return;
        }
        if (ts.stage instanceof Stage.Result) {
            if (ts.stage != job.stage || job.isFinished(p)) {
                return;
            }
            try {
                job.handler.handle(p, success.value());
            } catch (Exception | Error e) {
                abortJob("the result of partition " + p + " could not be used: " + e, List.of(e));
                return;
            }
            job.markFinished(p);
            if (job.allFinished()) {
                finishJob();
            }
            return;
        }
        Stage.ShuffleMap stage = (Stage.ShuffleMap) ts.stage;
        tracker.register(
                stage.shuffleId(), p, (MapStatus) success.value(), rt.info().executorId());
        if (!ts.isZombie() && taskSets.get(stage) == ts && ts.isComplete()) {
            taskSets.remove(stage);
            running.remove(stage);
            bus.post(new EngineEvent.StageCompleted(
                    System.nanoTime(), stage.id, ts.attempt, stage.name, Optional.empty()));
            if (tracker.isComplete(stage.shuffleId())) {
                stage.fetchFailedAttempts.clear();
                submitWaitingChildren();
            } else {
                submitStage(stage); // some outputs were lost meanwhile: run those again
            }
        }
    }

    private void onTaskFailure(RunningTask rt, Throwable error, long duration) {
        bus.post(new EngineEvent.TaskEnded(
                System.nanoTime(), rt.info(), TaskEndReason.FAILED, Optional.of(String.valueOf(error)), duration));
        if (job == null) {
            return;
        }
        rt.taskSet().failed(rt.info(), error).ifPresent(abort -> abortJob(abort.message(), abort.causes()));
    }

    private void onFetchFailure(RunningTask rt, FetchFailedException failure, long duration) {
        TaskSetManager ts = rt.taskSet();
        Stage stage = ts.stage;
        bus.post(new EngineEvent.TaskEnded(
                System.nanoTime(), rt.info(), TaskEndReason.FETCH_FAILED, Optional.of(failure.getMessage()), duration));
        bus.post(new EngineEvent.FetchFailed(
                System.nanoTime(),
                rt.info(),
                failure.shuffleId(),
                failure.missing().stream()
                        .map(FetchFailedException.MissingOutput::mapPartition)
                        .toList(),
                failure.getMessage()));
        for (FetchFailedException.MissingOutput m : failure.missing()) {
            switch (m.scope()) {
                case MAP_OUTPUT -> {
                    if (m.mapId() >= 0) {
                        tracker.unregister(failure.shuffleId(), m.mapPartition(), m.mapId());
                    }
                }
                case LOCATION -> tracker.unregisterLocation(m.location());
                // Each executor has its own location, so a shuffle lost "at a location" is lost there
                // only; outputs lost elsewhere are reported by the reducer's other probes.
                case SHUFFLE -> tracker.unregisterShuffleAt(failure.shuffleId(), m.location());
            }
        }
        if (job == null || ts.isZombie()) {
            return; // this attempt already failed; its losses are now known too
        }
        ts.becomeZombie();
        if (taskSets.get(stage) == ts) {
            taskSets.remove(stage);
            running.remove(stage);
        }
        bus.post(new EngineEvent.StageCompleted(
                System.nanoTime(),
                stage.id,
                ts.attempt,
                stage.name,
                Optional.of("fetch failure: " + failure.getMessage())));
        stage.fetchFailedAttempts.add(ts.attempt);
        if (stage.fetchFailedAttempts.size() >= config.stageMaxConsecutiveAttempts()) {
            abortJob(
                    stage.label() + " failed " + stage.fetchFailedAttempts.size()
                            + " consecutive attempts because its shuffle input kept being unavailable ("
                            + EngineConfig.STAGE_MAX_CONSECUTIVE_ATTEMPTS + " = " + config.stageMaxConsecutiveAttempts()
                            + "). Last fetch failure: " + failure.getMessage(),
                    List.of(failure));
            return;
        }
        failed.add(stage);
        Stage.ShuffleMap mapStage = shuffleStages.get(failure.shuffleId());
        if (mapStage != null && !running.contains(mapStage) && !waiting.contains(mapStage)) {
            failed.add(mapStage);
        }
    }

    // ----------------------------------------------------------------------------- executors

    private void onExecutorLost(int executorId, String reason) {
        Optional<Executor> executor = pool.declareLost(executorId, reason);
        if (executor.isEmpty()) {
            return; // already lost
        }
        List<MapOutputTracker.Lost> lostOutputs =
                executor.get().blocksOutliveExecutor() ? List.of() : tracker.unregisterExecutor(executorId);
        blocks.executorLost(executorId, reason);
        for (RunningTask rt : launcher.runningOn(executorId)) {
            launcher.giveUp(rt, TaskEndReason.EXECUTOR_LOST, "executor " + executorId + " was lost: " + reason);
            rt.taskSet().attemptLost(rt.info().partition());
        }
        for (MapOutputTracker.Lost lost : lostOutputs) { // completed map tasks of running stages
            Stage.ShuffleMap stage = shuffleStages.get(lost.shuffleId());
            TaskSetManager ts = stage == null ? null : taskSets.get(stage);
            if (ts != null) {
                ts.outputLost(lost.mapPartition());
            }
        }
        if (config.replaceLostExecutors() && !loop.isStopped()) {
            pool.replace(executorId);
        }
        if (job != null && !pool.hasLive()) {
            abortJob(
                    "every executor is lost and none could be started; last: executor " + executorId + ": " + reason,
                    List.of());
        }
    }

    private void onTick() {
        long now = System.nanoTime();
        pool.forEachTimedOut(now, this::onExecutorLost);
        if (config.speculation() && job != null) {
            for (TaskSetManager ts : taskSets.values()) {
                ts.findSpeculatableTasks(now);
            }
        }
    }

    // --------------------------------------------------------------------------------- close

    /** Fails a running job, stops the scheduler thread and every executor. */
    @Override
    public void close() {
        if (loop.isStopped()) {
            return;
        }
        if (loop.isRunning()) {
            loop.runAndWait(() -> abortJob("the engine was closed", List.of()));
        }
        if (ticks != null) {
            ticks.cancel(false);
        }
        loop.stop();
        pool.close();
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
