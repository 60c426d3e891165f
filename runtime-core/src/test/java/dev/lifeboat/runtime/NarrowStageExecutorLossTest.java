package dev.lifeboat.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.runtime.event.EngineEvent;
import dev.lifeboat.runtime.event.TaskEndReason;
import dev.lifeboat.runtime.event.TaskInfo;
import dev.lifeboat.runtime.fault.KillMode;
import dev.lifeboat.runtime.fault.Target;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Recovery 1: an executor lost during a narrow stage costs only its unfinished and lost partitions. */
class NarrowStageExecutorLossTest {
    @TempDir
    Path dir;

    @Test
    void reportedLossReRunsOnlyThePartitionItWasRunning() throws Exception {
        EventLog log = new EventLog();
        try (Engine engine = TestEngines.start(TestEngines.config(dir), log)) {
            engine.faults().killExecutorDuringTask(Target.stage(0).partition(5), KillMode.REPORTED);

            long count = engine.parallelize(Jobs.NUMBERS, 8).map(x -> x + 1).count();

            assertThat(count).isEqualTo(1000);
            assertThat(log.rerun(0)).containsExactly(5);
            TaskInfo killed = log.launched(0).stream()
                    .filter(t -> t.partition() == 5)
                    .findFirst()
                    .orElseThrow();
            assertThat(log.of(EngineEvent.ExecutorLost.class)).singleElement().satisfies(lost -> {
                assertThat(lost.executorId()).isEqualTo(killed.executorId());
                assertThat(lost.reason()).contains("reported its own failure");
            });
            assertThat(log.ended(0, TaskEndReason.EXECUTOR_LOST))
                    .extracting(e -> e.task().partition())
                    .containsExactly(5);
            assertThat(log.of(EngineEvent.ExecutorAdded.class)).hasSize(5); // four, then a replacement
            assertThat(engine.liveExecutors()).hasSize(4).doesNotContain(killed.executorId());
        }
    }

    @Test
    void silentLossIsFoundByHeartbeatTimeoutAndReRunsOnlyThatPartition() throws Exception {
        EventLog log = new EventLog();
        EngineConfig.Builder config = TestEngines.config(dir)
                .set(EngineConfig.HEARTBEAT_INTERVAL, "20ms")
                .set(EngineConfig.NETWORK_TIMEOUT, "1500ms");
        try (Engine engine = TestEngines.start(config, log)) {
            engine.faults().killExecutorDuringTask(Target.stage(0).partition(5), KillMode.SILENT);

            long count = engine.parallelize(Jobs.NUMBERS, 8).map(x -> x + 1).count();

            assertThat(count).isEqualTo(1000);
            assertThat(log.rerun(0)).containsExactly(5);
            assertThat(log.of(EngineEvent.ExecutorLost.class))
                    .singleElement()
                    .satisfies(lost -> assertThat(lost.reason())
                            .contains("no heartbeat for")
                            .contains("lifeboat.network.timeout"));
        }
    }

    @Test
    void lossDuringAMapStageReRunsItsRunningTaskAndTheOutputsItHeld() throws Exception {
        EventLog log = new EventLog();
        try (Engine engine = TestEngines.start(TestEngines.config(dir), log)) {
            engine.faults().killExecutorDuringTask(Target.stage(0).partition(6), KillMode.REPORTED);

            var result = Jobs.countByRemainder(engine).collectAsMap();

            assertThat(result).isEqualTo(Jobs.expectedCountByRemainder());
            int lost = log.of(EngineEvent.ExecutorLost.class).get(0).executorId();
            Set<Integer> outputsItHeld = log.succeededOn(0, lost);
            assertThat(outputsItHeld).as("it finished a map task before dying").isNotEmpty();
            Set<Integer> expected = new TreeSet<>(outputsItHeld);
            expected.add(6);
            assertThat(log.rerun(0)).isEqualTo(expected);
            assertThat(log.rerun(1)).isEmpty();
            assertThat(log.submissions(0)).hasSize(1); // recovered inside the running stage attempt
            assertThat(log.of(EngineEvent.FetchFailed.class)).isEmpty();
        }
    }
}
