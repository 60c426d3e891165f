package dev.lifeboat.benchmarks.report;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Turns JMH JSON results into {@code docs/benchmarks.md} with SVG charts: throughput tables,
 * latency percentiles, and every target of the project as a ratio against a baseline measured
 * in the same run.
 *
 * <pre>
 * java -cp benchmarks.jar dev.lifeboat.benchmarks.report.ReportGenerator \
 *     --out docs/benchmarks.md --command "./lifeboat bench --full" results.json [more.json...]
 * </pre>
 */
public final class ReportGenerator {
    private final List<Result> results;
    private final Map<String, String> charts = new LinkedHashMap<>();

    ReportGenerator(List<Result> results) {
        this.results = results;
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of("docs/benchmarks.md");
        String command = "./lifeboat bench";
        String profile = "quick";
        List<Result> results = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out" -> out = Path.of(args[++i]);
                case "--command" -> command = args[++i];
                case "--profile" -> profile = args[++i];
                default -> results.addAll(Result.read(Files.readString(Path.of(args[i]))));
            }
        }
        if (results.isEmpty()) {
            throw new IllegalArgumentException("no results: pass one or more JMH JSON files");
        }
        ReportGenerator g = new ReportGenerator(results);
        String markdown = g.markdown(command, profile, out.getParent() == null ? Path.of(".") : out.getParent());
        Path svgDir = (out.getParent() == null ? Path.of(".") : out.getParent()).resolve("benchmarks");
        Files.createDirectories(svgDir);
        for (var chart : g.charts.entrySet()) {
            Files.writeString(svgDir.resolve(chart.getKey()), chart.getValue(), StandardCharsets.UTF_8);
        }
        Files.writeString(out, markdown, StandardCharsets.UTF_8);
        System.out.println("wrote " + out + " and " + g.charts.size() + " charts in " + svgDir);
    }

    String markdown(String command, String profile, Path docsDir) throws IOException {
        StringBuilder md = new StringBuilder();
        md.append("# Benchmarks\n\n");
        md.append("Every figure below is a ratio against a baseline measured **in the same run on the same disk**; ")
                .append("absolute numbers are given for context only. The machine is shared and noisy, so read ")
                .append("the error columns. Emulated servers (MiniDFSCluster, S3Proxy, TestingServer) measure the ")
                .append("client path, not the cloud.\n\n");
        md.append("| | |\n|---|---|\n");
        md.append("| date | ").append(LocalDate.now()).append(" |\n");
        md.append("| profile | ").append(profile).append(" |\n");
        md.append("| command | `").append(command).append("` |\n");
        md.append("| JDK | ").append(System.getProperty("java.vm.name")).append(' ')
                .append(System.getProperty("java.version")).append(" |\n");
        md.append("| cores | ").append(Runtime.getRuntime().availableProcessors()).append(" |\n");
        md.append("| OS | ").append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.version"))
                .append(" |\n");
        md.append("| disk | ").append(disk()).append(" |\n");
        md.append("| JVM args | `").append(String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()))
                .append("` |\n\n");

        md.append(targets());
        md.append(walThroughput());
        md.append(latency());
        md.append(others());
        return md.toString();
    }

    // ---------------------------------------------------------------- targets

    private record Target(String name, String goal, Optional<Double> ratio, boolean higherIsBetter, double bound,
            String basis) {
        String verdict() {
            if (ratio.isEmpty()) {
                return "not measured";
            }
            boolean met = higherIsBetter ? ratio.get() >= bound : ratio.get() <= bound;
            return met ? "met" : "**missed**";
        }
    }

    private String targets() {
        List<Target> t = new ArrayList<>();
        for (String size : List.of("100", "1024", "65536")) {
            t.add(new Target("Local WAL sync, 1 writer, " + size + " B", ">= 0.9 x raw force per record",
                    ratio(find("WalAppendBenchmark.writers1", "backend", "local", "durability", "sync", "recordBytes", size),
                            find("RawDiskBenchmark.forcePerRecord", "recordBytes", size)),
                    true, 0.9, "records/s vs raw write+force(false) per record"));
        }
        t.add(new Target("Local WAL sync, 16 writers vs 1, 1 KiB", ">= 10 x", ratio(
                find("WalAppendBenchmark.writers16", "backend", "local", "durability", "sync", "recordBytes", "1024"),
                find("WalAppendBenchmark.writers1", "backend", "local", "durability", "sync", "recordBytes", "1024")),
                true, 10, "group commit: records/s with 16 writers over 1 writer"));
        t.add(new Target("Local WAL sync, 64 KiB, 16 writers", ">= 0.8 x raw sequential write", ratio(
                find("WalAppendBenchmark.writers16", "backend", "local", "durability", "sync", "recordBytes", "65536"),
                find("RawDiskBenchmark.forcePerMiB", "recordBytes", "65536")),
                true, 0.8, "MB/s vs raw writes with one force per MiB"));
        t.add(new Target("Local WAL vs Spark FileBasedWriteAheadLog, 16 writers", ">= 5 x", ratio(
                find("SparkWalBenchmark.writers16", "log", "lifeboat-local"),
                find("SparkWalBenchmark.writers16", "log", "spark-file")),
                true, 5, "records/s, same directory, record size and durability (hflush + close semantics of Spark)"));
        t.add(new Target("WAL replay", ">= 0.7 x raw sequential read", inverseRatio(
                find("WalReplayBenchmark.replay", "backend", "local"),
                find("WalReplayBenchmark.rawSequentialRead", "backend", "local")),
                true, 0.7, "time of a raw read over time of a verified replay of the same files"));
        t.add(new Target("Checkpoint commit, 256 MiB", ">= 0.8 x raw write + force", inverseRatio(
                find("CheckpointBenchmark.commit", "backend", "local", "sizeMiB", "256", "parts", "1"),
                find("CheckpointBenchmark.rawWriteForce", "backend", "local", "sizeMiB", "256", "parts", "1")),
                true, 0.8, "time of a raw write+force over time of a verified commit"));
        t.add(new Target("Chronicle backend append latency", "<= 1.2 x raw Chronicle append", ratio(
                find("ChronicleBenchmark.backendAppend"), find("ChronicleBenchmark.rawAppend")),
                false, 1.2, "average time per append (durability none) over the raw appender's"));

        StringBuilder md = new StringBuilder("## Targets\n\n| target | goal | ratio | verdict | basis |\n|---|---|---|---|---|\n");
        for (Target x : t) {
            md.append("| ").append(x.name()).append(" | ").append(x.goal()).append(" | ")
                    .append(x.ratio().map(r -> String.format(Locale.ROOT, "%.2f", r)).orElse("–")).append(" | ")
                    .append(x.verdict()).append(" | ").append(x.basis()).append(" |\n");
        }
        md.append("\n![ratios to baselines](benchmarks/targets.svg)\n\n");
        List<Bar> bars = new ArrayList<>();
        for (Target x : t) {
            x.ratio().ifPresent(r -> bars.add(new Bar(x.name(), r, x.bound())));
        }
        charts.put("targets.svg", Svg.bars("Ratio to baseline (line: target)", bars, "x"));
        return md.toString();
    }

    // ---------------------------------------------------------------- tables

    private String walThroughput() {
        StringBuilder md = new StringBuilder("## WAL append throughput\n\n");
        md.append("One op is one record acknowledged at the given durability. MB/s = records/s x record size.\n\n");
        md.append("| log | durability | record | writers | records/s | MB/s | ratio to raw force/record |\n");
        md.append("|---|---|---|---|---|---|---|\n");
        List<Bar> bars = new ArrayList<>();
        for (Result r : results) {
            if (r.benchmark().startsWith("RawDiskBenchmark.")) {
                double mbs = r.score() * Integer.parseInt(r.param("recordBytes")) / 1e6;
                md.append(String.format(Locale.ROOT, "| raw %s | sync | %s B | 1 | %s | %.1f | 1.00 (baseline) |%n",
                        r.benchmark().substring("RawDiskBenchmark.".length()), r.param("recordBytes"),
                        fmt(r.score(), r.error()), mbs));
            }
        }
        for (Result r : results) {
            if (!r.benchmark().startsWith("WalAppendBenchmark.")) {
                continue;
            }
            int size = Integer.parseInt(r.param("recordBytes"));
            Optional<Double> vsRaw = ratio(Optional.of(r), find("RawDiskBenchmark.forcePerRecord", "recordBytes",
                    r.param("recordBytes")));
            md.append(String.format(Locale.ROOT, "| %s | %s | %d B | %d | %s | %.1f | %s |%n", r.param("backend"),
                    r.param("durability"), size, r.threads(), fmt(r.score(), r.error()), r.score() * size / 1e6,
                    vsRaw.map(v -> String.format(Locale.ROOT, "%.2f", v)).orElse("–")));
            if (r.param("durability").equals("sync")) {
                bars.add(new Bar(r.param("backend") + " " + size + "B x" + r.threads(), r.score() * size / 1e6, Double.NaN));
            }
        }
        for (Result r : results) {
            if (r.benchmark().equals("RawDiskBenchmark.forcePerRecord")) {
                int size = Integer.parseInt(r.param("recordBytes"));
                bars.add(new Bar("raw force/record " + size + "B", r.score() * size / 1e6, Double.NaN));
            }
        }
        if (!bars.isEmpty()) {
            charts.put("wal-sync-throughput.svg", Svg.bars("WAL sync throughput by backend, record size and writers",
                    bars, "MB/s"));
            md.append("\n![WAL sync throughput](benchmarks/wal-sync-throughput.svg)\n");
        }
        return md.append('\n').toString();
    }

    private String latency() {
        StringBuilder md = new StringBuilder("## Latency under sync\n\n| benchmark | params | threads | p50 | p99 | p99.9 | unit |\n|---|---|---|---|---|---|---|\n");
        boolean any = false;
        for (Result r : results) {
            if (!r.mode().equals("sample")) {
                continue;
            }
            any = true;
            md.append(String.format(Locale.ROOT, "| %s | %s | %d | %.1f | %.1f | %.1f | %s |%n", r.benchmark(),
                    r.params(), r.threads(), r.percentiles().getOrDefault("50.0", Double.NaN),
                    r.percentiles().getOrDefault("99.0", Double.NaN), r.percentiles().getOrDefault("99.9", Double.NaN),
                    r.unit()));
        }
        return any ? md.append('\n').toString() : "";
    }

    private String others() {
        StringBuilder md = new StringBuilder("## All results\n\n| benchmark | mode | params | threads | score | unit |\n|---|---|---|---|---|---|\n");
        for (Result r : results) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %d | %s | %s |%n", r.benchmark(), r.mode(),
                    r.params(), r.threads(), fmt(r.score(), r.error()), r.unit()));
        }
        return md.append('\n').toString();
    }

    // ---------------------------------------------------------------- helpers

    Optional<Result> find(String benchmark, String... kv) {
        Map<String, String> where = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            where.put(kv[i], kv[i + 1]);
        }
        return results.stream().filter(r -> r.is(benchmark, where)).findFirst();
    }

    /** a / b for throughput (higher is better) or latency. */
    static Optional<Double> ratio(Optional<Result> a, Optional<Result> b) {
        if (a.isEmpty() || b.isEmpty() || b.get().score() == 0) {
            return Optional.empty();
        }
        return Optional.of(a.get().score() / b.get().score());
    }

    /** b / a for times (lower is better), so that higher still means better. */
    static Optional<Double> inverseRatio(Optional<Result> time, Optional<Result> baselineTime) {
        if (time.isEmpty() || baselineTime.isEmpty() || time.get().score() == 0) {
            return Optional.empty();
        }
        return Optional.of(baselineTime.get().score() / time.get().score());
    }

    private static String fmt(double score, double error) {
        if (Double.isNaN(error)) {
            return String.format(Locale.ROOT, "%.1f", score);
        }
        return String.format(Locale.ROOT, "%.1f ± %.1f", score, error);
    }

    private static String disk() {
        try {
            Path tmp = Path.of(System.getProperty("lifeboat.bench.dir", System.getProperty("java.io.tmpdir")));
            FileStore store = Files.getFileStore(tmp);
            return store.name() + " (" + store.type() + ") at " + tmp;
        } catch (IOException e) {
            return "unknown";
        }
    }

    record Bar(String label, double value, double target) {}
}
