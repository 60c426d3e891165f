package dev.lifeboat.benchmarks.runner;

import dev.lifeboat.benchmarks.BenchSupport;
import dev.lifeboat.benchmarks.report.Machine;
import dev.lifeboat.benchmarks.report.Query;
import dev.lifeboat.benchmarks.report.ReportGenerator;
import dev.lifeboat.benchmarks.report.RunData;
import dev.lifeboat.benchmarks.report.Target;
import dev.lifeboat.benchmarks.report.Targets;
import dev.lifeboat.benchmarks.runner.Run.Jar;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code ./lifeboat bench [--full]}: runs a {@link Profile} (each run a JMH invocation in a JVM
 * of its own, from the main or the Spark jar), records what the run was and ran on, profiles the
 * subject of every missed target with JMH's stack profiler, and writes the report.
 *
 * <pre>
 * java -cp benchmarks.jar dev.lifeboat.benchmarks.runner.Bench --profile quick|full
 *     --results DIR --report FILE.md [--spark-jar FILE] [--bench-dir DIR] [--command TEXT]
 *     [--only REGEX] [--no-profiling] [--dry-run]
 * </pre>
 *
 * <p>{@code --only} re-runs the runs whose names match and keeps the other results of the
 * directory; without it the directory's old results are deleted first. Exit status: 0 if every run
 * succeeded, 1 if one failed (the report is still written from what succeeded), 2 for bad
 * arguments.
 */
public final class Bench {
    private static final String USAGE = """
            usage: Bench --profile quick|full --results DIR --report FILE.md [--spark-jar FILE]
                         [--bench-dir DIR] [--command TEXT] [--only REGEX] [--no-profiling] [--dry-run]
            """;
    /** Stack profiler settings: two frames deep, the ten most frequent. */
    static final String STACK_PROFILER = "stack:lines=2;top=10";

    private final PrintStream out;
    private final Path mainJar;
    private final Path sparkJar;
    private final Path results;
    private final Path benchDir;

    private Bench(PrintStream out, Path mainJar, Path sparkJar, Path results, Path benchDir) {
        this.out = out;
        this.mainJar = mainJar;
        this.sparkJar = sparkJar;
        this.results = results;
        this.benchDir = benchDir;
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        System.exit(run(System.out, args));
    }

    static int run(PrintStream out, String[] args) throws IOException, InterruptedException {
        String profileName = null;
        Path results = null;
        Path report = null;
        Path sparkJar = null;
        Path benchDir = null;
        String command = null;
        String only = null;
        boolean profiling = true;
        boolean dryRun = false;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--profile" -> profileName = value(args, ++i);
                    case "--results" -> results = Path.of(value(args, ++i));
                    case "--report" -> report = Path.of(value(args, ++i));
                    case "--spark-jar" -> sparkJar = Path.of(value(args, ++i));
                    case "--bench-dir" -> benchDir = Path.of(value(args, ++i));
                    case "--command" -> command = value(args, ++i);
                    case "--only" -> only = value(args, ++i);
                    case "--no-profiling" -> profiling = false;
                    case "--dry-run" -> dryRun = true;
                    case "--help", "-h" -> {
                        out.print(USAGE);
                        return 0;
                    }
                    default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
                }
            }
            if (profileName == null || results == null || report == null) {
                throw new IllegalArgumentException("--profile, --results and --report are required");
            }
        } catch (IllegalArgumentException e) {
            out.println("bench: " + e.getMessage());
            out.print(USAGE);
            return 2;
        }
        Profile profile = Profile.named(profileName);
        if (only != null) {
            profile = profile.only(only);
            if (profile.runs().isEmpty()) {
                out.println("bench: no run of profile " + profileName + " matches --only " + only);
                return 2;
            }
        }
        boolean needsSpark = profile.runs().stream().anyMatch(r -> r.jar() == Jar.SPARK);
        if (needsSpark && (sparkJar == null || !Files.isRegularFile(sparkJar))) {
            out.println("bench: the Spark jar " + sparkJar + " is missing: its runs are left out");
            profile = new Profile(
                    profile.name(),
                    profile.runs().stream().filter(r -> r.jar() != Jar.SPARK).toList());
        }
        Plan plan = Plan.of(profile, sparkJar);
        plan.print(out);
        if (dryRun) {
            return 0;
        }
        Path dir = benchDir != null
                ? benchDir
                : results.toAbsolutePath().getParent().resolve("bench-data");
        Bench bench = new Bench(out, ownJar(), sparkJar, results, dir);
        return bench.execute(
                plan,
                only == null,
                profiling,
                report,
                command != null ? command : "./lifeboat bench" + (profileName.equals("full") ? " --full" : ""));
    }

    private int execute(Plan plan, boolean fresh, boolean profiling, Path report, String command)
            throws IOException, InterruptedException {
        Files.createDirectories(results);
        if (fresh) {
            clean(results);
        }
        Files.createDirectories(benchDir);
        Map<String, String> meta = new LinkedHashMap<>();
        if (!fresh && Files.isRegularFile(results.resolve(RunData.META))) {
            meta.putAll(RunData.load(List.of(results)).meta());
        }
        meta.put("profile", plan.profile().name());
        meta.put("command", command);
        Instant started = Instant.now();
        meta.put("started", now());
        Machine.describe(benchDir).forEach((k, v) -> meta.put("machine." + k, v));
        meta.put("machine.load average", Machine.loadAverage() + " (at start)");
        RunData.writeMeta(results, meta);

        List<String> failed = new ArrayList<>();
        int done = 0;
        for (Plan.Step step : plan.steps()) {
            Run run = step.run();
            out.printf(
                    "%n=== [%d/%d] %s: %d forks, about %s%n",
                    ++done, plan.steps().size(), run.name(), step.forks(), Plan.minutes(step.estimate()));
            Path json = results.resolve(run.name() + ".json");
            Files.deleteIfExists(json);
            int exit = jmh(run.jar(), run.jmhArguments(json.toString()));
            if (exit != 0 || !Files.isRegularFile(json) || Files.size(json) == 0) {
                failed.add(run.name());
                Files.deleteIfExists(json);
                out.println("=== run " + run.name() + " FAILED (exit " + exit + "); going on with the others");
            }
        }
        if (!fresh && meta.containsKey("failed") && !meta.get("failed").isBlank()) {
            for (String f : meta.get("failed").split(",\\s*", -1)) {
                if (!failed.contains(f)
                        && plan.steps().stream().noneMatch(s -> s.run().name().equals(f))) {
                    failed.add(f);
                }
            }
        }
        meta.put("finished", now());
        meta.put(
                "elapsed",
                Plan.minutes(Duration.between(started, Instant.now())) + " (measurements, before profiling)");
        meta.put("load average at end", Machine.loadAverage());
        meta.put("failed", String.join(", ", failed));
        RunData.writeMeta(results, meta);

        if (!hasResults()) {
            out.println("bench: no run produced results; no report");
            return 1;
        }
        if (profiling) {
            profileMissed();
        }
        RunData data = RunData.load(List.of(results));
        ReportGenerator.write(report, data);
        out.println();
        out.println("bench: " + plan.profile().name() + " profile done in " + meta.get("elapsed") + "; report: "
                + report + (failed.isEmpty() ? "" : "; FAILED runs: " + failed));
        return failed.isEmpty() ? 0 : 1;
    }

    /** Runs the subject of every missed target once more with the stack profiler, output to profiles/. */
    private void profileMissed() throws IOException, InterruptedException {
        RunData data = RunData.load(List.of(results));
        Path profiles = Files.createDirectories(results.resolve(RunData.PROFILES));
        for (Target t : Targets.all()) {
            if (t.verdict(data.results()) != Target.Verdict.MISSED) {
                continue;
            }
            Query subject = t.subject();
            if (subject.spark() && (sparkJar == null || !Files.isRegularFile(sparkJar))) {
                continue;
            }
            out.printf("%n=== profiling missed target %s: %s%n", t.id(), subject);
            List<String> args = new ArrayList<>(subject.jmhArguments());
            boolean singleShot = subject.benchmark().startsWith("WalReplayBenchmark.")
                    || subject.benchmark().startsWith("CheckpointBenchmark.");
            args.addAll(
                    singleShot
                            ? List.of("-f", "1", "-wi", "1", "-i", "3")
                            : List.of("-f", "1", "-wi", "1", "-w", "1s", "-i", "1", "-r", "4s"));
            if (subject.benchmark().startsWith("WalReplayBenchmark.")) {
                args.addAll(List.of("-p", "logMiB=256"));
            }
            Path txt = profiles.resolve(t.id() + ".txt");
            args.addAll(List.of("-prof", STACK_PROFILER, "-o", txt.toString()));
            if (jmh(subject.spark() ? Jar.SPARK : Jar.MAIN, args) != 0) {
                out.println("=== profiling " + t.id() + " failed; the report will say so");
                Files.deleteIfExists(txt);
            }
        }
    }

    /** Runs JMH from {@code jar} in a JVM of its own, its output on ours; returns its exit status. */
    private int jmh(Jar jar, List<String> jmhArgs) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx512m");
        cmd.add("-cp");
        cmd.add((jar == Jar.MAIN ? mainJar : sparkJar).toString());
        cmd.add("org.openjdk.jmh.Main");
        cmd.addAll(jmhArgs);
        // Every fork writes below one directory: the disk the raw baselines measure.
        cmd.addAll(
                List.of("-jvmArgsPrepend", "-D" + BenchSupport.BENCH_DIR_PROPERTY + "=" + benchDir.toAbsolutePath()));
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        try {
            return p.waitFor();
        } catch (InterruptedException e) {
            p.destroy();
            throw e;
        }
    }

    private boolean hasResults() throws IOException {
        try (Stream<Path> s = Files.list(results)) {
            return s.anyMatch(p -> p.getFileName().toString().endsWith(".json"));
        }
    }

    /** Deletes what an earlier run left in the results directory (its JSON, meta and profiles) and nothing else. */
    private static void clean(Path results) throws IOException {
        try (Stream<Path> s = Files.list(results)) {
            for (Path p : s.toList()) {
                String name = p.getFileName().toString();
                if (name.endsWith(".json") || name.equals(RunData.META)) {
                    Files.delete(p);
                }
            }
        }
        BenchSupport.deleteRecursively(results.resolve(RunData.PROFILES));
    }

    private static Path ownJar() {
        try {
            return Path.of(Bench.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot tell which jar Bench was loaded from", e);
        }
    }

    private static String now() {
        return ZonedDateTime.now(ZoneId.systemDefault())
                .truncatedTo(ChronoUnit.SECONDS)
                .format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(args[i - 1] + " needs a value");
        }
        return args[i];
    }
}
