package dev.lifeboat.runtime.internal.scheduler;

import java.util.List;
import java.util.Set;

/** Faults that strike when a stage is about to launch its tasks. */
public interface StageFaults {
    /**
     * Returns the executors to kill as stage {@code stageId} is about to launch its tasks.
     *
     * @param stageId the stage
     * @param pipeline ids of the datasets the stage computes
     * @return the executors to kill now
     */
    List<ExecutorKill> onStageSubmit(int stageId, Set<Integer> pipeline);

    /** Kill executor {@code executorId}; {@code reported}: it tells the driver it is going. */
    record ExecutorKill(int executorId, boolean reported, String reason) {}
}
