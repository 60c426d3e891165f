package dev.lifeboat.spark.example;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code ./lifeboat spark-example}: writes input files, starts {@link ExampleQuery} in its own
 * JVM, SIGKILLs that driver once two batches have reached the sink, restarts it from its
 * checkpoint on the local Lifeboat store, and checks exactly-once: the restarted driver resumed
 * from its checkpoint, every batch id is written once, and the sink's final row per key equals
 * the count and sum computed straight from the input.
 *
 * <p>Argument: the working folder (emptied first). Exit status 0 when the check passes.
 */
public final class Example {
    private static final int FILES = 8;
    private static final int LINES = 500;

    private Example() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            throw new IllegalArgumentException("argument: the working folder");
        }
        Path work = Path.of(args[0]).toAbsolutePath();
        delete(work);
        Path input = Files.createDirectories(work.resolve("input"));
        Path checkpoint = Files.createDirectories(work.resolve("checkpoint"));
        Path output = Files.createDirectories(work.resolve("output"));
        Map<String, long[]> expected = writeInput(input);
        System.out.printf(
                "example: %d input files in %s, checkpoint on the local Lifeboat store in %s%n",
                FILES, input, checkpoint);

        Process first = start(input, checkpoint, output, work.resolve("driver-1.log"));
        while (first.isAlive() && written(output) < 2) {
            Thread.sleep(20);
        }
        if (!first.isAlive()) {
            System.out.println("example: the first driver ended before the kill; see " + work.resolve("driver-1.log"));
            System.exit(1);
        }
        first.destroyForcibly(); // SIGKILL: no shutdown hook, no cleanup
        first.waitFor();
        System.out.printf(
                "example: driver SIGKILLed after %d of %d batches reached the sink%n", written(output), FILES);

        Process second = start(input, checkpoint, output, work.resolve("driver-2.log"));
        if (!second.waitFor(10, TimeUnit.MINUTES) || second.exitValue() != 0) {
            System.out.println("example: the restarted driver failed; see " + work.resolve("driver-2.log"));
            System.exit(1);
        }
        // The restarted driver must resume from its checkpoint, not start over from batch 0 (which
        // would also produce the right totals, with nothing recovered).
        int resumed = Files.readAllLines(work.resolve("driver-2.log"), StandardCharsets.UTF_8).stream()
                .filter(l -> l.startsWith(ExampleQuery.WRITTEN))
                .mapToInt(l -> Integer.parseInt(l.substring(ExampleQuery.WRITTEN.length(), l.indexOf(" written"))))
                .min()
                .orElse(-1);
        System.out.println("example: driver restarted from its checkpoint at batch " + resumed + " and finished");

        List<String> problems = check(output, expected);
        if (resumed <= 0) {
            problems.add("the restarted driver did not resume from its checkpoint (first batch " + resumed + ")");
        }
        if (problems.isEmpty()) {
            System.out.printf(
                    "example: exactly once: %d batches, each written once; %d keys, every count and sum"
                            + " equals the input's (%d records)%n",
                    written(output), expected.size(), FILES * LINES);
            System.out.println("example: output in " + output);
        } else {
            problems.forEach(p -> System.out.println("example: NOT exactly once: " + p));
            System.exit(1);
        }
    }

    /** Input lines {@code kN,value}; returns each key's count and sum. */
    private static Map<String, long[]> writeInput(Path input) throws IOException {
        Map<String, long[]> expected = new TreeMap<>();
        for (int f = 0; f < FILES; f++) {
            StringBuilder lines = new StringBuilder();
            for (int i = 0; i < LINES; i++) {
                long v = f * 10_000L + i;
                String key = "k" + (v % 11);
                lines.append(key).append(',').append(v).append('\n');
                long[] e = expected.computeIfAbsent(key, k -> new long[2]);
                e[0]++;
                e[1] += v;
            }
            Path file = input.resolve(String.format("part-%03d.txt", f));
            Files.writeString(file, lines);
            // The file source takes files in modification-time order: one file per batch, in order.
            Files.setLastModifiedTime(file, FileTime.fromMillis(1_700_000_000_000L + f * 1000L));
        }
        return expected;
    }

    private static List<String> check(Path output, Map<String, long[]> expected) throws IOException {
        List<String> problems = new ArrayList<>();
        Map<Integer, Path> batches = batches(output);
        int next = 0;
        for (int id : batches.keySet()) {
            if (id != next++) {
                problems.add("batch ids are not 0.." + (batches.size() - 1) + ": " + batches.keySet());
                break;
            }
        }
        // The sink receives the updated rows of each batch: the last row of a key is its total.
        Map<String, String> last = new TreeMap<>();
        for (Path batch : batches.values()) {
            for (String row : Files.readAllLines(batch, StandardCharsets.UTF_8)) {
                if (!row.isEmpty()) {
                    last.put(row.substring(0, row.indexOf(',')), row);
                }
            }
        }
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            String want = e.getKey() + "," + e.getValue()[0] + "," + e.getValue()[1];
            String got = last.get(e.getKey());
            if (!want.equals(got)) {
                problems.add("key " + e.getKey() + ": expected " + want + ", the sink has " + got);
            }
        }
        if (!last.keySet().equals(expected.keySet())) {
            problems.add("keys in the sink " + last.keySet() + ", in the input " + expected.keySet());
        }
        return problems;
    }

    private static Process start(Path input, Path checkpoint, Path output, Path log) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-") || arg.startsWith("-XX:") || arg.startsWith("-D") || arg.startsWith("-Xmx")) {
                command.add(arg);
            }
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(ExampleQuery.class.getName());
        command.add(input.toString());
        command.add(checkpoint.toString());
        command.add(output.toString());
        System.out.println("example: starting the driver (log: " + log + ")");
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }

    private static int written(Path output) throws IOException {
        return batches(output).size();
    }

    private static Map<Integer, Path> batches(Path output) throws IOException {
        Map<Integer, Path> batches = new TreeMap<>();
        try (Stream<Path> files = Files.list(output)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                String name = p.getFileName().toString();
                if (name.startsWith("batch-") && name.endsWith(".csv")) {
                    batches.put(Integer.parseInt(name.substring(6, name.length() - 4)), p);
                }
            }
        }
        return batches;
    }

    private static void delete(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
