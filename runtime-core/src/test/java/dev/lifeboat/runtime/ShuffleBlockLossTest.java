package dev.lifeboat.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.runtime.event.EngineEvent;
import dev.lifeboat.runtime.event.TaskEndReason;
import dev.lifeboat.runtime.fault.Target;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recovery 3: a lost or corrupted shuffle block becomes a fetch failure, the missing map output is
 * recomputed, and the reducers that failed are retried; a stage that keeps failing gives up after
 * {@code lifeboat.stage.maxConsecutiveAttempts}. Stage 0 is the map stage (8 partitions), stage 1
 * the reduce stage (4 partitions).
 */
class ShuffleBlockLossTest {
    @TempDir
    Path dir;

    @Test
    void aDroppedMapOutputIsRecomputedAloneAndEveryReducerRetried() throws Exception {
        EventLog log = new EventLog();
        try (Engine engine = TestEngines.start(TestEngines.config(dir), log)) {
            engine.faults().dropShuffleOutput(Target.stage(0).partition(2));

            var result = Jobs.countByRemainder(engine).collectAsMap();

            assertThat(result).isEqualTo(Jobs.expectedCountByRemainder());
            assertThat(log.rerun(0)).containsExactly(2);
            assertThat(log.submissions(0))
                    .extracting(EngineEvent.StageSubmitted::partitions)
                    .containsExactly(List.of(0, 1, 2, 3, 4, 5, 6, 7), List.of(2));
            // every reducer reads the lost output, so every reducer failed once and was retried once
            assertThat(log.of(EngineEvent.FetchFailed.class))
                    .hasSize(4)
                    .allSatisfy(f -> assertThat(f.missingMapPartitions()).containsExactly(2));
            assertThat(log.submissions(1))
                    .extracting(EngineEvent.StageSubmitted::partitions)
                    .containsExactly(List.of(0, 1, 2, 3), List.of(0, 1, 2, 3));
            assertThat(log.attemptsPerPartition(1))
                    .containsOnlyKeys(0, 1, 2, 3)
                    .allSatisfy((p, n) -> assertThat(n).isEqualTo(2));
        }
    }

    @Test
    void aCorruptedBlockFailsOnlyItsReducerAndItsMapTaskIsRecomputed() throws Exception {
        EventLog log = new EventLog();
        try (Engine engine = TestEngines.start(TestEngines.config(dir), log)) {
            engine.faults().corruptShuffleBlock(Target.stage(0).partition(2), 1, 1);

            var result = Jobs.countByRemainder(engine).collectAsMap();

            assertThat(result).isEqualTo(Jobs.expectedCountByRemainder());
            assertThat(log.rerun(0)).containsExactly(2);
            assertThat(log.rerun(1)).as(log::toString).containsExactly(1);
            assertThat(log.of(EngineEvent.FetchFailed.class)).singleElement().satisfies(f -> {
                assertThat(f.task().partition()).isEqualTo(1);
                assertThat(f.missingMapPartitions()).containsExactly(2);
                assertThat(f.detail()).contains("fails verification");
            });
            assertThat(log.submissions(1))
                    .extracting(EngineEvent.StageSubmitted::partitions)
                    .containsExactly(List.of(0, 1, 2, 3), List.of(1));
        }
    }

    @Test
    void aStageThatKeepsFailingStopsAfterMaxConsecutiveAttempts() throws Exception {
        EventLog log = new EventLog();
        try (Engine engine = TestEngines.start(TestEngines.config(dir), log)) {
            engine.faults().corruptShuffleBlock(Target.stage(0).partition(2), 1, Integer.MAX_VALUE);

            assertThatThrownBy(() -> Jobs.countByRemainder(engine).collectAsMap())
                    .isInstanceOf(JobFailedException.class)
                    .hasMessageContaining("stage 1 (reduceByKey at Jobs.java")
                    .hasMessageContaining(
                            "failed 4 consecutive attempts because its shuffle input kept being unavailable")
                    .hasMessageContaining("lifeboat.stage.maxConsecutiveAttempts = 4")
                    .hasMessageContaining("map partition 2");

            assertThat(log.submissions(1)).hasSize(4);
            assertThat(log.submissions(0)).hasSize(4); // the first run, then one recompute per failed attempt
            assertThat(log.ended(1, TaskEndReason.FETCH_FAILED))
                    .hasSize(4)
                    .allSatisfy(e -> assertThat(e.task().partition()).isEqualTo(1));
            assertThat(log.of(EngineEvent.JobEnded.class))
                    .singleElement()
                    .satisfies(end -> assertThat(end.succeeded()).isFalse());
        }
    }

    @Test
    void randomShuffleLossesWithASeedAreRecoveredFrom() throws Exception {
        EventLog log = new EventLog();
        try (Engine engine = TestEngines.start(TestEngines.config(dir), log)) {
            engine.faults().randomShuffleLosses(11, 0.3);

            var result = Jobs.countByRemainder(engine).collectAsMap();

            assertThat(result).isEqualTo(Jobs.expectedCountByRemainder());
            assertThat(engine.faults().injected())
                    .isNotEmpty()
                    .allSatisfy(f -> assertThat(f).contains("dropped at random"));
            assertThat(log.of(EngineEvent.FetchFailed.class)).isNotEmpty();
        }
    }

    @Test
    void aStageGivesUpSoonerWhenConfiguredTo() throws Exception {
        EventLog log = new EventLog();
        try (Engine engine =
                TestEngines.start(TestEngines.config(dir).set(EngineConfig.STAGE_MAX_CONSECUTIVE_ATTEMPTS, 2), log)) {
            engine.faults().corruptShuffleBlock(Target.stage(0).partition(2), 1, Integer.MAX_VALUE);

            assertThatThrownBy(() -> Jobs.countByRemainder(engine).collect())
                    .isInstanceOf(JobFailedException.class)
                    .hasMessageContaining("failed 2 consecutive attempts");
            assertThat(log.submissions(1)).hasSize(2);
        }
    }
}
