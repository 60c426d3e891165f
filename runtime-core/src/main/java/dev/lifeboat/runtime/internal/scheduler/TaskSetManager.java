package dev.lifeboat.runtime.internal.scheduler;

import dev.lifeboat.runtime.CheckpointUnavailableException;
import dev.lifeboat.runtime.EngineConfig;
import dev.lifeboat.runtime.event.TaskInfo;
import dev.lifeboat.runtime.serializer.SerializationException;
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
import java.util.TreeSet;

/**
 * The tasks of one attempt of one stage, and what became of them: which partition runs next,
 * which straggler deserves a speculative copy, and how often each partition failed. Touched only
 * by the scheduler thread.
 *
 * <p>A task set becomes a <em>zombie</em> when one of its tasks hits a fetch failure: it launches
 * nothing more, but the tasks it has running may still finish (and their results are used).
 */
final class TaskSetManager {
    final Stage stage;
    final int attempt;
    final Set<Integer> pipeline;
    /** The shuffles its tasks read. */
    final Set<Integer> shuffleInputs;

    private final EngineConfig config;
    private final Set<Integer> partitions = new TreeSet<>();
    private final Deque<Integer> pending = new ArrayDeque<>();
    private final Set<Integer> done = new HashSet<>();
    private final Map<Long, RunningTask> running = new LinkedHashMap<>();
    private final Map<Integer, List<FailedAttempt>> failures = new HashMap<>();
    private final List<Long> successNanos = new ArrayList<>();
    private final Set<Integer> speculatable = new TreeSet<>();
    private final Set<Integer> speculated = new HashSet<>();
    private final Map<Integer, Integer> attemptsLaunched = new HashMap<>();
    private boolean zombie;

    TaskSetManager(
            EngineConfig config,
            Stage stage,
            int attempt,
            List<Integer> partitions,
            Set<Integer> pipeline,
            Set<Integer> shuffleInputs) {
        this.config = config;
        this.stage = stage;
        this.attempt = attempt;
        this.pipeline = Set.copyOf(pipeline);
        this.shuffleInputs = Set.copyOf(shuffleInputs);
        this.partitions.addAll(partitions);
        this.pending.addAll(this.partitions);
    }

    boolean isZombie() {
        return zombie;
    }

    boolean isComplete() {
        return done.containsAll(partitions);
    }

    // ------------------------------------------------------------------------- launch choice

    /** The next partition waiting to run that is neither done nor running, taken off the queue. */
    Optional<Integer> pollPending() {
        if (zombie) {
            return Optional.empty();
        }
        Integer p;
        while ((p = pending.pollFirst()) != null) {
            if (!done.contains(p) && !hasRunningAttempt(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /**
     * A straggler to copy onto {@code executorId}, which must not already run an attempt of it:
     * the attempt being copied. The partition is then speculated, and not offered again.
     */
    Optional<RunningTask> pollSpeculatable(int executorId) {
        if (zombie) {
            return Optional.empty();
        }
        for (int p : speculatable) {
            List<RunningTask> attempts = runningAttempts(p);
            if (done.contains(p) || attempts.isEmpty()) {
                continue;
            }
            if (attempts.stream().noneMatch(rt -> rt.info().executorId() == executorId)) {
                speculatable.remove(p);
                speculated.add(p);
                return Optional.of(attempts.get(0));
            }
        }
        return Optional.empty();
    }

    int nextAttemptNumber(int partition) {
        return attemptsLaunched.merge(partition, 1, Integer::sum) - 1;
    }

    void launched(RunningTask rt) {
        running.put(rt.info().taskId(), rt);
    }

    /** The attempt reported, or was given up: it no longer runs. */
    void ended(long taskId) {
        running.remove(taskId);
    }

    List<RunningTask> runningAttempts(int partition) {
        List<RunningTask> result = new ArrayList<>();
        for (RunningTask rt : running.values()) {
            if (rt.info().partition() == partition) {
                result.add(rt);
            }
        }
        return result;
    }

    private boolean hasRunningAttempt(int partition) {
        return !runningAttempts(partition).isEmpty();
    }

    // ------------------------------------------------------------------------------ outcomes

    /** An attempt of {@code partition} succeeded after {@code durationNanos}. */
    void succeeded(int partition, long durationNanos) {
        done.add(partition);
        successNanos.add(durationNanos);
    }

    /**
     * Counts a failed attempt and re-queues its partition, unless the error is fatal or the
     * partition failed {@code lifeboat.task.maxFailures} times: then the job must abort, for the
     * reason returned. A zombie, or a partition already done, counts nothing.
     */
    Optional<Abort> failed(TaskInfo info, Throwable error) {
        int p = info.partition();
        if (zombie || done.contains(p)) {
            return Optional.empty();
        }
        List<FailedAttempt> attempts = failures.computeIfAbsent(p, k -> new ArrayList<>());
        attempts.add(new FailedAttempt(info, error));
        String task = "task for partition " + p + " in " + stage.label();
        if (isFatal(error)) {
            return Optional.of(new Abort(
                    task + " failed with a non-retryable error, so it was not retried:" + describe(attempts),
                    causes(attempts)));
        }
        if (attempts.size() >= config.taskMaxFailures()) {
            return Optional.of(new Abort(
                    task + " failed " + attempts.size() + " times (" + EngineConfig.TASK_MAX_FAILURES + " = "
                            + config.taskMaxFailures() + "); the stage and the job are aborted. Attempts:"
                            + describe(attempts),
                    causes(attempts)));
        }
        if (!hasRunningAttempt(p)) {
            pending.addLast(p);
        }
        return Optional.empty();
    }

    /** An attempt of {@code partition} died with its executor: run it again, not counted as a failure. */
    void attemptLost(int partition) {
        speculated.remove(partition);
        if (!zombie && !done.contains(partition)) {
            resubmit(partition);
        }
    }

    /** The map output {@code partition} produced was lost with its executor: run it again. */
    void outputLost(int partition) {
        if (!zombie) {
            resubmit(partition);
        }
    }

    /** A task hit a fetch failure: launch nothing more. */
    void becomeZombie() {
        zombie = true;
        pending.clear();
        speculatable.clear();
    }

    /** Runs {@code partition} (again): its output was lost, or its attempt was. */
    private void resubmit(int partition) {
        partitions.add(partition);
        done.remove(partition);
        if (!hasRunningAttempt(partition) && !pending.contains(partition)) {
            pending.addLast(partition);
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

    private static String describe(List<FailedAttempt> failures) {
        StringBuilder s = new StringBuilder();
        for (FailedAttempt f : failures) {
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

    private static List<Throwable> causes(List<FailedAttempt> failures) {
        return failures.stream().map(FailedAttempt::error).toList();
    }

    // --------------------------------------------------------------------------- speculation

    /**
     * Marks as speculatable every running attempt slower than {@code multiplier × median} (and
     * {@code minTaskRuntime}), once {@code quantile} of the set's partitions finished.
     */
    void findSpeculatableTasks(long now) {
        if (zombie || successNanos.isEmpty()) {
            return;
        }
        int minFinished = Math.max(1, (int) Math.floor(config.speculationQuantile() * partitions.size()));
        if (done.size() < minFinished) {
            return;
        }
        List<Long> sorted = new ArrayList<>(successNanos);
        Collections.sort(sorted);
        long median = sorted.get(sorted.size() / 2);
        long threshold = Math.max(
                (long) (config.speculationMultiplier() * median),
                config.speculationMinTaskRuntime().toNanos());
        for (RunningTask rt : running.values()) {
            int p = rt.info().partition();
            if (!rt.info().speculative()
                    && !done.contains(p)
                    && !speculated.contains(p)
                    && now - rt.startNanos() > threshold) {
                speculatable.add(p);
            }
        }
    }

    /** A launched attempt, until it reports or is given up. */
    record RunningTask(TaskInfo info, TaskSetManager taskSet, long startNanos) {}

    /** An attempt that threw. */
    record FailedAttempt(TaskInfo info, Throwable error) {}

    /** Why the job must abort, and the errors behind it. */
    record Abort(String message, List<Throwable> causes) {}
}
