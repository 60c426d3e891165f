package dev.lifeboat.runtime.internal.executor;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.runtime.event.TaskInfo;
import dev.lifeboat.spi.shuffle.MapStatus;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A task attempt as launched on an executor.
 *
 * @param info which attempt of which task
 * @param task what to compute
 * @param pipeline the ids of the datasets the task's stage computes (its narrow chain), so faults
 *     can target a dataset
 * @param shuffleInputs for each shuffle the task reads, the map output registered for each map
 *     partition when the task was launched (empty where none was): the task reads exactly these,
 *     so what it sees does not depend on when its thread gets to run
 */
public record TaskDescription(
        TaskInfo info, Task task, Set<Integer> pipeline, Map<Integer, List<Optional<MapStatus>>> shuffleInputs) {
    public TaskDescription {
        requireNonNull(info, "info is null");
        requireNonNull(task, "task is null");
        pipeline = Set.copyOf(pipeline);
        shuffleInputs = Map.copyOf(shuffleInputs);
    }
}
