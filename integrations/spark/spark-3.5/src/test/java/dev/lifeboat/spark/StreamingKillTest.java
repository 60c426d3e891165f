package dev.lifeboat.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.spark.SparkLine.Store;
import dev.lifeboat.spark.internal.CheckpointSettings;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A real Structured Streaming query ({@link StreamingDriver}) with its checkpoint on a Lifeboat
 * store: the driver JVM is SIGKILLed at random points and restarted from its checkpoint. The
 * table the sink's updates build must equal that of a run without faults, every batch id must
 * be written once, and a replayed batch must rewrite the very same bytes (the driver checks). And
 * two driver JVMs racing on one checkpoint location: one commits each batch, the other stops.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StreamingKillTest {
    /** One file per batch: enough batches for every kill to land after a further batch. */
    private static final int FILES =
            SparkLine.killStores().stream().mapToInt(SparkLine::kills).max().orElse(0) + 4;
    /** How long one driver run may take: generous, since a loaded 2-core machine starts Spark slowly. */
    private static final long RUN_SECONDS = 600;

    private Path work;
    private Path input;
    private TestServers.S3 s3;
    private TestServers.Hdfs hdfs;
    private Map<String, String> faultFree;

    @BeforeAll
    void start() throws Exception {
        work = Files.createTempDirectory("lifeboat-spark-kill");
        input = Files.createDirectories(work.resolve("input"));
        for (int f = 0; f < FILES; f++) {
            StringBuilder lines = new StringBuilder();
            for (int i = 0; i < 200; i++) {
                long v = f * 1000L + i;
                lines.append("k").append(v % 7).append(',').append(v).append('\n');
            }
            Path file = input.resolve(String.format("part-%03d.txt", f));
            Files.writeString(file, lines);
            // The file source orders files by modification time: one file per batch, in order.
            Files.setLastModifiedTime(file, FileTime.fromMillis(1_700_000_000_000L + f * 1000L));
        }
        // Only the servers of the stores this line's rotation covers (every store under -Psoak).
        List<Store> stores = new ArrayList<>(SparkLine.killStores());
        stores.addAll(SparkLine.raceStores());
        if (stores.contains(Store.S3)) {
            s3 = TestServers.S3.start(Files.createDirectories(work.resolve("s3")));
        }
        if (stores.contains(Store.HDFS)) {
            hdfs = TestServers.Hdfs.start(Files.createDirectories(work.resolve("hdfs")));
        }
        Path out = Files.createDirectories(work.resolve("fault-free-out"));
        Path root = Files.createDirectories(work.resolve("fault-free-checkpoints"));
        Process driver = driver(
                root.resolve("query").toUri().toString(),
                out,
                Map.of(CheckpointSettings.ROOT, root.toUri().toString()),
                work.resolve("fault-free.log"));
        assertThat(driver.waitFor(RUN_SECONDS, TimeUnit.SECONDS))
                .as("the fault-free run ends")
                .isTrue();
        assertThat(driver.exitValue())
                .as("fault-free run; see %s", work.resolve("fault-free.log"))
                .isZero();
        faultFree = outputs(out);
        assertThat(faultFree).as("one output file per input file").hasSize(FILES);
    }

    @AfterAll
    void stop() {
        if (s3 != null) {
            s3.close();
        }
        if (hdfs != null) {
            hdfs.close();
        }
    }

    static List<Store> killStores() {
        return SparkLine.killStores();
    }

    static List<Store> raceStores() {
        return SparkLine.raceStores();
    }

    @ParameterizedTest
    @MethodSource("killStores")
    void killedAndRestartedDriversProduceTheFaultFreeOutput(Store store) throws Exception {
        Map<String, String> conf = new TreeMap<>();
        String location = location(store, "query", conf);
        Path out = Files.createDirectories(work.resolve(store + "-out"));
        long seed = System.nanoTime();
        Random random = new Random(seed);
        int kills = 0;
        int planned = SparkLine.kills(store);
        for (int run = 0; ; run++) {
            Path log = work.resolve(store + "-run-" + run + ".log");
            int done = outputs(out).size();
            Process driver = driver(location, out, conf, log);
            if (kills < planned && done < FILES - 1) {
                // Kill after a random number of further batches reached the sink, a random moment
                // later: between batches, mid-batch, or between a batch's output and its commit.
                // The target leaves a batch for each kill still to come.
                int later = planned - kills - 1;
                int target = done + 1 + random.nextInt(Math.max(1, FILES - 1 - later - done));
                while (driver.isAlive() && outputs(out).size() < target) {
                    Thread.sleep(10);
                }
                Thread.sleep(random.nextInt(300));
                if (driver.isAlive()) {
                    driver.destroyForcibly(); // SIGKILL: no shutdown hook, no cleanup
                    driver.waitFor();
                    kills++;
                    continue;
                }
            }
            assertThat(driver.waitFor(RUN_SECONDS, TimeUnit.SECONDS))
                    .as("run %d ends (seed %d)", run, seed)
                    .isTrue();
            assertThat(driver.exitValue())
                    .as("run %d (seed %d); see %s", run, seed, log)
                    .isZero();
            break;
        }
        Map<String, String> outputs = outputs(out);
        assertThat(batchIds(outputs))
                .as("batch ids written (seed %d)", seed)
                .isEqualTo(IntStream.range(0, outputs.size()).boxed().toList());
        assertThat(table(outputs))
                .as("the sink's table after %d kills (seed %d)", kills, seed)
                .isEqualTo(table(faultFree));
        // A restarted file source may take several files into one batch, so the last planned kills
        // can find the query already done: at least one kill, at most the planned ones.
        assertThat(kills)
                .as("drivers killed of %d planned (seed %d)", planned, seed)
                .isBetween(1, planned);
    }

    /**
     * Two driver JVMs started together on one checkpoint location (a zombie and its successor):
     * exactly one commits each batch, the other stops with Spark's error for a concurrent update
     * of the log (or the FileAlreadyExistsException of another checkpoint file the first wrote),
     * and the sink's table equals the fault-free run's.
     */
    @ParameterizedTest
    @MethodSource("raceStores")
    void twoDriversRacingOnOneCheckpointCommitEachBatchOnce(Store store) throws Exception {
        Map<String, String> conf = new TreeMap<>();
        String location = location(store, "race", conf);
        Path out = Files.createDirectories(work.resolve(store + "-race-out"));
        Path go = work.resolve(store + "-race-go");
        conf.put("driver.go", go.toString());
        // Long enough batches that the later driver meets the earlier one's batches in flight.
        conf.put("driver.batch-delay-ms", "1000");
        List<Path> logs = List.of(work.resolve(store + "-race-a.log"), work.resolve(store + "-race-b.log"));
        List<Process> drivers = new ArrayList<>();
        for (Path log : logs) {
            drivers.add(driver(location, out, conf, log));
        }
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(RUN_SECONDS);
            for (int i = 0; i < 2; i++) {
                while (!Files.readString(logs.get(i)).contains(StreamingDriver.READY)) {
                    assertThat(drivers.get(i).isAlive() && System.nanoTime() < deadline)
                            .as("driver %d comes up; see %s", i, logs.get(i))
                            .isTrue();
                    Thread.sleep(20);
                }
            }
            Files.createFile(go);
            List<Integer> winners = new ArrayList<>();
            List<Integer> committed = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                assertThat(drivers.get(i).waitFor(RUN_SECONDS, TimeUnit.SECONDS))
                        .as("driver %d ends; see %s", i, logs.get(i))
                        .isTrue();
                String log = Files.readString(logs.get(i));
                if (drivers.get(i).exitValue() == 0) {
                    winners.add(i);
                } else {
                    // Spark's error for a log entry the other driver wrote first, or the
                    // FileAlreadyExistsException of another file it wrote first (the state
                    // store's schema file, when both drivers start batch 0 together).
                    assertThat(log)
                            .as("the losing driver's error (%s)", logs.get(i))
                            .containsAnyOf(
                                    "Multiple streaming jobs detected for",
                                    "FileAlreadyExistsException: checkpoint file")
                            .doesNotContain("replayed with different output");
                }
                log.lines()
                        .filter(l -> l.startsWith(StreamingDriver.COMMITTED))
                        .map(l -> Integer.parseInt(l.substring(StreamingDriver.COMMITTED.length())))
                        .forEach(committed::add);
            }
            assertThat(winners).as("drivers that ran to the end; see %s", logs).hasSize(1);
            Map<String, String> outputs = outputs(out);
            committed.sort(null);
            assertThat(committed)
                    .as("batches committed by either driver, each once; see %s", logs)
                    .isEqualTo(IntStream.range(0, outputs.size()).boxed().toList());
            assertThat(table(outputs)).as("the sink's table").isEqualTo(table(faultFree));
        } finally {
            for (Process driver : drivers) {
                driver.destroyForcibly();
            }
        }
    }

    /** The checkpoint location {@code name} on the store, and the store's settings into conf. */
    private String location(Store store, String name, Map<String, String> conf) throws IOException {
        switch (store) {
            case LOCAL -> {
                Path root = Files.createDirectories(work.resolve("local-checkpoints"));
                conf.put(CheckpointSettings.ROOT, root.toUri().toString());
                return root.resolve(name).toUri().toString();
            }
            case S3 -> {
                conf.put(CheckpointSettings.ROOT, "s3a://" + TestServers.S3.BUCKET + "/checkpoints");
                conf.putAll(s3.sparkConf(s3.endpoint));
                return "s3a://" + TestServers.S3.BUCKET + "/checkpoints/" + name;
            }
            case HDFS -> {
                conf.put(CheckpointSettings.ROOT, hdfs.uri + "/checkpoints");
                return hdfs.uri + "/checkpoints/" + name;
            }
            default -> throw new IllegalArgumentException("store " + store);
        }
    }

    private Process driver(String location, Path out, Map<String, String> conf, Path log) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-") || arg.startsWith("-XX:") || arg.startsWith("-D") || arg.startsWith("-Xmx")) {
                command.add(arg);
            }
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(StreamingDriver.class.getName());
        command.add(input.toUri().toString());
        command.add(location);
        command.add(out.toString());
        conf.forEach((k, v) -> command.add(k + "=" + v));
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }

    /**
     * The table the sink's updates build: the last row of each key, in batch order. Batch
     * boundaries may differ from the fault-free run's (a restarted file source may put the files
     * its predecessor had listed but not yet planned into one batch), the table may not.
     */
    private static Map<String, String> table(Map<String, String> outputs) {
        Map<String, String> table = new TreeMap<>();
        for (int id : batchIds(outputs)) {
            for (String row : outputs.get("batch-" + id + ".csv").split("\n", -1)) {
                if (!row.isEmpty()) {
                    table.put(row.substring(0, row.indexOf(',')), row);
                }
            }
        }
        return table;
    }

    private static List<Integer> batchIds(Map<String, String> outputs) {
        List<Integer> ids = new ArrayList<>();
        for (String name : outputs.keySet()) {
            ids.add(Integer.parseInt(name.substring("batch-".length(), name.length() - ".csv".length())));
        }
        ids.sort(null);
        return ids;
    }

    private static Map<String, String> outputs(Path out) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> s = Files.list(out)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String name = p.getFileName().toString();
                if (name.startsWith("batch-")) {
                    files.put(name, Files.readString(p, StandardCharsets.UTF_8));
                }
            }
        }
        return files;
    }
}
