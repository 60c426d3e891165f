package dev.lifeboat.runtime.streaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.runtime.demo.StreamingDemoDriver;
import dev.lifeboat.runtime.streaming.internal.DriverProcess;
import dev.lifeboat.spi.Lifeboat;
import dev.lifeboat.spi.checkpoint.CheckpointId;
import dev.lifeboat.spi.checkpoint.CheckpointStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real driver processes, real kills: {@code SIGKILL} at random points of a batch, fail-over to a
 * standby, a paused (SIGSTOP) leader resumed after a fail-over, and the restart supervisor.
 * {@code -Dlifeboat.streaming.kill-seeds=20} runs the kill loop with 20 seeds (default 5).
 */
class StreamingDriverProcessTest {
    static final int RECORDS = 600;
    static final Duration LONG = Duration.ofSeconds(90);

    @TempDir
    static Path shared;

    static SortedMap<Long, List<String>> faultFree;

    @BeforeAll
    static void faultFreeRun() throws Exception {
        Path root = shared.resolve("fault-free");
        try (StreamingQuery q = StreamingQuery.builder()
                .checkpoint(root.resolve("checkpoint").toUri(), Map.of())
                .source(new GeneratorSource(StreamingDemoDriver::record, RECORDS))
                .sink(new FileSink(root.resolve("out")))
                .maxRecordsPerBatch(40)
                .snapshotInterval(4)
                .retainSnapshots(2)
                .open()) {
            q.runUntil(() -> q.committedOffset() == RECORDS);
        }
        faultFree = FileSink.readAll(root.resolve("out"));
        assertThat(faultFree).hasSize(RECORDS / 40);
    }

    static DriverProcess driver(Path root, String id, String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of("root=" + root, "id=" + id, "records=" + RECORDS, "batch=40"));
        args.addAll(List.of(more));
        return DriverProcess.start(StreamingDemoDriver.class, args);
    }

    static void awaitSuccess(DriverProcess d) throws Exception {
        assertThat(d.waitFor(LONG)).as("%s", d).contains(0);
        assertThat(d.output()).as("%s", d).contains("DONE");
    }

    @Test
    void sigkillAtRandomPointsOfABatchThenRestartGivesExactlyTheFaultFreeOutput() throws Exception {
        int seeds = Integer.getInteger("lifeboat.streaming.kill-seeds", 5);
        List<String> killedAt = new ArrayList<>();
        for (int seed = 1; seed <= seeds; seed++) {
            Random random = new Random(seed);
            Path root = shared.resolve("kill-" + seed);
            String lastEvent;
            try (DriverProcess first = driver(root, "first", "delayMs=4")) {
                int events = 1 + random.nextInt(55);
                String line = "";
                for (int i = 0; i < events; i++) {
                    line = first.await("EVENT", LONG).orElseThrow(() -> new AssertionError("no event from " + first));
                }
                Thread.sleep(random.nextInt(8));
                first.kill();
                lastEvent = line;
            }
            killedAt.add("seed " + seed + " after '" + lastEvent + "'");
            try (DriverProcess second = driver(root, "second")) {
                awaitSuccess(second);
            }
            assertThat(FileSink.readAll(root.resolve("out")))
                    .as("seed %d, killed after %s", seed, lastEvent)
                    .isEqualTo(faultFree);
        }
        System.out.println("kill points: " + killedAt);
    }

    @Test
    void everyRecordAcknowledgedByAReceiverBeforeTheKillIsInTheOutputExactlyOnce() throws Exception {
        Path root = shared.resolve("receiver");
        int total = 400;
        long lastAck;
        try (DriverProcess first =
                driver(root, "first", "source=receiver", "records=" + total, "batch=25", "delayMs=3")) {
            String ack = first.await("ACK " + (60 + new Random(7).nextInt(200)), LONG)
                    .orElseThrow(() -> new AssertionError("no ack from " + first));
            first.kill();
            lastAck = first.output().stream()
                    .filter(l -> l.startsWith("ACK "))
                    .mapToLong(l -> Long.parseLong(l.substring(4)))
                    .max()
                    .orElseThrow();
            assertThat(lastAck).isGreaterThanOrEqualTo(Long.parseLong(ack.substring(4)));
        }
        try (DriverProcess second = driver(root, "second", "source=receiver", "records=" + total, "batch=25")) {
            awaitSuccess(second);
            assertThat(second.output())
                    .as("the new receiver resumes after the acknowledged records")
                    .noneMatch(l -> l.equals("ACK " + lastAck));
        }
        SortedMap<String, RunningAggregate> expected = new TreeMap<>();
        for (long i = 0; i < total; i++) {
            String[] kv = StreamingDemoDriver.record(i).split(",", -1);
            expected.merge(
                    kv[0],
                    new RunningAggregate(1, Long.parseLong(kv[1])),
                    (a, b) -> new RunningAggregate(a.count() + b.count(), a.sum() + b.sum()));
        }
        assertThat(finalAggregates(root.resolve("out"))).isEqualTo(expected);
    }

    static SortedMap<String, RunningAggregate> finalAggregates(Path out) throws Exception {
        SortedMap<String, RunningAggregate> last = new TreeMap<>();
        for (List<String> rows : FileSink.readAll(out).values()) {
            for (String row : rows) {
                String[] f = row.split(",", -1);
                last.put(f[0], new RunningAggregate(Long.parseLong(f[1]), Long.parseLong(f[2])));
            }
        }
        return last;
    }

    @Test
    void theStandbyTakesOverASigkilledLeaderWithinTheElectionTimeoutAndTheOutputStaysExactlyOnce() throws Exception {
        Path root = shared.resolve("failover");
        Duration failoverTimeout;
        try (var election = Lifeboat.openLeaderElection(root.resolve("election").toUri(), Map.of())) {
            failoverTimeout = election.failoverTimeout();
        }
        try (DriverProcess leader = driver(root, "leader", "delayMs=10")) {
            assertThat(leader.await("EVENT ELECTED", LONG))
                    .as("%s", leader)
                    .hasValueSatisfying(l -> assertThat(l).endsWith("epoch 1"));
            try (DriverProcess standby = driver(root, "standby")) {
                assertThat(standby.await("EVENT JOINED", LONG))
                        .as("%s", standby)
                        .isPresent();
                assertThat(leader.await("EVENT COMMITTED 3", LONG))
                        .as("%s", leader)
                        .isPresent();
                leader.kill();
                long killed = System.nanoTime();
                assertThat(standby.await("EVENT ELECTED", LONG))
                        .as("%s", standby)
                        .hasValueSatisfying(l -> assertThat(l).endsWith("epoch 2"));
                Duration takeOver = Duration.ofNanos(System.nanoTime() - killed);
                // the election's bound plus slack for two JVMs on a shared, loaded machine
                assertThat(takeOver).isLessThan(failoverTimeout.plusSeconds(3));
                awaitSuccess(standby);
            }
        }
        assertThat(FileSink.readAll(root.resolve("out"))).isEqualTo(faultFree);
        try (CheckpointStore store =
                Lifeboat.openCheckpointStore(root.resolve("checkpoint").toUri(), Map.of())) {
            long lastBatch = RECORDS / 40 - 1;
            assertThat(store.open(CheckpointId.of("commits", lastBatch))
                            .orElseThrow()
                            .info()
                            .epoch())
                    .isEqualTo(2);
            // batches 0..3 were committed with epoch 1; retention has deleted their log entries
            assertThat(store.list("commits"))
                    .allSatisfy(
                            id -> assertThat(store.open(id).orElseThrow().info().epoch())
                                    .isEqualTo(2));
        }
    }

    @Test
    void aLeaderPausedThroughAFailOverAndResumedWritesNothingAndStopsFenced() throws Exception {
        Path root = shared.resolve("paused");
        try (DriverProcess old = driver(root, "old", "delayMs=40")) {
            assertThat(old.await("EVENT OFFSETS 2", LONG)).as("%s", old).isPresent();
            old.signal(true);
            int linesBeforePause = old.output().size();
            // the local election has no lease: a paused leader keeps its lock, so its loss is
            // simulated by breaking the lock, as an expired lease or session would
            Files.delete(root.resolve("election").resolve("leader.lock"));
            try (DriverProcess next = driver(root, "next")) {
                awaitSuccess(next);
            }
            SortedMap<Long, List<String>> sinkBefore = FileSink.readAll(root.resolve("out"));
            List<CheckpointId> checkpointsBefore;
            try (CheckpointStore store =
                    Lifeboat.openCheckpointStore(root.resolve("checkpoint").toUri(), Map.of())) {
                checkpointsBefore = store.list("");
            }
            old.signal(false);
            assertThat(old.waitFor(LONG)).as("%s", old).contains(3);
            assertThat(old.stderr()).contains("fenced");
            assertThat(old.output().subList(linesBeforePause, old.output().size()))
                    .noneMatch(l -> l.startsWith("EVENT SINK")
                            || l.startsWith("EVENT COMMITTED")
                            || l.startsWith("EVENT STATE"));
            assertThat(FileSink.readAll(root.resolve("out")))
                    .isEqualTo(sinkBefore)
                    .isEqualTo(faultFree);
            try (CheckpointStore store =
                    Lifeboat.openCheckpointStore(root.resolve("checkpoint").toUri(), Map.of())) {
                assertThat(store.list("")).isEqualTo(checkpointsBefore);
            }
        }
    }

    @Test
    void theSupervisorRestartsAFailedDriverUpToMaxAttemptsThenGivesUpWithTheLastCause() throws Exception {
        Path once = Files.createDirectories(shared.resolve("fails-once"));
        List<String> log = new ArrayList<>();
        int attempt = DriverSupervisor.run(3, n -> start(FailingDriverMain.class, once, 1), log::add);
        assertThat(attempt).isEqualTo(2);
        Path always = Files.createDirectories(shared.resolve("fails-always"));
        assertThatThrownBy(() -> DriverSupervisor.run(3, n -> start(FailingDriverMain.class, always, 99), log::add))
                .isInstanceOfSatisfying(DriverSupervisor.DriverFailedException.class, e -> {
                    assertThat(e.attempts()).isEqualTo(3);
                    assertThat(e.lastExitCode()).isEqualTo(7);
                })
                .hasMessageContaining("gave up after 3 attempt(s)")
                .hasMessageContaining("boom in attempt 3");
        try (var s = Files.list(always)) {
            assertThat(s.count()).isEqualTo(3);
        }
    }

    private static Process start(Class<?> main, Path dir, int failures) throws java.io.IOException {
        return new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx64m",
                        "-XX:TieredStopAtLevel=1",
                        "-cp",
                        System.getProperty("java.class.path"),
                        main.getName(),
                        dir.toString(),
                        Integer.toString(failures))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
    }
}
