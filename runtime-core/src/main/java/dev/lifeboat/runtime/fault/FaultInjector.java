package dev.lifeboat.runtime.fault;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * Makes an engine fail on purpose, reproducibly: kill executors, lose or damage shuffle output,
 * make tasks fail or straggle, at a chosen stage and partition or at random with a seed. Get it
 * from {@code Engine.faults()}; register faults before running the action they should hit.
 *
 * <pre>{@code
 * engine.faults()
 *       .failTask(Target.stage(1).partition(2), 2)                   // two failed attempts
 *       .dropShuffleOutput(Target.stage(0).partition(5))             // lost map output
 *       .killExecutorDuringTask(Target.stage(0).partition(1), KillMode.SILENT)
 *       .slowTask(Target.stage(0).partition(4), Duration.ofSeconds(5));
 * }</pre>
 *
 * <p>Each fault strikes the first {@code times} matching task attempts (once unless said
 * otherwise), on whichever executor runs them, and then is spent. Every fault that strikes is
 * announced as an {@code EngineEvent.FaultInjected}. Thread-safe.
 */
public interface FaultInjector {
    /** The first {@code times} matching attempts throw an {@link InjectedFaultException} before running. */
    FaultInjector failTask(Target target, int times);

    /**
     * The first {@code times} matching attempts throw {@code error.get()} before running: for
     * example a non-retryable exception, or {@code new OutOfMemoryError()}.
     */
    FaultInjector failTask(Target target, int times, Supplier<? extends Throwable> error);

    /** The first matching attempt stalls for {@code delay} before running (interruptibly): a straggler. */
    FaultInjector slowTask(Target target, Duration delay);

    /** The executor that runs the first matching attempt dies as the attempt starts. */
    FaultInjector killExecutorDuringTask(Target target, KillMode mode);

    /**
     * Executor {@code executorId} dies when the stage of {@code stage} is about to launch its
     * tasks (its parent stages have completed); {@code stage}'s partition is ignored.
     */
    FaultInjector killExecutorOnStageSubmit(Target stage, int executorId, KillMode mode);

    /**
     * The map output of the first matching map task is deleted right after it commits, before the
     * driver hears of it: every reducer then fails to fetch it.
     *
     * @throws IllegalStateException if the shuffle store cannot be damaged (its provider does not
     *     implement {@code SupportsFaultInjection})
     */
    FaultInjector dropShuffleOutput(Target mapTask);

    /**
     * One byte of block {@code reduceId} of the map output of the first {@code times} matching map
     * tasks is flipped right after each commits: that reducer's checksum check fails.
     *
     * @throws IllegalStateException if the shuffle store cannot be damaged
     */
    FaultInjector corruptShuffleBlock(Target mapTask, int reduceId, int times);

    /**
     * Every task attempt fails with probability {@code probability}, decided by a hash of
     * {@code seed} and the attempt (stage, stage attempt, partition, attempt): the same seed fails
     * the same attempts in every run, whatever the thread timing.
     */
    FaultInjector randomTaskFailures(long seed, double probability);

    /** Every map output is dropped after its commit with probability {@code probability}, decided like {@link #randomTaskFailures}. */
    FaultInjector randomShuffleLosses(long seed, double probability);

    /** Kills an executor now. */
    void killExecutor(int executorId, KillMode mode);

    /** Forgets every fault that has not struck yet. */
    void clear();

    /** What was injected so far, oldest first. */
    List<String> injected();
}
