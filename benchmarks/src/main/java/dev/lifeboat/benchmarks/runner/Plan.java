package dev.lifeboat.benchmarks.runner;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.benchmarks.runner.Run.Jar;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.BenchmarkListEntry;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * A profile resolved against the benchmarks that exist: how many forks each run makes (one per
 * matching method and parameter combination, as JMH does) and about how long it takes.
 */
public final class Plan {
    /** Estimated start of the JMH launcher JVM of a run. */
    static final Duration LAUNCHER = Duration.ofSeconds(2);

    private static final String LIST = "META-INF/BenchmarkList";

    private final Profile profile;
    private final List<Step> steps;

    /** One run and what it costs. */
    public record Step(Run run, int forks, Duration estimate) {}

    private Plan(Profile profile, List<Step> steps) {
        this.profile = profile;
        this.steps = List.copyOf(steps);
    }

    /**
     * Resolves {@code profile} against the benchmark lists of the main jar (the class path) and,
     * if it exists, the Spark jar.
     *
     * @throws IllegalStateException if a run matches no benchmark, or the Spark jar is needed and absent
     */
    public static Plan of(Profile profile, Path sparkJar) {
        requireNonNull(profile, "profile is null");
        List<BenchmarkListEntry> main = List.copyOf(BenchmarkList.defaultList()
                .getAll(OutputFormatFactory.createFormatInstance(System.err, VerboseMode.SILENT), List.of()));
        List<BenchmarkListEntry> spark = null;
        List<Step> steps = new ArrayList<>();
        for (Run run : profile.runs()) {
            List<BenchmarkListEntry> entries;
            if (run.jar() == Jar.MAIN) {
                entries = main;
            } else {
                if (spark == null) {
                    spark = read(sparkJar);
                }
                entries = spark;
            }
            int forks = forks(run, entries);
            if (forks == 0) {
                throw new IllegalStateException("run " + run.name() + " matches no benchmark: " + run.include());
            }
            steps.add(new Step(run, forks, LAUNCHER.plus(run.forkTime().multipliedBy(forks))));
        }
        return new Plan(profile, steps);
    }

    public Profile profile() {
        return profile;
    }

    public List<Step> steps() {
        return steps;
    }

    public int forks() {
        return steps.stream().mapToInt(Step::forks).sum();
    }

    public Duration estimate() {
        return steps.stream().map(Step::estimate).reduce(Duration.ZERO, Duration::plus);
    }

    /** Prints one line per run and the totals. */
    public void print(PrintStream out) {
        out.printf(
                Locale.ROOT,
                "Profile %s: %d runs, %d forks, about %s%n",
                profile.name(),
                steps.size(),
                forks(),
                minutes(estimate()));
        for (Step s : steps) {
            out.printf(
                    Locale.ROOT,
                    "  %-18s %3d forks  ~%-8s %s %s%n",
                    s.run().name(),
                    s.forks(),
                    minutes(s.estimate()),
                    s.run().include(),
                    s.run().params());
        }
    }

    static String minutes(Duration d) {
        long s = d.toSeconds();
        return s < 60 ? s + " s" : String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
    }

    /**
     * Forks of {@code run} over {@code entries}: per matching method, the product of its
     * parameters' value counts.
     *
     * @throws IllegalStateException if the run gives a named parameter (one whose declared values
     *     are not numbers, such as {@code backend}) a value its benchmark does not declare: a
     *     backend that does not serve the suite's contract, say. Benchmarks declare every name they
     *     support in {@code @Param}; sizes are free.
     */
    static int forks(Run run, List<BenchmarkListEntry> entries) {
        Pattern include = Pattern.compile(run.include());
        int forks = 0;
        for (BenchmarkListEntry e : entries) {
            if (!include.matcher(e.getUsername()).find()) {
                continue;
            }
            int combinations = 1;
            if (e.getParams().hasValue()) {
                for (Map.Entry<String, String[]> p : e.getParams().get().entrySet()) {
                    List<String> given = run.params().get(p.getKey());
                    List<String> declared = List.of(p.getValue());
                    if (given != null && !declared.stream().allMatch(v -> v.matches("-?\\d+"))) {
                        for (String v : given) {
                            if (!declared.contains(v)) {
                                throw new IllegalStateException("run " + run.name() + " gives " + e.getUsername() + " "
                                        + p.getKey() + "=" + v + ", which it does not declare: " + declared);
                            }
                        }
                    }
                    combinations *= given != null ? given.size() : p.getValue().length;
                }
            }
            forks += combinations;
        }
        return forks;
    }

    private static List<BenchmarkListEntry> read(Path jar) {
        if (jar == null || !Files.isRegularFile(jar)) {
            throw new IllegalStateException("the Spark benchmarks jar " + jar + " does not exist: build it with"
                    + " mvn -pl benchmarks/spark-peer package, or leave the spark run out (--only)");
        }
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            ZipEntry list = zip.getEntry(LIST);
            if (list == null) {
                throw new IllegalStateException(jar + " holds no " + LIST + ": not a JMH benchmarks jar");
            }
            try (InputStream in = zip.getInputStream(list)) {
                return BenchmarkList.readBenchmarkList(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + jar, e);
        }
    }
}
