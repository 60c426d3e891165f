package dev.lifeboat.runtime.event;

/**
 * One attempt of one task, as the driver launched it.
 *
 * @param taskId unique within an engine, in launch order; also the map id of a map task's
 *     shuffle output, so every attempt writes its own output
 * @param stageId the stage
 * @param stageAttempt the attempt of the stage (0 first; a stage is attempted again after a
 *     fetch failure)
 * @param partition the partition the task computes
 * @param attempt the attempt of this partition within the stage attempt (0 first)
 * @param executorId the executor it ran on
 * @param speculative whether it is a speculative copy of a slow attempt
 */
public record TaskInfo(
        long taskId, int stageId, int stageAttempt, int partition, int attempt, int executorId, boolean speculative) {
    /** {@code stage.stageAttempt partition p attempt a}, as used in logs and messages. */
    public String label() {
        return "task " + stageId + "." + stageAttempt + "/p" + partition + "#" + attempt
                + (speculative ? " (speculative)" : "") + " on executor " + executorId;
    }
}
