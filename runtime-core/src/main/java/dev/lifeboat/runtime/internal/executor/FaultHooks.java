package dev.lifeboat.runtime.internal.executor;

import dev.lifeboat.spi.shuffle.MapStatus;

/** Where injected faults strike on an executor. */
public interface FaultHooks {
    /** Before the task's own code: may throw, stall, or kill the executor. */
    void beforeTask(TaskDescription task, Executor executor) throws Exception;

    /** After a map task committed its output, before the driver hears of it: may damage the output. */
    void afterMapOutput(TaskDescription task, Executor executor, MapStatus status) throws Exception;
}
