package dev.lifeboat.runtime.internal.scheduler;

import dev.lifeboat.runtime.internal.executor.Task;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** The job of one action: its result stage, which partitions it wants, and who waits for it. */
final class ActiveJob {
    final int id;
    final Stage.Result stage;
    final List<Integer> partitions;
    final Task.PartitionFunction function;
    final ResultHandler handler;
    final CompletableFuture<Void> done;
    final String description;
    private final Set<Integer> finished = new HashSet<>();

    ActiveJob(
            int id,
            Stage.Result stage,
            List<Integer> partitions,
            Task.PartitionFunction function,
            ResultHandler handler,
            CompletableFuture<Void> done,
            String description) {
        this.id = id;
        this.stage = stage;
        this.partitions = List.copyOf(partitions);
        this.function = function;
        this.handler = handler;
        this.done = done;
        this.description = description;
    }

    boolean isFinished(int partition) {
        return finished.contains(partition);
    }

    void markFinished(int partition) {
        finished.add(partition);
    }

    boolean allFinished() {
        return finished.size() == partitions.size();
    }

    List<Integer> unfinished() {
        List<Integer> result = new ArrayList<>();
        for (int p : partitions) {
            if (!finished.contains(p)) {
                result.add(p);
            }
        }
        return result;
    }
}
