package dev.lifeboat.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.runtime.event.EngineEvent;
import dev.lifeboat.runtime.fault.KillMode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recovery 6: {@code checkpoint()} writes through the checkpoint store on the next action and
 * cuts the lineage; later jobs, later engines and other JVMs read it instead of recomputing.
 * {@code localCheckpoint()} keeps blocks on executors; losing one fails the job and says why.
 */
class CheckpointTest {
    private static final long SUM_OF_SQUARES =
            IntStream.range(0, 100).mapToLong(x -> (long) x * x).sum();

    @TempDir
    Path dir;

    @BeforeEach
    void resetCounter() {
        CheckpointReuseMain.COMPUTED.set(0);
    }

    @Test
    void aCheckpointIsWrittenByTheNextActionCutsTheLineageAndIsReadByLaterJobs() throws Exception {
        EventLog log = new EventLog();
        try (Engine engine = TestEngines.start(TestEngines.config(dir), log)) {
            Dataset<Integer> squares = CheckpointReuseMain.squares(engine).checkpoint();
            assertThat(squares.toDebugString())
                    .contains("reliable checkpoint rdd/" + engine.appId())
                    .contains("pending")
                    .contains("CollectionDataset");
            assertThat(squares.isCheckpointed()).isFalse();

            assertThat(squares.count()).isEqualTo(100);

            assertThat(CheckpointReuseMain.COMPUTED)
                    .as("computed once, and kept for the checkpoint")
                    .hasValue(100);
            assertThat(log.of(EngineEvent.CheckpointWritten.class))
                    .singleElement()
                    .satisfies(w -> {
                        assertThat(w.reliable()).isTrue();
                        assertThat(w.partitions()).isEqualTo(4);
                        assertThat(w.datasetId()).isEqualTo(squares.id());
                    });
            assertThat(squares.isCheckpointed()).isTrue();
            assertThat(squares.toDebugString())
                    .contains("ReliableCheckpoint[rdd/" + engine.appId() + "/" + squares.id() + "]")
                    .doesNotContain("CollectionDataset");

            long sum = squares.map(Integer::longValue).reduce(Long::sum).orElseThrow();

            assertThat(sum).isEqualTo(SUM_OF_SQUARES);
            assertThat(CheckpointReuseMain.COMPUTED)
                    .as("read from the checkpoint, not recomputed")
                    .hasValue(100);
        }
    }

    @Test
    void aReliableCheckpointSurvivesTheLossOfEveryExecutorThatComputedIt() throws Exception {
        EventLog log = new EventLog();
        try (Engine engine = TestEngines.start(TestEngines.config(dir), log)) {
            Dataset<Integer> squares = CheckpointReuseMain.squares(engine).checkpoint();
            squares.count();
            for (int executor : engine.liveExecutors()) {
                engine.faults().killExecutor(executor, KillMode.REPORTED);
            }

            assertThat(squares.map(Integer::longValue).reduce(Long::sum)).contains(SUM_OF_SQUARES);
            assertThat(CheckpointReuseMain.COMPUTED).hasValue(100);
        }
    }

    @Test
    void aCheckpointAfterAShuffleSparesLaterJobsTheWholeMapStage() throws Exception {
        EventLog log = new EventLog();
        try (Engine engine = TestEngines.start(TestEngines.config(dir), log)) {
            PairDataset<Integer, Integer> counts = Jobs.countByRemainder(engine).checkpoint();
            assertThat(counts.toDebugString()).contains(" +-(8) MapPartitionsDataset");
            counts.count();
            log.clear();

            assertThat(counts.collectAsMap()).isEqualTo(Jobs.expectedCountByRemainder());

            assertThat(log.of(EngineEvent.StageSubmitted.class))
                    .singleElement()
                    .satisfies(s -> assertThat(s.shuffleMap()).isFalse());
            assertThat(counts.toDebugString()).doesNotContain("+-");
        }
    }

    @Test
    void aNamedCheckpointIsReusedByANewEngine() throws Exception {
        try (Engine first = TestEngines.start(
                TestEngines.config(dir.resolve("first"))
                        .set(
                                EngineConfig.CHECKPOINT_DIR,
                                dir.resolve("checkpoints").toUri()),
                new EventLog())) {
            CheckpointReuseMain.squares(first).checkpoint("squares").count();
        }
        assertThat(CheckpointReuseMain.COMPUTED).hasValue(100);

        EventLog log = new EventLog();
        try (Engine second = TestEngines.start(
                TestEngines.config(dir.resolve("second"))
                        .set(
                                EngineConfig.CHECKPOINT_DIR,
                                dir.resolve("checkpoints").toUri()),
                log)) {
            Dataset<Integer> squares = CheckpointReuseMain.squares(second).checkpoint("squares");
            assertThat(squares.isCheckpointed())
                    .as("cut at once: the checkpoint exists")
                    .isTrue();

            assertThat(squares.map(Integer::longValue).reduce(Long::sum)).contains(SUM_OF_SQUARES);

            assertThat(CheckpointReuseMain.COMPUTED).hasValue(100);
            assertThat(log.of(EngineEvent.CheckpointWritten.class)).isEmpty();
        }
    }

    @Test
    void aNamedCheckpointIsReusedByAnEngineInAnotherJvm() throws Exception {
        try (Engine engine = TestEngines.start(TestEngines.config(dir), new EventLog())) {
            assertThat(CheckpointReuseMain.squares(engine).checkpoint("squares").count())
                    .isEqualTo(100);
        }

        String output = runInNewJvm(CheckpointReuseMain.class.getName(), dir.toString());

        assertThat(output)
                .contains("cutBeforeAnyJob=true", "computed=0", "sum=" + SUM_OF_SQUARES, "tasks=4")
                .contains("ReliableCheckpoint[rdd/squares]");
    }

    @Test
    void aLostLocalCheckpointBlockFailsTheJobSayingWhy() throws Exception {
        EventLog log = new EventLog();
        try (Engine engine = TestEngines.start(TestEngines.config(dir), log)) {
            Dataset<Integer> squares = CheckpointReuseMain.squares(engine).localCheckpoint();
            assertThat(squares.count()).isEqualTo(100);
            assertThat(squares.toDebugString()).contains("LocalCheckpoint[").doesNotContain("CollectionDataset");
            assertThat(log.of(EngineEvent.CheckpointWritten.class))
                    .singleElement()
                    .satisfies(w -> assertThat(w.reliable()).isFalse());
            int holder = log.ended(0, dev.lifeboat.runtime.event.TaskEndReason.SUCCESS).stream()
                    .filter(e -> e.task().partition() == 1)
                    .findFirst()
                    .orElseThrow()
                    .task()
                    .executorId();
            assertThat(squares.collect()).hasSize(100); // read from the executors' blocks
            assertThat(CheckpointReuseMain.COMPUTED).hasValue(100);
            log.clear();

            engine.faults().killExecutor(holder, KillMode.REPORTED);

            assertThatThrownBy(squares::collect)
                    .isInstanceOf(JobFailedException.class)
                    .hasMessageContaining("Locally checkpointed block rdd_" + squares.id() + "_1")
                    .hasMessageContaining("executor " + holder + ", which held it,")
                    .hasMessageContaining("cannot be recomputed")
                    .hasMessageContaining("Use checkpoint()")
                    .hasRootCauseInstanceOf(CheckpointUnavailableException.class);
            assertThat(log.launched(2)).filteredOn(t -> t.partition() == 1).hasSize(1); // not retried
            assertThat(CheckpointReuseMain.COMPUTED).hasValue(100);
        }
    }

    @Test
    void checkpointNeedsACheckpointStore() throws Exception {
        EngineConfig.Builder config = EngineConfig.builder().set(EngineConfig.LOCAL_DIR, dir);
        try (Engine engine = Engine.start(config.build())) {
            Dataset<Integer> numbers = engine.parallelize(List.of(1, 2, 3));
            assertThatThrownBy(numbers::checkpoint)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("lifeboat.checkpoint.dir");
            assertThat(numbers.localCheckpoint().count()).isEqualTo(3);
        }
    }

    private static String runInNewJvm(String mainClass, String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                mainClass));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = new String(out, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }
}
