package dev.lifeboat.runtime.internal.executor;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.runtime.event.TaskInfo;
import java.util.Set;

/**
 * A task attempt as launched on an executor.
 *
 * @param info which attempt of which task
 * @param task what to compute
 * @param pipeline the ids of the datasets the task's stage computes (its narrow chain), so faults
 *     can target a dataset
 */
public record TaskDescription(TaskInfo info, Task task, Set<Integer> pipeline) {
    public TaskDescription {
        requireNonNull(info, "info is null");
        requireNonNull(task, "task is null");
        pipeline = Set.copyOf(pipeline);
    }
}
