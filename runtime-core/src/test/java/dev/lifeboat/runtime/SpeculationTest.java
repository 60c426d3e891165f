package dev.lifeboat.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.runtime.event.EngineEvent;
import dev.lifeboat.runtime.event.EngineListener;
import dev.lifeboat.runtime.event.TaskEndReason;
import dev.lifeboat.runtime.fault.Target;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recovery 5: with speculation on, a straggler gets a copy on another executor, the first result
 * wins, the loser is cancelled and its output is never used. Thresholds are generous (a task is
 * slow after 2 s) so that no ordinary task is ever mistaken for a straggler, even on a busy machine.
 */
@Timeout(60)
class SpeculationTest {
    /** The value partition 2's first attempt emits if it is ever allowed to finish and be used. */
    private static final int LOSER_MARK = -1;

    @TempDir
    Path dir;

    private EngineConfig.Builder speculative() {
        return TestEngines.config(dir)
                .set(EngineConfig.SPECULATION, true)
                .set(EngineConfig.SPECULATION_INTERVAL, "20ms")
                .set(EngineConfig.SPECULATION_MIN_TASK_RUNTIME, "2s");
    }

    @Test
    void aStragglerGetsACopyOnAnotherExecutorAndTheFirstResultWins() throws Exception {
        EventLog log = new EventLog();
        try (Engine engine = TestEngines.start(speculative(), log)) {
            engine.faults().slowTask(Target.stage(0).partition(2), Duration.ofSeconds(30));

            var result = Jobs.countByRemainder(engine).collectAsMap();

            assertThat(result).isEqualTo(Jobs.expectedCountByRemainder());
            assertThat(log.of(EngineEvent.SpeculativeTaskLaunched.class))
                    .singleElement()
                    .satisfies(copy -> {
                        assertThat(copy.copy().stageId()).isZero();
                        assertThat(copy.copy().partition()).isEqualTo(2);
                        assertThat(copy.originalRunningNanos()).isGreaterThanOrEqualTo(TimeUnit.SECONDS.toNanos(2));
                    });
            var original = log.launched(0).stream()
                    .filter(t -> t.partition() == 2 && !t.speculative())
                    .findFirst()
                    .orElseThrow();
            var copy = log.launched(0).stream()
                    .filter(t -> t.partition() == 2 && t.speculative())
                    .findFirst()
                    .orElseThrow();
            assertThat(copy.executorId()).isNotEqualTo(original.executorId());
            assertThat(log.ended(0, TaskEndReason.SUCCESS))
                    .anySatisfy(e -> assertThat(e.task()).isEqualTo(copy));
            assertThat(log.ended(0, TaskEndReason.KILLED)).singleElement().satisfies(e -> {
                assertThat(e.task()).isEqualTo(original);
                assertThat(e.detail()).get().asString().contains("finished first");
            });
            assertThat(log.rerun(0)).containsExactly(2);
            assertThat(log.rerun(1)).isEmpty();
        }
    }

    @Test
    void theLoserIsIgnoredEvenIfItFinishesLaterAndItsOutputIsNeverUsed() throws Exception {
        EventLog log = new EventLog();
        CountDownLatch copyWon = new CountDownLatch(1);
        CountDownLatch loserDone = new CountDownLatch(1);
        AtomicBoolean firstAttempt = new AtomicBoolean(true);
        EngineListener onCopyWon = event -> {
            if (event instanceof EngineEvent.TaskEnded e
                    && e.task().speculative()
                    && e.reason() == TaskEndReason.SUCCESS) {
                copyWon.countDown();
            }
        };
        try (Engine engine = Engine.start(speculative().build(), log, onCopyWon)) {
            // Partition 2's first attempt ignores interrupts, waits until its copy has won, then
            // emits wrong data and commits it: if that output were ever used, the counts would be off.
            var pairs = engine.parallelize(Jobs.NUMBERS, Jobs.MAP_PARTITIONS)
                    .mapPartitions((Iterator<Integer> in) -> {
                        List<Integer> records = new ArrayList<>();
                        in.forEachRemaining(records::add);
                        if (records.contains(250) && firstAttempt.getAndSet(false)) {
                            awaitUninterruptibly(copyWon);
                            records.replaceAll(x -> LOSER_MARK);
                            loserDone.countDown();
                        }
                        return records.iterator();
                    })
                    .mapToPair(x -> Pair.of(x % 50, 1));

            Map<Integer, Integer> result =
                    pairs.reduceByKey(Integer::sum, Jobs.REDUCE_PARTITIONS).collectAsMap();

            assertThat(result).isEqualTo(Jobs.expectedCountByRemainder());
            assertThat(loserDone.await(30, TimeUnit.SECONDS))
                    .as("the loser ran to its end")
                    .isTrue();
            assertThat(engine.parallelize(List.of(1), 1).count()).isEqualTo(1); // a later job, after the loser's report
            assertThat(log.of(EngineEvent.SpeculativeTaskLaunched.class))
                    .singleElement()
                    .satisfies(copy -> assertThat(copy.copy().partition()).isEqualTo(2));
            assertThat(log.ended(0, TaskEndReason.KILLED))
                    .singleElement()
                    .satisfies(e -> assertThat(e.task().speculative()).isFalse());
            assertThat(log.ended(0, TaskEndReason.SUCCESS))
                    .filteredOn(e -> e.task().partition() == 2)
                    .singleElement()
                    .satisfies(e -> assertThat(e.task().speculative()).isTrue());
        }
    }

    @Test
    void speculationIsOffByDefault() throws Exception {
        EventLog log = new EventLog();
        try (Engine engine = TestEngines.start(TestEngines.config(dir), log)) {
            assertThat(engine.config().speculation()).isFalse();
            engine.faults().slowTask(Target.stage(0).partition(2), Duration.ofMillis(300));

            assertThat(Jobs.countByRemainder(engine).collectAsMap()).isEqualTo(Jobs.expectedCountByRemainder());

            assertThat(log.of(EngineEvent.SpeculativeTaskLaunched.class)).isEmpty();
            assertThat(log.rerun(0)).isEmpty();
        }
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try {
                if (latch.await(100, TimeUnit.MILLISECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                // a straggler that does not notice being cancelled: keep going
            }
        }
    }
}
