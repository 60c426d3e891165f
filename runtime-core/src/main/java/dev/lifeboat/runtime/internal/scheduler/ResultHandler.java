package dev.lifeboat.runtime.internal.scheduler;

/** Receives the result of each partition of a job, once, on the scheduler thread. */
@FunctionalInterface
public interface ResultHandler {
    void handle(int partition, Object result) throws Exception;
}
