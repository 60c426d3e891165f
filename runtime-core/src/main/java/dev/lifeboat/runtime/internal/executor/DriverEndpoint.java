package dev.lifeboat.runtime.internal.executor;

/** What an executor tells the driver. Every method returns at once (the driver queues it). */
public interface DriverEndpoint {
    /** The executor is alive. */
    void heartbeat(int executorId);

    /** A task attempt ended. */
    void statusUpdate(long taskId, TaskOutcome outcome);

    /** The executor is going away and says so: the driver marks it lost at once. */
    void executorFailed(int executorId, String reason);
}
