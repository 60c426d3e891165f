package dev.lifeboat.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.runtime.event.EngineEvent;
import dev.lifeboat.runtime.event.TaskEndReason;
import dev.lifeboat.runtime.event.TaskInfo;
import dev.lifeboat.runtime.fault.InjectedFaultException;
import dev.lifeboat.runtime.fault.Target;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recovery 4: a task that throws re-runs up to {@code lifeboat.task.maxFailures} times, then the
 * stage and job fail with every attempt's cause; fatal errors fail at once.
 */
class TaskRetryTest {
    @TempDir
    Path dir;

    /** A user-declared non-retryable error. */
    static final class PoisonRecordException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PoisonRecordException() {
            super("record 42 can never be parsed");
        }
    }

    @Test
    void aTaskThatFailsTwiceSucceedsOnItsThirdAttempt() throws Exception {
        EventLog log = new EventLog();
        try (Engine engine = TestEngines.start(TestEngines.config(dir), log)) {
            engine.faults().failTask(Target.stage(1).partition(3), 2);

            var result = Jobs.countByRemainder(engine).collectAsMap();

            assertThat(result).isEqualTo(Jobs.expectedCountByRemainder());
            assertThat(log.rerun(0)).isEmpty();
            assertThat(log.attemptsPerPartition(1)).isEqualTo(Map.of(0, 1L, 1, 1L, 2, 1L, 3, 3L));
            assertThat(log.ended(1, TaskEndReason.FAILED))
                    .hasSize(2)
                    .allSatisfy(e -> assertThat(e.detail()).get().asString().contains("injected task failure"));
        }
    }

    @Test
    void aTaskThatKeepsFailingFailsTheJobWithEveryAttemptsCause() throws Exception {
        EventLog log = new EventLog();
        AtomicInteger attempt = new AtomicInteger();
        try (Engine engine = TestEngines.start(TestEngines.config(dir), log)) {
            engine.faults()
                    .failTask(
                            Target.stage(0).partition(3),
                            100,
                            () -> new IllegalStateException("boom #" + attempt.getAndIncrement()));

            assertThatThrownBy(() ->
                            engine.parallelize(Jobs.NUMBERS, 8).map(x -> x * 2).count())
                    .isInstanceOfSatisfying(JobFailedException.class, e -> {
                        assertThat(e.getMessage())
                                .contains("task for partition 3 in stage 0 (map at TaskRetryTest.java")
                                .contains("failed 4 times (lifeboat.task.maxFailures = 4)")
                                .contains("attempt 0", "attempt 1", "attempt 2", "attempt 3")
                                .contains("boom #0", "boom #1", "boom #2", "boom #3");
                        assertThat(e.attemptFailures())
                                .extracting(Throwable::getMessage)
                                .containsExactly("boom #0", "boom #1", "boom #2", "boom #3");
                        assertThat(e.getCause()).hasMessage("boom #3");
                        assertThat(e.getSuppressed()).hasSize(3);
                    });
            assertThat(log.attemptsPerPartition(0).get(3)).isEqualTo(4);
            assertThat(log.of(EngineEvent.StageCompleted.class))
                    .singleElement()
                    .satisfies(s -> assertThat(s.failure()).isPresent());
        }
    }

    @Test
    void faultsCanTargetADatasetInsteadOfAStage() throws Exception {
        EventLog log = new EventLog();
        try (Engine engine = TestEngines.start(TestEngines.config(dir), log)) {
            Dataset<Integer> doubled = engine.parallelize(Jobs.NUMBERS, 8).map(x -> x * 2);
            engine.faults().failTask(Target.dataset(doubled).partition(6), 3);

            assertThat(doubled.filter(x -> x % 4 == 0).count()).isEqualTo(500);

            assertThat(log.rerun(0)).containsExactly(6);
            assertThat(log.attemptsPerPartition(0).get(6)).isEqualTo(4);
        }
    }

    @Test
    void maxFailuresIsConfigurable() throws Exception {
        EventLog log = new EventLog();
        try (Engine engine = TestEngines.start(TestEngines.config(dir).set(EngineConfig.TASK_MAX_FAILURES, 2), log)) {
            engine.faults().failTask(Target.stage(0).partition(1), 100);

            assertThatThrownBy(() -> engine.parallelize(Jobs.NUMBERS, 4).count())
                    .hasMessageContaining("failed 2 times (lifeboat.task.maxFailures = 2)");
            assertThat(log.attemptsPerPartition(0).get(1)).isEqualTo(2);
        }
    }

    @Test
    void aDeclaredNonRetryableExceptionFailsTheJobAtOnce() throws Exception {
        EventLog log = new EventLog();
        try (Engine engine =
                TestEngines.start(TestEngines.config(dir).nonRetryable(PoisonRecordException.class), log)) {
            engine.faults().failTask(Target.stage(0).partition(1), 100, PoisonRecordException::new);

            assertThatThrownBy(() -> engine.parallelize(Jobs.NUMBERS, 4).count())
                    .isInstanceOf(JobFailedException.class)
                    .hasMessageContaining("failed with a non-retryable error, so it was not retried")
                    .hasRootCauseInstanceOf(PoisonRecordException.class);
            assertThat(log.attemptsPerPartition(0).get(1)).isEqualTo(1);
        }
    }

    @Test
    void anExceptionThrownByUserCodeIsRetriedUnlessDeclaredNonRetryable() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        try (Engine engine = TestEngines.start(TestEngines.config(dir), new EventLog())) {
            long count = engine.parallelize(Jobs.NUMBERS, 4)
                    .map(x -> {
                        if (x == 42 && calls.getAndIncrement() < 2) {
                            throw new IllegalArgumentException("flaky parse of " + x);
                        }
                        return x;
                    })
                    .count();
            assertThat(count).isEqualTo(1000);
            assertThat(calls).hasValue(3);
        }
    }

    @Test
    void outOfMemoryErrorFailsTheJobAtOnce() throws Exception {
        EventLog log = new EventLog();
        try (Engine engine = TestEngines.start(TestEngines.config(dir), log)) {
            engine.faults()
                    .failTask(
                            Target.stage(0).partition(2), 100, () -> new OutOfMemoryError("injected: Java heap space"));

            assertThatThrownBy(() -> engine.parallelize(Jobs.NUMBERS, 4).count())
                    .isInstanceOf(JobFailedException.class)
                    .hasMessageContaining("non-retryable")
                    .hasMessageContaining("OutOfMemoryError");
            assertThat(log.attemptsPerPartition(0).get(2)).isEqualTo(1);
        }
    }

    @Test
    void randomFailuresWithTheSameSeedFailTheSameAttempts() throws Exception {
        List<TaskInfo> first = failedAttemptsWithSeed(dir.resolve("a"), 7);
        List<TaskInfo> second = failedAttemptsWithSeed(dir.resolve("b"), 7);

        assertThat(first).isNotEmpty().isEqualTo(second);
    }

    private static List<TaskInfo> failedAttemptsWithSeed(Path dir, long seed) throws Exception {
        EventLog log = new EventLog();
        try (Engine engine = TestEngines.start(TestEngines.config(dir), log)) {
            engine.faults().randomTaskFailures(seed, 0.2);

            assertThat(Jobs.countByRemainder(engine).collectAsMap()).isEqualTo(Jobs.expectedCountByRemainder());
            assertThat(engine.faults().injected()).isNotEmpty();
            return log.of(EngineEvent.TaskEnded.class).stream()
                    .filter(e -> e.reason() == TaskEndReason.FAILED)
                    .peek(e -> assertThat(e.detail())
                            .get()
                            .asString()
                            .contains(InjectedFaultException.class.getSimpleName()))
                    .map(EngineEvent.TaskEnded::task)
                    .map(t -> new TaskInfo(0, t.stageId(), t.stageAttempt(), t.partition(), t.attempt(), 0, false))
                    .sorted(java.util.Comparator.comparing(TaskInfo::stageId)
                            .thenComparing(TaskInfo::partition)
                            .thenComparing(TaskInfo::attempt))
                    .toList();
        }
    }
}
