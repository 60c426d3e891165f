package dev.lifeboat.runtime.internal.scheduler;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.runtime.CheckpointUnavailableException;
import dev.lifeboat.runtime.EngineConfig;
import dev.lifeboat.runtime.JobFailedException;
import dev.lifeboat.runtime.event.EngineEvent;
import dev.lifeboat.runtime.event.TaskEndReason;
import dev.lifeboat.runtime.event.TaskInfo;
import dev.lifeboat.runtime.internal.executor.DriverEndpoint;
import dev.lifeboat.runtime.internal.executor.Executor;
import dev.lifeboat.runtime.internal.executor.ExecutorEnvironment;
import dev.lifeboat.runtime.internal.executor.FetchFailedException;
import dev.lifeboat.runtime.internal.executor.Task;
import dev.lifeboat.runtime.internal.executor.TaskDescription;
import dev.lifeboat.runtime.internal.executor.TaskOutcome;
import dev.lifeboat.runtime.internal.lineage.Dependency;
import dev.lifeboat.runtime.internal.lineage.NarrowDependency;
import dev.lifeboat.runtime.internal.lineage.Node;
import dev.lifeboat.runtime.internal.lineage.ShuffleDependency;
import dev.lifeboat.runtime.serializer.SerializationException;
import dev.lifeboat.spi.shuffle.MapStatus;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The driver: splits jobs into stages at shuffles, launches tasks on executors, and recovers from
 * every failure it hears of. All scheduling state is touched by one thread, which takes events
 * (task reports, executor losses, timer ticks, job submissions) from a queue one at a time — the
 * shape of Spark's {@code DAGScheduler} event loop, with its task scheduler folded in.
 *
 * <p>Recovery, in one place:
 * <ul>
 *   <li><b>task failure</b>: the partition is re-queued until it failed
 *       {@code lifeboat.task.maxFailures} times in a stage attempt, then the job fails listing
 *       every attempt's cause; a fatal error fails the job at once;
 *   <li><b>executor lost</b> (heartbeat timeout, its own report, or unreachable at launch): its
 *       running tasks are re-queued (not counted as failures), its map outputs are unregistered
 *       unless the shuffle store keeps them, map partitions of running stages whose output it
 *       held are re-run, and a replacement is started;
 *   <li><b>fetch failure</b>: the missing map outputs are unregistered (by the scope the store
 *       reported: one output, one shuffle at that location, or everything at that location), the reduce stage attempt turns zombie, and once its running tasks have ended
 *       the map stage re-runs what is missing and the reduce stage retries what is unfinished —
 *       one round, however many blocks were lost; after
 *       {@code lifeboat.stage.maxConsecutiveAttempts} such attempts the job fails;
 *   <li><b>stragglers</b>: with speculation on, a task running longer than
 *       {@code multiplier × median} once {@code quantile} of its stage finished gets a copy on
 *       another executor; the first to succeed wins and the other is killed.
 * </ul>
 */
public final class DagScheduler implements DriverEndpoint, AutoCloseable {
    private final EngineConfig config;
    private final ListenerBus bus;
    private final ScheduledExecutorService timer;
    private final MapOutputTracker tracker = new MapOutputTracker();
    private final Map<Integer, Executor> executors = new ConcurrentHashMap<>();
    private final Map<Integer, Long> lastHeartbeat = new ConcurrentHashMap<>();
    private final BlockRegistry blocks = new BlockRegistry(id -> Optional.ofNullable(executors.get(id)));
    private final LinkedBlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
    private final Thread loop;
    private volatile boolean stopped;
    private ExecutorEnvironment env;
    private StageFaults stageFaults = (stageId, pipeline) -> List.of();
    private ScheduledFuture<?> ticks;

    // Everything below is touched only by the scheduler thread.
    private final Map<Integer, Integer> freeSlots = new TreeMap<>(); // live executors, by id
    private final Map<Integer, Stage.ShuffleMap> shuffleStages = new HashMap<>();
    private final Set<Stage> waiting = new TreeSet<>(Stage.BY_ID);
    private final Set<Stage> running = new TreeSet<>(Stage.BY_ID);
    private final Set<Stage> failed = new TreeSet<>(Stage.BY_ID);
    private final Map<Stage, TaskSet> taskSets = new TreeMap<>(Stage.BY_ID);
    private final Map<Long, TaskSet.RunningTask> runningTasks = new LinkedHashMap<>();
    private ActiveJob job;
    private int nextExecutorId;
    private int nextStageId;
    private int nextJobId;
    private long nextTaskId;

    public DagScheduler(EngineConfig config, ListenerBus bus, ScheduledExecutorService timer) {
        this.config = requireNonNull(config, "config is null");
        this.bus = requireNonNull(bus, "bus is null");
        this.timer = requireNonNull(timer, "timer is null");
        this.loop = new Thread(this::loop, "lifeboat-scheduler");
        this.loop.setDaemon(true);
    }

    public BlockRegistry blockRegistry() {
        return blocks;
    }

    /** Starts the configured executors, then the scheduler thread and its timer. */
    public void start(ExecutorEnvironment env, StageFaults stageFaults) throws IOException {
        this.env = requireNonNull(env, "env is null");
        this.stageFaults = requireNonNull(stageFaults, "stageFaults is null");
        for (int i = 0; i < config.executorInstances(); i++) {
            startExecutor();
        }
        loop.start();
        long tick = config.heartbeatInterval().toMillis();
        if (config.speculation()) {
            tick = Math.min(tick, config.speculationInterval().toMillis());
        }
        ticks = timer.scheduleAtFixedRate(() -> post(this::onTick), tick, Math.max(1, tick), TimeUnit.MILLISECONDS);
    }

    /** An executor, alive or dead, by id. */
    public Optional<Executor> executor(int id) {
        return Optional.ofNullable(executors.get(id));
    }

    /** The ids of the executors that are alive, as far as the executors themselves know. */
    public List<Integer> liveExecutors() {
        List<Integer> ids = new ArrayList<>();
        executors.forEach((id, e) -> {
            if (e.isAlive()) {
                ids.add(id);
            }
        });
        Collections.sort(ids);
        return ids;
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
        post(() -> onJobSubmitted(node, partitions, function, handler, description, done));
        try {
            while (!done.isDone()) {
                try {
                    done.get(1, TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    if (stopped && !done.isDone()) {
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
            post(() -> abortJob("Job cancelled: the thread running the action was interrupted", List.of(e)));
            Thread.currentThread().interrupt();
            throw new JobFailedException("Job cancelled: the thread running the action was interrupted", List.of(e));
        }
    }

    /** Runs {@code action} on the scheduler thread and waits for it. */
    void runOnLoop(Runnable action) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        post(() -> {
            action.run();
            done.complete(null);
        });
        try {
            done.get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("scheduler did not run an action", e);
        }
    }

    @Override
    public void heartbeat(int executorId) {
        lastHeartbeat.computeIfPresent(executorId, (id, last) -> System.nanoTime());
    }

    @Override
    public void statusUpdate(long taskId, TaskOutcome outcome) {
        post(() -> onStatusUpdate(taskId, outcome));
    }

    @Override
    public void executorFailed(int executorId, String reason) {
        post(() -> onExecutorLost(executorId, "it reported its own failure: " + reason));
    }

    private void post(Runnable event) {
        if (!stopped) {
            queue.add(event);
        }
    }

    private void loop() {
        while (!stopped) {
            Runnable event;
            try {
                event = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            try {
                event.run();
                launchTasks();
                resubmitFailedStagesWhenIdle();
            } catch (RuntimeException | Error e) { // a scheduler bug must fail the job, not hang it
                e.printStackTrace();
                try {
                    abortJob("Internal scheduler error: " + e, List.of(e));
                } catch (RuntimeException | Error again) {
                    job = null;
                }
            }
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
        killAllRunning("the job finished");
        TaskSet result = taskSets.get(j.stage);
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
        killAllRunning("the job failed");
        for (Stage s : running) {
            TaskSet ts = taskSets.get(s);
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
        TaskSet ts =
                new TaskSet(stage, stage.nextAttempt(), partitions, pipeline(stage.node), shuffleInputs(stage.node));
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

    /** The ids of the datasets a stage computes: its node and its narrow ancestors. */
    private static Set<Integer> pipeline(Node node) {
        Set<Integer> ids = new HashSet<>();
        Deque<Node> todo = new ArrayDeque<>(List.of(node));
        while (!todo.isEmpty()) {
            Node n = todo.pop();
            if (ids.add(n.id())) {
                for (Dependency dep : n.dependencies()) {
                    if (dep instanceof NarrowDependency) {
                        todo.push(dep.parent());
                    }
                }
            }
        }
        return ids;
    }

    /** The ids of the shuffles a stage reads: the shuffle dependencies of its narrow chain. */
    private static Set<Integer> shuffleInputs(Node node) {
        Set<Integer> ids = new HashSet<>();
        Set<Node> visited = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Node> todo = new ArrayDeque<>(List.of(node));
        while (!todo.isEmpty()) {
            Node n = todo.pop();
            if (visited.add(n)) {
                for (Dependency dep : n.dependencies()) {
                    if (dep instanceof ShuffleDependency shuffle) {
                        ids.add(shuffle.shuffleId());
                    } else {
                        todo.push(dep.parent());
                    }
                }
            }
        }
        return ids;
    }

    /** Kills the executors the fault plan wants dead as this stage starts; true if any was reported. */
    private boolean applyStageFaults(Stage stage) {
        boolean reported = false;
        for (StageFaults.ExecutorKill kill : stageFaults.onStageSubmit(stage.id, pipeline(stage.node))) {
            Executor e = executors.get(kill.executorId());
            if (e == null) {
                continue;
            }
            e.kill(false, kill.reason());
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
        for (TaskSet.RunningTask rt : runningTasks.values()) {
            if (rt.taskSet().zombie && failed.contains(rt.taskSet().stage)) {
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
        if (job == null) {
            return;
        }
        boolean progress = true;
        while (progress && job != null) {
            progress = false;
            List<Integer> unreachable = new ArrayList<>();
            for (Map.Entry<Integer, Integer> slot : freeSlots.entrySet()) {
                while (slot.getValue() > 0) {
                    Optional<Launch> next = nextTask(slot.getKey());
                    if (next.isEmpty()) {
                        break;
                    }
                    slot.setValue(slot.getValue() - 1);
                    if (!launch(next.get(), slot.getKey())) {
                        unreachable.add(slot.getKey());
                        break;
                    }
                    progress = true;
                }
            }
            for (int executorId : unreachable) {
                onExecutorLost(executorId, "it was unreachable when a task was launched on it");
                progress = true;
            }
        }
    }

    private record Launch(
            TaskSet taskSet, int partition, boolean speculative, Optional<TaskSet.RunningTask> original) {}

    private Optional<Launch> nextTask(int executorId) {
        for (TaskSet ts : taskSets.values()) {
            if (ts.zombie) {
                continue;
            }
            Integer p;
            while ((p = ts.pending.pollFirst()) != null) {
                if (!ts.done.contains(p) && !ts.hasRunningAttempt(p)) {
                    return Optional.of(new Launch(ts, p, false, Optional.empty()));
                }
            }
        }
        for (TaskSet ts : taskSets.values()) {
            if (ts.zombie) {
                continue;
            }
            for (int p : ts.speculatable) {
                List<TaskSet.RunningTask> attempts = ts.runningAttempts(p);
                if (ts.done.contains(p) || attempts.isEmpty()) {
                    continue;
                }
                if (attempts.stream().noneMatch(rt -> rt.info().executorId() == executorId)) {
                    ts.speculatable.remove(p);
                    ts.speculated.add(p);
                    return Optional.of(new Launch(ts, p, true, Optional.of(attempts.get(0))));
                }
            }
        }
        return Optional.empty();
    }

    /** Launches a task; false if the executor turned out to be dead (the task is then running on it, to be lost). */
    private boolean launch(Launch l, int executorId) {
        TaskSet ts = l.taskSet();
        int p = l.partition();
        TaskInfo info = new TaskInfo(
                nextTaskId++, ts.stage.id, ts.attempt, p, ts.nextAttemptNumber(p), executorId, l.speculative());
        Task task = ts.stage instanceof Stage.ShuffleMap sm
                ? new Task.ShuffleMap(sm.dependency, p)
                : new Task.Result(ts.stage.node, p, job.function);
        long now = System.nanoTime();
        TaskSet.RunningTask rt = new TaskSet.RunningTask(info, ts, now);
        runningTasks.put(info.taskId(), rt);
        ts.running.put(info.taskId(), rt);
        bus.post(new EngineEvent.TaskStarted(now, info));
        l.original()
                .ifPresent(original -> bus.post(new EngineEvent.SpeculativeTaskLaunched(
                        now, info, original.info().taskId(), now - original.startNanos())));
        Executor executor = executors.get(executorId);
        Map<Integer, List<Optional<MapStatus>>> inputs = new HashMap<>();
        for (int shuffleId : ts.shuffleInputs) {
            inputs.put(shuffleId, tracker.mapOutputs(shuffleId));
        }
        return executor != null && executor.launch(new TaskDescription(info, task, ts.pipeline, inputs));
    }

    private void onStatusUpdate(long taskId, TaskOutcome outcome) {
        TaskSet.RunningTask rt = runningTasks.remove(taskId);
        if (rt == null) {
            return; // killed, or its executor was declared lost: its result is not used
        }
        rt.taskSet().running.remove(taskId);
        freeSlots.computeIfPresent(rt.info().executorId(), (id, free) -> free + 1);
        long duration = System.nanoTime() - rt.startNanos();
        if (outcome instanceof TaskOutcome.Success success) {
            onTaskSuccess(rt, success, duration);
        } else if (outcome instanceof TaskOutcome.FetchFailure fetch) {
            onFetchFailure(rt, fetch.error(), duration);
        } else {
            onTaskFailure(rt, ((TaskOutcome.Failure) outcome).error(), duration);
        }
    }

    private void onTaskSuccess(TaskSet.RunningTask rt, TaskOutcome.Success success, long duration) {
        TaskSet ts = rt.taskSet();
        int p = rt.info().partition();
        bus.post(new EngineEvent.TaskEnded(
                System.nanoTime(), rt.info(), TaskEndReason.SUCCESS, Optional.empty(), duration));
        ts.done.add(p);
        ts.successNanos.add(duration);
        killOtherAttempts(ts, p, rt);
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
        if (!ts.zombie && taskSets.get(stage) == ts && ts.isComplete()) {
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

    private void killOtherAttempts(TaskSet ts, int partition, TaskSet.RunningTask winner) {
        for (TaskSet.RunningTask other : ts.runningAttempts(partition)) {
            giveUp(
                    other,
                    TaskEndReason.KILLED,
                    "attempt " + winner.info().attempt() + " (task "
                            + winner.info().taskId() + ") of partition " + partition + " finished first");
        }
    }

    private void killAllRunning(String reason) {
        for (TaskSet.RunningTask rt : new ArrayList<>(runningTasks.values())) {
            giveUp(rt, TaskEndReason.KILLED, reason);
        }
    }

    /** Forgets a running attempt: whatever it reports later is ignored. */
    private void giveUp(TaskSet.RunningTask rt, TaskEndReason reason, String detail) {
        long taskId = rt.info().taskId();
        runningTasks.remove(taskId);
        rt.taskSet().running.remove(taskId);
        freeSlots.computeIfPresent(rt.info().executorId(), (id, free) -> free + 1);
        if (reason == TaskEndReason.KILLED) {
            Executor e = executors.get(rt.info().executorId());
            if (e != null) {
                e.killTask(taskId);
            }
        }
        bus.post(new EngineEvent.TaskEnded(
                System.nanoTime(), rt.info(), reason, Optional.of(detail), System.nanoTime() - rt.startNanos()));
    }

    private void onTaskFailure(TaskSet.RunningTask rt, Throwable error, long duration) {
        TaskSet ts = rt.taskSet();
        int p = rt.info().partition();
        bus.post(new EngineEvent.TaskEnded(
                System.nanoTime(), rt.info(), TaskEndReason.FAILED, Optional.of(String.valueOf(error)), duration));
        if (job == null || ts.zombie || ts.done.contains(p)) {
            return;
        }
        List<TaskSet.FailedAttempt> failures = ts.failures.computeIfAbsent(p, k -> new ArrayList<>());
        failures.add(new TaskSet.FailedAttempt(rt.info(), error));
        String task = "task for partition " + p + " in " + ts.stage.label();
        if (isFatal(error)) {
            abortJob(
                    task + " failed with a non-retryable error, so it was not retried:" + attempts(failures),
                    causes(failures));
        } else if (failures.size() >= config.taskMaxFailures()) {
            abortJob(
                    task + " failed " + failures.size() + " times (" + EngineConfig.TASK_MAX_FAILURES + " = "
                            + config.taskMaxFailures() + "); the stage and the job are aborted. Attempts:"
                            + attempts(failures),
                    causes(failures));
        } else if (!ts.hasRunningAttempt(p)) {
            ts.pending.addLast(p);
        }
    }

    private boolean isFatal(Throwable error) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = error; t != null && seen.add(t); t = t.getCause()) {
            if (t instanceof VirtualMachineError
                    || t instanceof LinkageError
                    || t instanceof SerializationException
                    || t instanceof CheckpointUnavailableException) {
                return true;
            }
            for (Class<? extends Throwable> type : config.nonRetryableExceptions()) {
                if (type.isInstance(t)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String attempts(List<TaskSet.FailedAttempt> failures) {
        StringBuilder s = new StringBuilder();
        for (TaskSet.FailedAttempt f : failures) {
            s.append("\n  attempt ")
                    .append(f.info().attempt())
                    .append(" (task ")
                    .append(f.info().taskId())
                    .append(") on executor ")
                    .append(f.info().executorId())
                    .append(": ")
                    .append(f.error());
        }
        return s.toString();
    }

    private static List<Throwable> causes(List<TaskSet.FailedAttempt> failures) {
        return failures.stream().map(TaskSet.FailedAttempt::error).toList();
    }

    private void onFetchFailure(TaskSet.RunningTask rt, FetchFailedException failure, long duration) {
        TaskSet ts = rt.taskSet();
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
        if (job == null || ts.zombie) {
            return; // this attempt already failed; its losses are now known too
        }
        ts.zombie = true;
        ts.pending.clear();
        ts.speculatable.clear();
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

    /** Starts an executor; on the scheduler thread, or before it starts. */
    private void startExecutor() throws IOException {
        int id = nextExecutorId++;
        Executor executor = Executor.start(id, env, this);
        executors.put(id, executor);
        lastHeartbeat.put(id, System.nanoTime());
        freeSlots.put(id, config.executorCores());
        bus.post(new EngineEvent.ExecutorAdded(System.nanoTime(), id, executor.shuffleLocation()));
    }

    private void onExecutorLost(int executorId, String reason) {
        if (freeSlots.remove(executorId) == null) {
            return; // already lost
        }
        lastHeartbeat.remove(executorId);
        Executor executor = executors.get(executorId);
        executor.kill(false, reason); // the driver's verdict is final, whatever the executor thinks
        bus.post(new EngineEvent.ExecutorLost(System.nanoTime(), executorId, reason));
        List<MapOutputTracker.Lost> lostOutputs =
                executor.blocksOutliveExecutor() ? List.of() : tracker.unregisterExecutor(executorId);
        blocks.executorLost(executorId, reason);
        for (TaskSet.RunningTask rt : new ArrayList<>(runningTasks.values())) {
            if (rt.info().executorId() == executorId) {
                giveUp(rt, TaskEndReason.EXECUTOR_LOST, "executor " + executorId + " was lost: " + reason);
                TaskSet ts = rt.taskSet();
                int p = rt.info().partition();
                ts.speculated.remove(p);
                if (!ts.zombie && !ts.done.contains(p)) {
                    ts.resubmit(p);
                }
            }
        }
        for (MapOutputTracker.Lost lost : lostOutputs) { // completed map tasks of running stages
            Stage.ShuffleMap stage = shuffleStages.get(lost.shuffleId());
            TaskSet ts = stage == null ? null : taskSets.get(stage);
            if (ts != null && !ts.zombie) {
                ts.resubmit(lost.mapPartition());
            }
        }
        if (config.replaceLostExecutors() && !stopped) {
            try {
                startExecutor();
            } catch (IOException | RuntimeException e) {
                System.err.println("lifeboat: could not start a replacement for executor " + executorId + ": " + e);
            }
        }
        if (job != null && freeSlots.isEmpty()) {
            abortJob(
                    "every executor is lost and none could be started; last: executor " + executorId + ": " + reason,
                    List.of());
        }
    }

    private void onTick() {
        long now = System.nanoTime();
        long timeout = config.networkTimeout().toNanos();
        for (int id : new ArrayList<>(freeSlots.keySet())) {
            Long last = lastHeartbeat.get(id);
            if (last != null && now - last > timeout) {
                onExecutorLost(
                        id,
                        "no heartbeat for " + TimeUnit.NANOSECONDS.toMillis(now - last) + " ms ("
                                + EngineConfig.NETWORK_TIMEOUT + " = "
                                + config.networkTimeout().toMillis() + " ms)");
            }
        }
        if (config.speculation() && job != null) {
            findSpeculatableTasks(now);
        }
    }

    private void findSpeculatableTasks(long now) {
        long minRuntime = config.speculationMinTaskRuntime().toNanos();
        for (TaskSet ts : taskSets.values()) {
            if (ts.zombie || ts.successNanos.isEmpty()) {
                continue;
            }
            int minFinished = Math.max(1, (int) Math.floor(config.speculationQuantile() * ts.partitions.size()));
            if (ts.done.size() < minFinished) {
                continue;
            }
            List<Long> sorted = new ArrayList<>(ts.successNanos);
            Collections.sort(sorted);
            long median = sorted.get(sorted.size() / 2);
            long threshold = Math.max((long) (config.speculationMultiplier() * median), minRuntime);
            for (TaskSet.RunningTask rt : ts.running.values()) {
                int p = rt.info().partition();
                if (!rt.info().speculative()
                        && !ts.done.contains(p)
                        && !ts.speculated.contains(p)
                        && now - rt.startNanos() > threshold) {
                    ts.speculatable.add(p);
                }
            }
        }
    }

    // --------------------------------------------------------------------------------- close

    /** Fails a running job, stops the scheduler thread and every executor. */
    @Override
    public void close() {
        if (stopped) {
            return;
        }
        if (loop.isAlive()) {
            runOnLoop(() -> abortJob("the engine was closed", List.of()));
        }
        stopped = true;
        if (ticks != null) {
            ticks.cancel(false);
        }
        loop.interrupt();
        try {
            loop.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        executors.values().forEach(Executor::close);
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
