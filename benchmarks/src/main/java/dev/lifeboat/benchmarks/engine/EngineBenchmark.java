package dev.lifeboat.benchmarks.engine;

import dev.lifeboat.benchmarks.BenchSupport;
import dev.lifeboat.benchmarks.servers.BackendFixture;
import dev.lifeboat.runtime.Engine;
import dev.lifeboat.runtime.EngineConfig;
import dev.lifeboat.runtime.Pair;
import dev.lifeboat.runtime.fault.KillMode;
import dev.lifeboat.runtime.fault.Target;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The runtime-core word count (the job of {@code lifeboat demo}: text in 8 partitions, 4
 * executors, {@code reduceByKey} into 4 partitions) without faults, and with one executor lost
 * while it runs map task 5 ({@link KillMode#REPORTED}: the driver hears of it at once, so the
 * time is recovery, not failure detection). The ratio of the two is the recovery overhead. The
 * shuffle store is a {@code shuffle} backend; blocks on {@code hadoop}, {@code s3} and {@code azure} outlive the
 * executor, so less is recomputed there. One op = one job; every result is checked against a
 * count made without the engine.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(
        value = 1,
        jvmArgsAppend = {
            BenchSupport.FLAG_REFLECT,
            BenchSupport.FLAG_NIO,
            BenchSupport.FLAG_REF,
            BenchSupport.FLAG_ANALYTICS,
            BenchSupport.FLAG_HEAP
        })
public class EngineBenchmark {
    static final int EXECUTORS = 4;
    static final int MAP_PARTITIONS = 8;
    static final int REDUCE_PARTITIONS = 4;

    /** Generated text and its word count, once per trial; an engine per shot. */
    @State(Scope.Benchmark)
    public static class Job {
        /** Where map outputs go: local, hadoop, s3 or azure. */
        @Param({"local", "hadoop", "s3", "azure"})
        public String shuffle;

        @Param({"200000"})
        public int lines;

        BackendFixture fixture;
        Path work;
        Path input;
        Map<String, Integer> expected;
        Engine engine;
        Map<String, Integer> result;
        int runs;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            fixture = BackendFixture.start(shuffle);
            try {
                work = BenchSupport.freshDir("engine");
                input = Files.createDirectories(work.resolve("input"));
                expected = generateText(input, lines);
            } catch (IOException | RuntimeException e) {
                fixture.closeAfter(e);
                throw e;
            }
        }

        @Setup(Level.Invocation)
        public void startEngine() throws IOException {
            int run = runs++;
            Path local = work.resolve("run-" + run);
            EngineConfig.Builder config = EngineConfig.builder()
                    .set(EngineConfig.APP_NAME, "bench-word-count")
                    .set(EngineConfig.EXECUTOR_INSTANCES, EXECUTORS)
                    .set(EngineConfig.LOCAL_DIR, local.resolve("local"))
                    .set(EngineConfig.SHUFFLE_STORE, fixture.uri("shuffle"))
                    .set(
                            EngineConfig.CHECKPOINT_DIR,
                            local.resolve("checkpoints").toUri());
            fixture.options().forEach((k, v) -> config.set(EngineConfig.SHUFFLE_STORE_OPTION_PREFIX + k, v));
            engine = Engine.start(config.build());
            result = null;
        }

        @TearDown(Level.Invocation)
        public void checkAndStop() throws IOException {
            try {
                engine.close();
            } finally {
                BenchSupport.deleteRecursively(work.resolve("run-" + (runs - 1)));
            }
            if (!expected.equals(result)) {
                throw new IllegalStateException("the word count differs from the expected one: "
                        + (result == null ? "no result" : result.size() + " words instead of " + expected.size()));
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            try {
                fixture.close();
            } finally {
                BenchSupport.deleteRecursively(work);
            }
        }

        void run() {
            result = engine.textFile(input, MAP_PARTITIONS)
                    .flatMap(line -> Arrays.asList(line.split(" ")))
                    .filter(word -> !word.isEmpty())
                    .mapToPair(word -> Pair.of(word, 1))
                    .reduceByKey(Integer::sum, REDUCE_PARTITIONS)
                    .collectAsMap();
        }
    }

    @Benchmark
    public Map<String, Integer> wordCount(Job job) {
        job.run();
        return job.result;
    }

    @Benchmark
    public Map<String, Integer> wordCountWithExecutorLoss(Job job) {
        job.engine.faults().killExecutorDuringTask(Target.stage(0).partition(5), KillMode.REPORTED);
        job.run();
        if (job.engine.faults().injected().isEmpty()) {
            throw new IllegalStateException("the executor loss was not injected: the shot measured a clean run");
        }
        return job.result;
    }

    /**
     * Lines of 4 to 12 words from a skewed vocabulary of 400, one file per map partition, as in
     * the demo; returns the word count.
     */
    static Map<String, Integer> generateText(Path dir, int lines) {
        Random random = new Random(42);
        String[] vocabulary = new String[400];
        for (int i = 0; i < vocabulary.length; i++) {
            vocabulary[i] = "w" + Integer.toString(random.nextInt(1 << 20), 36) + i;
        }
        Map<String, Integer> counts = new HashMap<>();
        for (int f = 0; f < MAP_PARTITIONS; f++) {
            List<String> text = new ArrayList<>();
            for (int l = f; l < lines; l += MAP_PARTITIONS) {
                int n = 4 + random.nextInt(9);
                StringBuilder line = new StringBuilder();
                for (int w = 0; w < n; w++) {
                    double u = random.nextDouble();
                    String word = vocabulary[(int) (vocabulary.length * u * u * u)];
                    line.append(w == 0 ? "" : " ").append(word);
                    counts.merge(word, 1, Integer::sum);
                }
                text.add(line.toString());
            }
            try {
                Files.write(dir.resolve(String.format(Locale.ROOT, "part-%d.txt", f)), text, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return Map.copyOf(counts);
    }
}
