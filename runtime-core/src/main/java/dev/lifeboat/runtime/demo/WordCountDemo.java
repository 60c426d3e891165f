package dev.lifeboat.runtime.demo;

import dev.lifeboat.runtime.Engine;
import dev.lifeboat.runtime.EngineConfig;
import dev.lifeboat.runtime.JobFailedException;
import dev.lifeboat.runtime.Pair;
import dev.lifeboat.runtime.PairDataset;
import dev.lifeboat.runtime.event.RecoveryTimeline;
import dev.lifeboat.runtime.fault.KillMode;
import dev.lifeboat.runtime.fault.Target;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * {@code lifeboat demo}: a word count over generated text on four executors with the embedded
 * local backends, first without faults, then with an executor loss, a lost shuffle output, a task
 * that fails twice and a straggler. It prints how the engine recovered (what failed, what was
 * recomputed, how long it took) and checks that both runs counted the same words.
 *
 * <p>Exit status: 0 if the results are equal, 1 if they differ or the faulty run failed, 2 for bad
 * arguments.
 */
public final class WordCountDemo {
    private static final String USAGE = """
            usage: lifeboat demo [--lines N] [--seed S] [--shuffle-store URI] [--checkpoint-store URI]
                                 [--option key=value]...
              --lines N               lines of generated text (default 20000)
              --seed S                seed of the generated text (default 42)
              --shuffle-store URI     where map outputs go (default: a local temporary directory);
                                      the demo writes under URI/demo-<random>
              --checkpoint-store URI  where checkpoints go (default: a local temporary directory)
              --option key=value      a store option (endpoint, credentials...), given to every
                                      store whose backend accepts the key
            """;
    private static final int EXECUTORS = 4;
    private static final int MAP_PARTITIONS = 8;
    private static final int REDUCE_PARTITIONS = 4;

    private WordCountDemo() {}

    public static void main(String[] args) {
        System.exit(run(System.out, args));
    }

    /** Runs the demo, printing to {@code out}; returns the exit status. */
    public static int run(PrintStream out, String[] args) {
        int lines = 20_000;
        long seed = 42;
        URI shuffle = null;
        URI checkpoints = null;
        Map<String, String> options = new LinkedHashMap<>();
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--lines" -> lines = Integer.parseInt(value(args, ++i));
                    case "--seed" -> seed = Long.parseLong(value(args, ++i));
                    case "--shuffle-store" -> shuffle = uri(value(args, ++i));
                    case "--checkpoint-store" -> checkpoints = uri(value(args, ++i));
                    case "--option", "-o" -> option(options, value(args, ++i));
                    case "--help", "-h" -> {
                        out.print(USAGE);
                        return 0;
                    }
                    default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
                }
            }
            if (lines < 100) {
                throw new IllegalArgumentException("--lines must be at least 100, not " + lines);
            }
            List<Map.Entry<DemoStores.Kind, URI>> stores = new ArrayList<>();
            if (shuffle != null) {
                stores.add(Map.entry(DemoStores.Kind.SHUFFLE, shuffle));
            }
            if (checkpoints != null) {
                stores.add(Map.entry(DemoStores.Kind.CHECKPOINT, checkpoints));
            }
            DemoStores.checkOptions(options, stores);
        } catch (IllegalArgumentException e) {
            out.println("lifeboat demo: " + e.getMessage());
            out.print(USAGE);
            return 2;
        }
        Path work = null;
        try {
            work = Files.createTempDirectory("lifeboat-demo-");
            String run = DemoStores.runName();
            Stores stores = new Stores(
                    shuffle == null ? work.resolve("shuffle").toUri() : DemoStores.child(shuffle, run),
                    shuffle == null ? Map.of() : DemoStores.accepted(DemoStores.Kind.SHUFFLE, shuffle, options),
                    checkpoints == null ? work.resolve("checkpoints").toUri() : DemoStores.child(checkpoints, run),
                    checkpoints == null
                            ? Map.of()
                            : DemoStores.accepted(DemoStores.Kind.CHECKPOINT, checkpoints, options));
            if (shuffle != null) {
                DemoStores.probe(DemoStores.Kind.SHUFFLE, stores.shuffle, stores.shuffleOptions);
            }
            if (checkpoints != null) {
                DemoStores.probe(DemoStores.Kind.CHECKPOINT, stores.checkpoints, stores.checkpointOptions);
            }
            return run(out, work, stores, lines, seed);
        } catch (IOException e) {
            out.println("lifeboat demo: " + e);
            return 1;
        } finally {
            if (work != null) {
                deleteRecursively(work);
            }
        }
    }

    /** Where the demo's jobs keep map outputs and checkpoints: each job under a folder of its own. */
    private record Stores(
            URI shuffle, Map<String, String> shuffleOptions, URI checkpoints, Map<String, String> checkpointOptions) {}

    private static int run(PrintStream out, Path work, Stores stores, int lines, long seed) throws IOException {
        Path input = generateText(work.resolve("input"), lines, seed);
        out.printf(
                Locale.ROOT,
                "Word count over %d generated lines in %s (%d files), %d executors,%n"
                        + "shuffle store %s, checkpoint store %s%n%n",
                lines,
                input,
                MAP_PARTITIONS,
                EXECUTORS,
                stores.shuffle,
                stores.checkpoints);

        out.println("1. Fault-free run");
        long t0 = System.nanoTime();
        Map<String, Integer> expected;
        try (Engine engine =
                Engine.start(config(work.resolve("clean"), stores, "clean").build())) {
            expected = wordCount(engine, input).collectAsMap();
        }
        long cleanMillis = (System.nanoTime() - t0) / 1_000_000;
        out.printf(
                Locale.ROOT,
                "   %d distinct words, %d words, %d ms%n%n",
                expected.size(),
                total(expected),
                cleanMillis);

        out.println("2. The same job with faults injected:");
        out.println("   - executor running map task 5 dies silently (found by heartbeat timeout); "
                + "the map outputs it held are lost with it");
        out.println("   - the output of map task 6 is lost after it is written (reducers fail to fetch it)");
        out.println("   - reduce task 2 fails twice");
        out.println("   - map task 4 straggles for 30 s (speculation launches a copy)");
        out.println();
        RecoveryTimeline timeline = new RecoveryTimeline();
        Map<String, Integer> actual;
        long t1 = System.nanoTime();
        try (Engine engine = Engine.start(
                faultyConfig(work.resolve("faulty"), stores, "faulty").build(), timeline)) {
            engine.faults()
                    .killExecutorDuringTask(Target.stage(0).partition(5), KillMode.SILENT)
                    .dropShuffleOutput(Target.stage(0).partition(6))
                    .failTask(Target.stage(1).partition(2), 2)
                    .slowTask(Target.stage(0).partition(4), Duration.ofSeconds(30));
            PairDataset<String, Integer> counts = wordCount(engine, input);
            out.println("Lineage (stage 0 maps the text, stage 1 reduces by word):");
            out.println(indent(counts.toDebugString()));
            out.println();
            actual = counts.collectAsMap();
        } catch (JobFailedException e) {
            out.print(timeline.render());
            out.println("\nRESULT: the job with faults FAILED: " + e.getMessage());
            return 1;
        }
        long faultyMillis = (System.nanoTime() - t1) / 1_000_000;
        out.print(timeline.render());
        out.printf(Locale.ROOT, "%nTime: fault-free run %d ms, run with faults %d ms%n", cleanMillis, faultyMillis);
        if (actual.equals(expected)) {
            out.printf(
                    Locale.ROOT,
                    "RESULT: identical to the fault-free run (%d distinct words, %d words)%n",
                    actual.size(),
                    total(actual));
            return 0;
        }
        out.println("RESULT: DIFFERENT from the fault-free run: " + difference(expected, actual));
        return 1;
    }

    private static PairDataset<String, Integer> wordCount(Engine engine, Path input) {
        return engine.textFile(input, MAP_PARTITIONS)
                .flatMap(line -> Arrays.asList(line.split(" ")))
                .filter(word -> !word.isEmpty())
                .mapToPair(word -> Pair.of(word, 1))
                .reduceByKey(Integer::sum, REDUCE_PARTITIONS);
    }

    private static EngineConfig.Builder config(Path dir, Stores stores, String job) {
        EngineConfig.Builder b = EngineConfig.builder()
                .set(EngineConfig.APP_NAME, "word-count-demo")
                .set(EngineConfig.EXECUTOR_INSTANCES, EXECUTORS)
                .set(EngineConfig.LOCAL_DIR, dir.resolve("local"))
                .set(EngineConfig.SHUFFLE_STORE, DemoStores.child(stores.shuffle, job))
                .set(EngineConfig.CHECKPOINT_DIR, DemoStores.child(stores.checkpoints, job));
        stores.shuffleOptions.forEach((k, v) -> b.set(EngineConfig.SHUFFLE_STORE_OPTION_PREFIX + k, v));
        stores.checkpointOptions.forEach((k, v) -> b.set(EngineConfig.CHECKPOINT_OPTION_PREFIX + k, v));
        return b;
    }

    /** Losses are noticed within a second; a task is a straggler after two seconds. */
    private static EngineConfig.Builder faultyConfig(Path dir, Stores stores, String job) {
        return config(dir, stores, job)
                .set(EngineConfig.HEARTBEAT_INTERVAL, "100ms")
                .set(EngineConfig.NETWORK_TIMEOUT, "1s")
                .set(EngineConfig.SPECULATION, true)
                .set(EngineConfig.SPECULATION_INTERVAL, "50ms")
                .set(EngineConfig.SPECULATION_MIN_TASK_RUNTIME, "2s");
    }

    /** Lines of 4 to 12 words drawn from a skewed vocabulary, in one file per map partition. */
    private static Path generateText(Path dir, int lines, long seed) throws IOException {
        Files.createDirectories(dir);
        Random random = new Random(seed);
        String[] vocabulary = new String[400];
        for (int i = 0; i < vocabulary.length; i++) {
            vocabulary[i] = word(random, i);
        }
        for (int f = 0; f < MAP_PARTITIONS; f++) {
            List<String> text = new ArrayList<>();
            for (int l = f; l < lines; l += MAP_PARTITIONS) {
                int n = 4 + random.nextInt(9);
                StringBuilder line = new StringBuilder();
                for (int w = 0; w < n; w++) {
                    double u = random.nextDouble();
                    line.append(w == 0 ? "" : " ").append(vocabulary[(int) (vocabulary.length * u * u * u)]);
                }
                text.add(line.toString());
            }
            Files.write(dir.resolve(String.format(Locale.ROOT, "part-%d.txt", f)), text, StandardCharsets.UTF_8);
        }
        return dir;
    }

    private static String word(Random random, int i) {
        String letters = "etaoinshrdlucmfwypvbgkqjxz";
        StringBuilder w = new StringBuilder();
        int length = 2 + random.nextInt(7);
        for (int c = 0; c < length; c++) {
            w.append(letters.charAt((int) (letters.length() * Math.pow(random.nextDouble(), 2))));
        }
        return w.append(i).toString();
    }

    private static long total(Map<String, Integer> counts) {
        return counts.values().stream().mapToLong(Integer::longValue).sum();
    }

    private static String difference(Map<String, Integer> expected, Map<String, Integer> actual) {
        Map<String, String> diff = new TreeMap<>();
        expected.forEach((w, n) -> {
            if (!n.equals(actual.get(w))) {
                diff.put(w, n + " expected, " + actual.get(w) + " counted");
            }
        });
        actual.keySet().stream().filter(w -> !expected.containsKey(w)).forEach(w -> diff.put(w, "unexpected word"));
        return diff.size() + " words differ, e.g. "
                + diff.entrySet().stream().limit(5).toList();
    }

    private static String indent(String text) {
        return "   " + text.replace("\n", "\n   ");
    }

    static URI uri(String s) {
        if (s.matches("[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
            return URI.create(s);
        }
        return Path.of(s).toAbsolutePath().normalize().toUri();
    }

    static void option(Map<String, String> options, String kv) {
        int eq = kv.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("option '" + kv + "' is not key=value");
        }
        options.put(kv.substring(0, eq), kv.substring(eq + 1));
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(args[i - 1] + " needs a value");
        }
        return args[i];
    }

    private static void deleteRecursively(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot remove " + root, e);
        }
    }
}
