package dev.lifeboat.runtime.internal.fault;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.runtime.event.EngineEvent;
import dev.lifeboat.runtime.event.TaskInfo;
import dev.lifeboat.runtime.fault.FaultInjector;
import dev.lifeboat.runtime.fault.InjectedFaultException;
import dev.lifeboat.runtime.fault.KillMode;
import dev.lifeboat.runtime.fault.Target;
import dev.lifeboat.runtime.internal.executor.Executor;
import dev.lifeboat.runtime.internal.executor.FaultHooks;
import dev.lifeboat.runtime.internal.executor.TaskDescription;
import dev.lifeboat.runtime.internal.scheduler.ListenerBus;
import dev.lifeboat.runtime.internal.scheduler.StageFaults;
import dev.lifeboat.spi.fault.StorageFaults;
import dev.lifeboat.spi.fault.StoredKind;
import dev.lifeboat.spi.fault.StoredObject;
import dev.lifeboat.spi.shuffle.MapStatus;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/** The {@link FaultInjector} of an engine, and the hooks through which its faults strike. */
public final class FaultPlan implements FaultInjector, FaultHooks, StageFaults {
    private final ListenerBus bus;
    private final IntFunction<Optional<Executor>> executors;
    private final Optional<String> cannotDamageShuffles;
    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final List<String> injected = new CopyOnWriteArrayList<>();

    /**
     * @param cannotDamageShuffles why shuffle output cannot be damaged, if it cannot
     */
    public FaultPlan(
            ListenerBus bus, IntFunction<Optional<Executor>> executors, Optional<String> cannotDamageShuffles) {
        this.bus = requireNonNull(bus, "bus is null");
        this.executors = requireNonNull(executors, "executors is null");
        this.cannotDamageShuffles = requireNonNull(cannotDamageShuffles, "cannotDamageShuffles is null");
    }

    private sealed interface Rule {}

    private record FailTask(Target target, AtomicInteger remaining, Supplier<? extends Throwable> error)
            implements Rule {}

    private record SlowTask(Target target, AtomicInteger remaining, Duration delay) implements Rule {}

    private record KillInTask(Target target, AtomicInteger remaining, KillMode mode) implements Rule {}

    private record KillOnStage(Target target, AtomicInteger remaining, int executorId, KillMode mode) implements Rule {}

    /** Drops the map output, or flips a byte of one of its blocks. */
    private record DamageOutput(Target target, AtomicInteger remaining, OptionalInt corruptReduceId) implements Rule {}

    private record RandomFailures(long seed, double probability) implements Rule {}

    private record RandomLosses(long seed, double probability) implements Rule {}

    // -------------------------------------------------------------------------- registration

    @Override
    public FaultInjector failTask(Target target, int times) {
        return failTask(target, times, () -> new InjectedFaultException("injected task failure"));
    }

    @Override
    public FaultInjector failTask(Target target, int times, Supplier<? extends Throwable> error) {
        rules.add(new FailTask(
                requireNonNull(target, "target is null"), times(times), requireNonNull(error, "error is null")));
        return this;
    }

    @Override
    public FaultInjector slowTask(Target target, Duration delay) {
        requireNonNull(delay, "delay is null");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay is negative: " + delay);
        }
        rules.add(new SlowTask(requireNonNull(target, "target is null"), times(1), delay));
        return this;
    }

    @Override
    public FaultInjector killExecutorDuringTask(Target target, KillMode mode) {
        rules.add(new KillInTask(
                requireNonNull(target, "target is null"), times(1), requireNonNull(mode, "mode is null")));
        return this;
    }

    @Override
    public FaultInjector killExecutorOnStageSubmit(Target stage, int executorId, KillMode mode) {
        rules.add(new KillOnStage(
                requireNonNull(stage, "stage is null"), times(1), executorId, requireNonNull(mode, "mode is null")));
        return this;
    }

    @Override
    public FaultInjector dropShuffleOutput(Target mapTask) {
        checkCanDamageShuffles();
        rules.add(new DamageOutput(requireNonNull(mapTask, "mapTask is null"), times(1), OptionalInt.empty()));
        return this;
    }

    @Override
    public FaultInjector corruptShuffleBlock(Target mapTask, int reduceId, int times) {
        checkCanDamageShuffles();
        if (reduceId < 0) {
            throw new IllegalArgumentException("reduceId is negative: " + reduceId);
        }
        rules.add(new DamageOutput(requireNonNull(mapTask, "mapTask is null"), times(times), OptionalInt.of(reduceId)));
        return this;
    }

    @Override
    public FaultInjector randomTaskFailures(long seed, double probability) {
        rules.add(new RandomFailures(seed, probability(probability)));
        return this;
    }

    @Override
    public FaultInjector randomShuffleLosses(long seed, double probability) {
        checkCanDamageShuffles();
        rules.add(new RandomLosses(seed, probability(probability)));
        return this;
    }

    @Override
    public void killExecutor(int executorId, KillMode mode) {
        requireNonNull(mode, "mode is null");
        Executor executor = executors
                .apply(executorId)
                .filter(Executor::isAlive)
                .orElseThrow(() -> new IllegalArgumentException("executor " + executorId + " is not alive"));
        record(
                "kill-executor",
                "killed executor " + executorId + " (" + mode.name().toLowerCase(java.util.Locale.ROOT) + ")");
        executor.kill(mode == KillMode.REPORTED, "killed by fault injection");
    }

    @Override
    public void clear() {
        rules.clear();
    }

    @Override
    public List<String> injected() {
        return List.copyOf(injected);
    }

    // --------------------------------------------------------------------------------- hooks

    @Override
    public void beforeTask(TaskDescription task, Executor executor) throws Exception {
        TaskInfo info = task.info();
        for (Rule rule : rules) {
            if (rule instanceof SlowTask slow && strikes(slow.target(), slow.remaining(), task)) {
                record("slow-task", info.label() + " stalls for " + slow.delay().toMillis() + " ms");
                Thread.sleep(slow.delay().toMillis());
            } else if (rule instanceof FailTask fail && strikes(fail.target(), fail.remaining(), task)) {
                Throwable error = requireNonNull(fail.error().get(), "the error supplier returned null");
                record("fail-task", info.label() + " fails: " + error);
                throwAny(error);
            } else if (rule instanceof KillInTask kill && strikes(kill.target(), kill.remaining(), task)) {
                record(
                        "kill-executor",
                        "executor " + executor.id() + " dies ("
                                + kill.mode().name().toLowerCase(java.util.Locale.ROOT) + ") while starting "
                                + info.label());
                executor.kill(
                        kill.mode() == KillMode.REPORTED, "killed by fault injection while running " + info.label());
                throw new InjectedFaultException("executor " + executor.id() + " was killed");
            } else if (rule instanceof RandomFailures random && draw(random.seed(), info) < random.probability()) {
                record("fail-task", info.label() + " fails at random (seed " + random.seed() + ")");
                throw new InjectedFaultException("random task failure (seed " + random.seed() + ")");
            }
        }
    }

    @Override
    public void afterMapOutput(TaskDescription task, Executor executor, MapStatus status) throws Exception {
        for (Rule rule : rules) {
            if (rule instanceof DamageOutput damage && strikes(damage.target(), damage.remaining(), task)) {
                if (damage.corruptReduceId().isPresent()) {
                    corrupt(executor, status, damage.corruptReduceId().getAsInt(), task.info());
                } else {
                    drop(executor, status, task.info(), "");
                }
            } else if (rule instanceof RandomLosses random
                    && draw(random.seed() ^ 0x5DEECE66DL, task.info()) < random.probability()) {
                drop(executor, status, task.info(), " at random (seed " + random.seed() + ")");
            }
        }
    }

    @Override
    public List<ExecutorKill> onStageSubmit(int stageId, Set<Integer> pipeline) {
        List<ExecutorKill> kills = new ArrayList<>();
        for (Rule rule : rules) {
            if (rule instanceof KillOnStage kill
                    && kill.target().matches(stageId, pipeline, -1)
                    && take(kill.remaining())) {
                record(
                        "kill-executor",
                        "executor " + kill.executorId() + " dies ("
                                + kill.mode().name().toLowerCase(java.util.Locale.ROOT) + ") as stage " + stageId
                                + " starts");
                kills.add(new ExecutorKill(
                        kill.executorId(),
                        kill.mode() == KillMode.REPORTED,
                        "killed by fault injection as stage " + stageId + " started"));
            }
        }
        return kills;
    }

    // ------------------------------------------------------------------------------- damage

    private void drop(Executor executor, MapStatus status, TaskInfo info, String how) throws IOException {
        StorageFaults faults = storageFaults(executor);
        String key = key(status);
        int dropped = 0;
        for (StoredKind kind : List.of(StoredKind.SHUFFLE_DATA, StoredKind.SHUFFLE_INDEX)) {
            for (StoredObject object : faults.list(kind)) {
                if (object.key().equals(key)) {
                    faults.delete(object);
                    dropped++;
                }
            }
        }
        if (dropped == 0) {
            throw new IllegalStateException("cannot find the stored map output " + status.id() + " to drop");
        }
        record("drop-shuffle-output", "map output of " + info.label() + " (" + status.id() + ") dropped" + how);
    }

    private void corrupt(Executor executor, MapStatus status, int reduceId, TaskInfo info) throws IOException {
        if (reduceId >= status.numPartitions() || status.length(reduceId) == 0) {
            throw new IllegalStateException(
                    "cannot corrupt block " + reduceId + " of " + status + ": it does not exist or is empty");
        }
        StorageFaults faults = storageFaults(executor);
        String key = key(status);
        StoredObject data = faults.list(StoredKind.SHUFFLE_DATA).stream()
                .filter(o -> o.key().equals(key))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("cannot find the stored map output " + status.id()));
        long header = data.length() - status.totalBytes(); // blocks are stored back to back, after any header
        faults.flipByte(data, header + status.offset(reduceId) + status.length(reduceId) / 2);
        record(
                "corrupt-shuffle-block",
                "block " + status.blockId(reduceId) + " written by " + info.label() + " corrupted");
    }

    private static StorageFaults storageFaults(Executor executor) throws IOException {
        return executor.storageFaults()
                .orElseThrow(
                        () -> new IllegalStateException("the shuffle store of " + executor + " cannot be damaged"));
    }

    private static String key(MapStatus status) {
        return status.id().shuffleId() + "/" + status.id().mapId();
    }

    // -------------------------------------------------------------------------------- helpers

    private void checkCanDamageShuffles() {
        cannotDamageShuffles.ifPresent(why -> {
            throw new IllegalStateException(why);
        });
    }

    private static boolean strikes(Target target, AtomicInteger remaining, TaskDescription task) {
        return target.matches(
                        task.info().stageId(), task.pipeline(), task.info().partition())
                && take(remaining);
    }

    private static boolean take(AtomicInteger remaining) {
        return remaining.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
    }

    /** A number in [0, 1) fixed by the seed and the attempt. */
    private static double draw(long seed, TaskInfo info) {
        long mix = seed;
        mix = mix * 31 + info.stageId();
        mix = mix * 31 + info.stageAttempt();
        mix = mix * 31 + info.partition();
        mix = mix * 31 + info.attempt();
        return new SplittableRandom(mix).nextDouble();
    }

    private static AtomicInteger times(int times) {
        if (times < 1) {
            throw new IllegalArgumentException("times must be at least 1, not " + times);
        }
        return new AtomicInteger(times);
    }

    private static double probability(double p) {
        if (!(p >= 0.0 && p <= 1.0)) {
            throw new IllegalArgumentException("probability must be between 0 and 1, not " + p);
        }
        return p;
    }

    private void record(String fault, String description) {
        injected.add(description);
        bus.post(new EngineEvent.FaultInjected(System.nanoTime(), fault, description));
    }

    private static void throwAny(Throwable error) throws Exception {
        if (error instanceof Exception e) {
            throw e;
        }
        if (error instanceof Error e) {
            throw e;
        }
        throw new InjectedFaultException(String.valueOf(error));
    }
}
