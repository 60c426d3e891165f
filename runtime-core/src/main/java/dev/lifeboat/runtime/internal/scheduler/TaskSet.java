package dev.lifeboat.runtime.internal.scheduler;

import dev.lifeboat.runtime.event.TaskInfo;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The tasks of one attempt of one stage, and what became of them. Touched only by the
 * scheduler thread.
 *
 * <p>A task set becomes a <em>zombie</em> when one of its tasks hits a fetch failure: it launches
 * nothing more, but the tasks it has running may still finish (and their results are used).
 */
final class TaskSet {
    final Stage stage;
    final int attempt;
    final Set<Integer> pipeline;
    /** The shuffles its tasks read. */
    final Set<Integer> shuffleInputs;

    final Set<Integer> partitions = new TreeSet<>();
    final Deque<Integer> pending = new ArrayDeque<>();
    final Set<Integer> done = new HashSet<>();
    final Map<Long, RunningTask> running = new LinkedHashMap<>();
    final Map<Integer, List<FailedAttempt>> failures = new HashMap<>();
    final List<Long> successNanos = new ArrayList<>();
    final Set<Integer> speculatable = new TreeSet<>();
    final Set<Integer> speculated = new HashSet<>();
    private final Map<Integer, Integer> attemptsLaunched = new HashMap<>();
    boolean zombie;

    TaskSet(Stage stage, int attempt, List<Integer> partitions, Set<Integer> pipeline, Set<Integer> shuffleInputs) {
        this.stage = stage;
        this.attempt = attempt;
        this.pipeline = Set.copyOf(pipeline);
        this.shuffleInputs = Set.copyOf(shuffleInputs);
        this.partitions.addAll(partitions);
        this.pending.addAll(this.partitions);
    }

    int nextAttemptNumber(int partition) {
        return attemptsLaunched.merge(partition, 1, Integer::sum) - 1;
    }

    boolean isComplete() {
        return done.containsAll(partitions);
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

    boolean hasRunningAttempt(int partition) {
        return !runningAttempts(partition).isEmpty();
    }

    /** Runs {@code partition} (again): its output was lost, or its attempt was. */
    void resubmit(int partition) {
        partitions.add(partition);
        done.remove(partition);
        if (!hasRunningAttempt(partition) && !pending.contains(partition)) {
            pending.addLast(partition);
        }
    }

    /** A launched attempt, until it reports or is given up. */
    record RunningTask(TaskInfo info, TaskSet taskSet, long startNanos) {}

    /** An attempt that threw. */
    record FailedAttempt(TaskInfo info, Throwable error) {}
}
