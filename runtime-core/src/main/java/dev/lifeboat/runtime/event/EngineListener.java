package dev.lifeboat.runtime.event;

/**
 * Receives every {@link EngineEvent} of an engine. Called synchronously on engine threads (the
 * driver's scheduler thread, or an executor thread for {@link EngineEvent.FaultInjected}), so a
 * listener must be quick and thread-safe. An exception thrown by a listener is reported on
 * standard error and otherwise ignored. Every event of a job has been delivered when the action
 * that ran it returns.
 */
@FunctionalInterface
public interface EngineListener {
    void onEvent(EngineEvent event);
}
