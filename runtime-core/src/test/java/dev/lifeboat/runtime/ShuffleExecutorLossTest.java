package dev.lifeboat.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.runtime.event.EngineEvent;
import dev.lifeboat.runtime.fault.KillMode;
import dev.lifeboat.runtime.fault.Target;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recovery 2: an executor lost after a map stage. With executor-local shuffle blocks only the map
 * tasks whose outputs it held re-run, in one round; with blocks that outlive executors, none do.
 * Executor 1 dies as the reduce stage (stage 1) is about to start.
 */
class ShuffleExecutorLossTest {
    private static final int VICTIM = 1;

    @TempDir
    Path dir;

    @Test
    void reportedLossReRunsOnlyTheMapTasksWhoseOutputsItHeld() throws Exception {
        EventLog log = new EventLog();
        try (Engine engine = TestEngines.start(TestEngines.config(dir), log)) {
            engine.faults().killExecutorOnStageSubmit(Target.stage(1), VICTIM, KillMode.REPORTED);

            var result = Jobs.countByRemainder(engine).collectAsMap();

            assertThat(result).isEqualTo(Jobs.expectedCountByRemainder());
            Set<Integer> held = log.succeededOn(0, VICTIM);
            assertThat(held).isNotEmpty();
            assertThat(log.rerun(0)).isEqualTo(held);
            assertThat(log.submissions(0))
                    .extracting(EngineEvent.StageSubmitted::partitions)
                    .containsExactly(List.of(0, 1, 2, 3, 4, 5, 6, 7), List.copyOf(held));
            // the driver knew before the reducers started: no fetch failure, no reducer re-run
            assertThat(log.of(EngineEvent.FetchFailed.class)).isEmpty();
            assertThat(log.submissions(1)).hasSize(1);
            assertThat(log.rerun(1)).isEmpty();
        }
    }

    @Test
    void silentLossIsRecoveredInOneFetchFailureRound() throws Exception {
        EventLog log = new EventLog();
        try (Engine engine = TestEngines.start(TestEngines.config(dir), log)) {
            engine.faults().killExecutorOnStageSubmit(Target.stage(1), VICTIM, KillMode.SILENT);

            var result = Jobs.countByRemainder(engine).collectAsMap();

            assertThat(result).isEqualTo(Jobs.expectedCountByRemainder());
            Set<Integer> held = log.succeededOn(0, VICTIM);
            assertThat(held).isNotEmpty();
            assertThat(log.of(EngineEvent.FetchFailed.class))
                    .isNotEmpty()
                    .allSatisfy(f -> assertThat(f.missingMapPartitions()).isSubsetOf(held));
            // one round: the map stage re-ran once, exactly the lost outputs, however many blocks were missing
            assertThat(log.rerun(0)).isEqualTo(held);
            assertThat(log.submissions(0))
                    .extracting(EngineEvent.StageSubmitted::partitions)
                    .containsExactly(List.of(0, 1, 2, 3, 4, 5, 6, 7), List.copyOf(held));
            assertThat(log.submissions(1))
                    .extracting(EngineEvent.StageSubmitted::partitions)
                    .containsExactly(List.of(0, 1, 2, 3), List.of(0, 1, 2, 3));
        }
    }

    @Test
    void noMapTaskReRunsWhenBlocksOutliveTheirExecutor() throws Exception {
        EventLog log = new EventLog();
        EngineConfig.Builder config = TestEngines.config(dir)
                .set(
                        EngineConfig.SHUFFLE_STORE,
                        URI.create(OutlivingShuffleStoreProvider.SCHEME + "://"
                                + dir.resolve("shared").toAbsolutePath()));
        try (Engine engine = TestEngines.start(config, log)) {
            engine.faults().killExecutorOnStageSubmit(Target.stage(1), VICTIM, KillMode.REPORTED);

            var result = Jobs.countByRemainder(engine).collectAsMap();

            assertThat(result).isEqualTo(Jobs.expectedCountByRemainder());
            assertThat(log.of(EngineEvent.ExecutorLost.class))
                    .extracting(EngineEvent.ExecutorLost::executorId)
                    .containsExactly(VICTIM);
            assertThat(log.succeededOn(0, VICTIM)).isNotEmpty();
            assertThat(log.rerun(0)).isEmpty();
            assertThat(log.submissions(0)).hasSize(1);
            assertThat(log.rerun(1)).isEmpty();
            assertThat(log.of(EngineEvent.FetchFailed.class)).isEmpty();
        }
    }
}
