package dev.lifeboat.benchmarks.report;

import dev.lifeboat.benchmarks.report.Svg.Bar;
import dev.lifeboat.benchmarks.report.Svg.Kind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Turns JMH JSON results into a Markdown report with SVG charts: every benchmark target as a
 * ratio against a baseline of the same run (with the stack profile of each missed one), then one
 * section per suite with its ratios to its raw baseline, then every result as JMH gave it.
 *
 * <pre>
 * java -cp benchmarks.jar dev.lifeboat.benchmarks.report.ReportGenerator \
 *     --out docs/benchmarks.md benchmarks/target/results/full
 * </pre>
 *
 * <p>Inputs are results directories written by {@code ./lifeboat bench} (JSON files,
 * {@code meta.properties}, {@code profiles/}) or single JMH JSON files. Charts go to a folder named
 * after the report beside it ({@code docs/benchmarks/} for {@code docs/benchmarks.md}).
 */
public final class ReportGenerator {
    static final List<String> BACKEND_ORDER = List.of("local", "chronicle", "hadoop", "s3", "azure", "zookeeper");
    private static final double MB = 1e6;
    private static final double MIB = 1 << 20;
    private static final int PROFILE_LINES = 30;

    private final RunData data;
    private final List<Result> results;
    private final String chartDir;
    private final Map<String, String> charts = new LinkedHashMap<>();

    private ReportGenerator(RunData data, String chartDir) {
        this.data = data;
        this.results = data.results();
        this.chartDir = chartDir;
    }

    /** The Markdown text and the SVG charts (file name to content) of a report. */
    public record Generated(String markdown, Map<String, String> charts) {
        public Generated {
            charts = Map.copyOf(charts);
        }
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of("docs/benchmarks.md");
        String command = null;
        String profile = null;
        List<Path> inputs = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out" -> out = Path.of(value(args, ++i));
                case "--command" -> command = value(args, ++i);
                case "--profile" -> profile = value(args, ++i);
                case "--help", "-h" -> {
                    System.out.println("usage: ReportGenerator [--out FILE.md] [--command TEXT] [--profile NAME]"
                            + " RESULTS_DIR_OR_JSON...");
                    return;
                }
                default -> inputs.add(Path.of(args[i]));
            }
        }
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("no results: pass a results directory or JMH JSON files");
        }
        RunData data = RunData.load(inputs);
        if (command != null) {
            data = data.withMeta("command", command);
        }
        if (profile != null) {
            data = data.withMeta("profile", profile);
        }
        write(out, data);
        System.out.println("wrote " + out + " and its charts in " + chartsFolder(out));
    }

    /**
     * Writes the report of {@code data} to {@code out} and its charts beside it. If {@code out}
     * exists and holds the lines {@value #BEGIN} and {@value #END}, only what is between them is
     * replaced (so a hand-written guide around the report is kept); otherwise the whole file is the
     * report.
     */
    public static void write(Path out, RunData data) throws IOException {
        Path folder = chartsFolder(out);
        Generated g = generate(data, folder.getFileName().toString());
        Files.createDirectories(folder);
        for (var chart : g.charts().entrySet()) {
            Files.writeString(folder.resolve(chart.getKey()), chart.getValue(), StandardCharsets.UTF_8);
        }
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        String text = g.markdown();
        if (Files.isRegularFile(out)) {
            text = embed(Files.readString(out), text);
        }
        Files.writeString(out, text, StandardCharsets.UTF_8);
    }

    /** The marker line before a generated report inside a hand-written file. */
    public static final String BEGIN =
            "<!-- benchmark report: generated from JMH results by ReportGenerator; edits here are lost -->";
    /** The marker line after it. */
    public static final String END = "<!-- end of benchmark report -->";

    /** {@code report} between the markers of {@code existing}, or {@code report} alone if it has none. */
    static String embed(String existing, String report) {
        int begin = existing.indexOf(BEGIN);
        int end = existing.indexOf(END);
        if (begin < 0 || end < begin) {
            return report;
        }
        // The guide around the report has the document's title: the report's own becomes a section.
        String body = report.startsWith("# Benchmarks\n")
                ? "## Latest results\n"
                        + report.substring("# Benchmarks\n".length())
                                .replace("\n### ", "\n#### ")
                                .replace("\n## ", "\n### ")
                : report;
        return existing.substring(0, begin + BEGIN.length()) + "\n\n" + body.stripTrailing() + "\n\n"
                + existing.substring(end);
    }

    /** The report of {@code data}, with charts referenced as {@code chartDir/name.svg}. */
    public static Generated generate(RunData data, String chartDir) {
        ReportGenerator g = new ReportGenerator(data, chartDir);
        String md = g.markdown();
        return new Generated(md, g.charts);
    }

    /** docs/benchmarks.md: docs/benchmarks/ */
    static Path chartsFolder(Path report) {
        String name = report.getFileName().toString().replaceFirst("\\.md$", "");
        Path parent = report.toAbsolutePath().getParent();
        return parent.resolve(name);
    }

    private String markdown() {
        StringBuilder md = new StringBuilder("# Benchmarks\n\n");
        String profile = data.meta().getOrDefault("profile", "unknown");
        if (!profile.equals("full")) {
            md.append("> **This is a `")
                    .append(profile)
                    .append("` run**: one short fork per case, meant to show that")
                    .append(" every suite works end to end. Its numbers are indicative only; on a loaded or shared")
                    .append(" machine they are noise. The real figures come from `./lifeboat bench --full` on a quiet")
                    .append(" machine.");
            String load = data.machine().get("load average");
            String cores = data.machine().get("cores");
            if (load != null && cores != null) {
                String figures = load.replace(" (at start)", "");
                md.append(" This one started at a load average of ")
                        .append(figures)
                        .append(" on ")
                        .append(cores)
                        .append(" cores");
                try {
                    if (Double.parseDouble(figures.split(" ", -1)[0]) > Integer.parseInt(cores)) {
                        md.append(": **a loaded machine**, more runnable threads than cores");
                    }
                } catch (RuntimeException e) {
                    // an unreadable load average says nothing more
                }
                md.append('.');
            }
            md.append("\n\n");
        }
        md.append("Every figure that matters here is a **ratio against a baseline measured in the same run on the same")
                .append(
                        " disk**; absolute numbers are for context. The servers of the remote backends (MiniDFSCluster,")
                .append(
                        " S3Proxy, ZooKeeper's TestingServer) run inside the benchmark JVM on this machine: they measure")
                .append(" Lifeboat's client path and the protocol's round trips, **not HDFS, S3 or ZooKeeper in")
                .append(" production**.\n\n");
        md.append(runTable());
        md.append(targets());
        md.append(walAppend());
        md.append(walLatency());
        md.append(walReplay());
        md.append(azureWalLayout());
        md.append(checkpoints());
        md.append(shuffle());
        md.append(chronicle());
        md.append(election());
        md.append(engine());
        md.append(spark());
        md.append(sparkCheckpoints());
        md.append(allResults());
        return md.toString();
    }

    // ------------------------------------------------------------------ run

    private String runTable() {
        Map<String, String> meta = data.meta();
        StringBuilder md = new StringBuilder("| | |\n|---|---|\n");
        row(md, "profile", meta.getOrDefault("profile", "unknown"));
        if (meta.containsKey("command")) {
            row(md, "command", "`" + meta.get("command") + "`");
        }
        for (String key : List.of("started", "finished", "elapsed")) {
            if (meta.containsKey(key)) {
                row(md, key, meta.get(key));
            }
        }
        Map<String, String> machine = data.machine();
        if (machine.isEmpty()) {
            machine = Machine.describe(
                    Path.of(System.getProperty("lifeboat.bench.dir", System.getProperty("java.io.tmpdir"))));
            machine.put("note", "machine described when the report was generated, not when it ran");
        }
        machine.forEach((k, v) -> row(md, k, v));
        if (meta.containsKey("load average at end")) {
            row(md, "load average at end", meta.get("load average at end"));
        }
        if (meta.containsKey("failed") && !meta.get("failed").isBlank()) {
            row(md, "**failed runs**", meta.get("failed"));
        }
        return md.append('\n').toString();
    }

    private static void row(StringBuilder md, String key, String value) {
        md.append("| ")
                .append(key)
                .append(" | ")
                .append(value.replace("|", "\\|"))
                .append(" |\n");
    }

    // ------------------------------------------------------------------ targets

    private String targets() {
        StringBuilder md = new StringBuilder("## Targets\n\n");
        md.append("| target | goal | ratio (or figure) | verdict | what is compared |\n|---|---|---|---|---|\n");
        List<Bar> bars = new ArrayList<>();
        List<Target> missed = new ArrayList<>();
        for (Target t : Targets.all()) {
            Optional<Double> ratio = t.ratio(results);
            Target.Verdict verdict = t.verdict(results);
            String v = switch (verdict) {
                case MET -> "met";
                case MISSED -> "**missed**";
                case NOT_MEASURED -> "not measured in this run";
            };
            md.append("| ")
                    .append(t.name())
                    .append(" | ")
                    .append(t.goal())
                    .append(" | ")
                    .append(ratio.map(t::format).orElse("–"))
                    .append(" | ")
                    .append(v)
                    .append(" | ")
                    .append(t.basis())
                    .append(" |\n");
            if (verdict == Target.Verdict.MISSED) {
                missed.add(t);
            }
            ratio.ifPresent(r -> {
                double attainment = t.atLeast() ? r / t.bound() : t.bound() / r;
                bars.add(new Bar(
                        t.name(),
                        attainment,
                        1.0,
                        attainment >= 1 ? Kind.RESULT : Kind.MISSED,
                        t.format(r) + " (goal " + t.goal() + ")"));
            });
        }
        if (!bars.isEmpty()) {
            md.append('\n')
                    .append(chart(
                            "targets.svg", "Targets: ratio relative to its goal (line = goal met)", bars, "", false));
        }
        if (!missed.isEmpty()) {
            md.append("\n### Why targets were missed\n\n");
            for (Target t : missed) {
                md.append("**")
                        .append(t.name())
                        .append("**: ")
                        .append(t.ratio(results).map(t::format).orElse("–"))
                        .append(", goal ")
                        .append(t.goal())
                        .append(". ")
                        .append(t.limit())
                        .append("\n\n");
                String profile = data.profiles().get(t.id());
                if (profile == null) {
                    md.append("No profile for this run (profiles are taken by `./lifeboat bench` after the"
                            + " measurements, unless `--no-profiling`).\n\n");
                } else {
                    md.append("Stack profile of `")
                            .append(t.subject())
                            .append("` (JMH `-prof stack`, a short extra")
                            .append(
                                    " run after the measurements; thread states, then the top frames of each):\n\n```\n")
                            .append(stackExcerpt(profile))
                            .append("```\n\n");
                }
            }
        }
        return md.append('\n').toString();
    }

    /** The last stack profile in a JMH output, at most {@value #PROFILE_LINES} lines. */
    static String stackExcerpt(String jmhOutput) {
        int start = jmhOutput.lastIndexOf("Stack profile"); // "Stack profiler:" in JMH 1.37
        if (start < 0) {
            return "(the profiled run printed no stack profile)\n";
        }
        StringBuilder out = new StringBuilder();
        int lines = 0;
        for (String line : jmhOutput.substring(start).lines().toList()) {
            if (lines > 0
                    && (line.startsWith("# ")
                            || line.startsWith("Secondary result")
                            || line.startsWith("Result ")
                            || line.startsWith("REMEMBER")
                            || line.startsWith("Benchmark "))) {
                break;
            }
            if (lines++ >= PROFILE_LINES) {
                out.append("...\n");
                break;
            }
            out.append(line.replace("`", "'")).append('\n');
        }
        return out.toString().stripTrailing() + "\n";
    }

    // ------------------------------------------------------------------ WAL

    private String walAppend() {
        List<Result> wal = sorted(of("WalAppendBenchmark"), "backend", "durability", "recordBytes");
        List<Result> raw = sorted(of("RawDiskBenchmark"), "recordBytes");
        if (wal.isEmpty() && raw.isEmpty()) {
            return "";
        }
        StringBuilder md = new StringBuilder("## Write-ahead log: append throughput\n\n");
        md.append("One op is one record acknowledged at the log's durability (`write`, which waits for it), with 1, 4")
                .append(" or 16 threads sharing one log (group commit). MB/s = records/s × record size. The raw")
                .append(" baselines append to a plain file with `FileChannel.write` and `force(false)` after every")
                .append(" record (the most a log that syncs each record can do) or once per MiB (the device's")
                .append(" sequential bandwidth). Ratios compare with the raw loop of the same record size.\n\n");
        md.append(
                "| log | durability | record | writers | records/s | MB/s | × raw force/record | × raw force/MiB |\n");
        md.append("|---|---|---|---|---|---|---|---|\n");
        for (Result r : raw) {
            md.append(String.format(
                    Locale.ROOT,
                    "| raw file, %s | sync | %s B | 1 | %s | %s | | |%n",
                    r.method().equals("forcePerRecord") ? "force/record" : "force/MiB",
                    r.param("recordBytes"),
                    Format.score(r.score(), r.error()),
                    Format.number(mbPerSecond(r))));
        }
        List<Bar> bars = new ArrayList<>();
        for (Result r : raw) {
            bars.add(Bar.of(
                    "raw " + (r.method().equals("forcePerRecord") ? "force/record " : "force/MiB ")
                            + r.param("recordBytes") + " B",
                    mbPerSecond(r),
                    Kind.BASELINE));
        }
        for (Result r : wal) {
            Optional<Result> perRecord =
                    Query.of("RawDiskBenchmark.forcePerRecord").findLike(results, r);
            Optional<Result> perMiB = Query.of("RawDiskBenchmark.forcePerMiB").findLike(results, r);
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %s | %s B | %d | %s | %s | %s | %s |%n",
                    r.param("backend"),
                    r.param("durability"),
                    r.param("recordBytes"),
                    r.threads(),
                    Format.score(r.score(), r.error()),
                    Format.number(mbPerSecond(r)),
                    ratio(Optional.of(r), perRecord),
                    ratio(Optional.of(r), perMiB)));
            if (r.param("durability").equals("sync")) {
                bars.add(Bar.of(
                        r.param("backend") + " " + r.param("recordBytes") + " B × " + r.threads(),
                        mbPerSecond(r),
                        Kind.RESULT));
            }
        }
        md.append('\n').append(chart("wal-append-sync.svg", "WAL append at durability=sync, MB/s", bars, "MB/s", true));
        return md.append('\n').toString();
    }

    private String walLatency() {
        List<Result> lat = sorted(of("WalLatencyBenchmark"), "backend");
        if (lat.isEmpty()) {
            return "";
        }
        StringBuilder md = new StringBuilder("## Write-ahead log: latency under sync\n\n");
        md.append("JMH sample time of one `write` at `durability=sync` (1 KiB unless said), with 1 or 16 writers,")
                .append(" beside one raw `write` + `force(false)`. Times in microseconds.\n\n");
        md.append(
                "| log | record | writers | p50 | p99 | p99.9 | mean | p50 × raw p50 |\n|---|---|---|---|---|---|---|---|\n");
        Optional<Result> raw =
                lat.stream().filter(r -> r.method().equals("rawWriteForce")).findFirst();
        List<Bar> bars = new ArrayList<>();
        for (Result r : lat) {
            boolean isRaw = r.method().equals("rawWriteForce");
            double toMicros = Result.millisPer(r.unit()) * 1000;
            String ratio = isRaw || raw.isEmpty()
                    ? ""
                    : Format.ratio(r.percentile("50.0") / raw.get().percentile("50.0"));
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %s B | %d | %s | %s | %s | %s | %s |%n",
                    isRaw ? "raw file" : r.param("backend"),
                    r.param("recordBytes"),
                    r.threads(),
                    Format.number(r.percentile("50.0") * toMicros),
                    Format.number(r.percentile("99.0") * toMicros),
                    Format.number(r.percentile("99.9") * toMicros),
                    Format.number(r.score() * toMicros),
                    ratio));
            String label = (isRaw ? "raw" : r.param("backend")) + " × " + r.threads();
            bars.add(Bar.of(label + " p50", r.percentile("50.0") * toMicros, isRaw ? Kind.BASELINE : Kind.RESULT));
            bars.add(Bar.of(label + " p99", r.percentile("99.0") * toMicros, isRaw ? Kind.BASELINE : Kind.RESULT));
        }
        md.append('\n').append(chart("wal-latency.svg", "Sync append latency, p50 and p99", bars, "µs", true));
        return md.append('\n').toString();
    }

    private String walReplay() {
        List<Result> replay = sorted(of("WalReplayBenchmark"), "backend");
        if (replay.isEmpty()) {
            return "";
        }
        StringBuilder md = new StringBuilder("## Write-ahead log: replay\n\n");
        md.append("One op reads a whole log back with `replayAll()` (every record's CRC32C verified), beside a raw")
                .append(" sequential read (1 MiB `FileChannel.read`s) of a plain file of the same size. Both were just")
                .append(" written, so both come from the page cache: the ratio is the log's own cost.\n\n");
        md.append("| log | size | ms per pass | MB/s | × raw read |\n|---|---|---|---|---|\n");
        List<Bar> bars = new ArrayList<>();
        for (Result r : replay) {
            boolean isRaw = r.method().equals("rawSequentialRead");
            double mbs = r.intParam("logMiB") * MIB / MB / (r.millis() / 1000);
            Optional<Result> raw =
                    Query.of("WalReplayBenchmark.rawSequentialRead").findLike(results, r);
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %s MiB | %s | %s | %s |%n",
                    isRaw ? "raw file" : r.param("backend"),
                    r.param("logMiB"),
                    Format.score(r.millis(), r.errorMillis()),
                    Format.number(mbs),
                    isRaw ? "" : inverseRatio(Optional.of(r), raw)));
            bars.add(Bar.of(
                    (isRaw ? "raw read" : r.param("backend")) + " " + r.param("logMiB") + " MiB",
                    mbs,
                    isRaw ? Kind.BASELINE : Kind.RESULT));
        }
        md.append('\n').append(chart("wal-replay.svg", "WAL replay, MB/s", bars, "MB/s", true));
        return md.append('\n').toString();
    }

    /** The two WAL layouts on Azure Blob Storage (Azurite), side by side with raw Put Blob / GET. */
    private String azureWalLayout() {
        List<Result> write = sorted(of("AzureWalLayoutBenchmark"), "batchRecords");
        List<Result> replay = sorted(of("AzureWalLayoutReplayBenchmark"), "batchRecords");
        if (write.isEmpty() && replay.isEmpty()) {
            return "";
        }
        StringBuilder md = new StringBuilder("## Write-ahead log layouts on Azure Blob Storage\n\n");
        md.append("The azure backend's log (`appendBlob`: one Append Block with the append-position condition per")
                .append(" batch, sealed segments, ranged reads, through the backend's own log storage) beside the S3")
                .append(" backend's layout rebuilt with the Azure SDK (`batchBlob`: one Put Blob per batch with")
                .append(" `If-None-Match: *`, a lease head rewritten with `If-Match` every 3 s, replay by one GET per")
                .append(" batch, four in flight), on Azurite, below group commit. One write op is one acknowledged")
                .append(" batch of 1 KiB records: 1 record is what one writer's group commit sends, 16 what 16")
                .append(" writers' does. Baselines: one Put Blob of the same bytes without any condition (`rawPut`),")
                .append(" and one GET of a block blob holding the whole log (`rawGet`). Requests: an append costs 1")
                .append(" Append Block per batch (plus a seal, a create and a head write per 49,000 blocks), a batch")
                .append(
                        " blob 1 Put Blob per batch plus 1 Put Blob of the head per 3 s; a replay 1 GET per MiB against")
                .append(" 1 GET per batch. See docs/backends/azure.md for the decision these figures support.\n\n");
        if (!write.isEmpty()) {
            md.append("| layout | batch | batches/s | records/s | × raw Put Blob |\n|---|---|---|---|---|\n");
            for (Result r : write) {
                boolean isRaw = r.method().equals("rawPut");
                Optional<Result> raw =
                        Query.of("AzureWalLayoutBenchmark.rawPut").findLike(results, r);
                md.append(String.format(
                        Locale.ROOT,
                        "| %s | %s × %s B | %s | %s | %s |%n",
                        isRaw ? "raw Put Blob" : r.method(),
                        r.param("batchRecords"),
                        r.param("recordBytes"),
                        Format.score(r.score(), r.error()),
                        Format.number(r.score() * r.intParam("batchRecords")),
                        isRaw ? "" : ratio(Optional.of(r), raw)));
            }
            md.append('\n');
        }
        if (!replay.isEmpty()) {
            md.append(
                    "| layout | written in batches of | records | ms per replay | × raw GET |\n|---|---|---|---|---|\n");
            for (Result r : replay) {
                boolean isRaw = r.method().equals("rawGet");
                Optional<Result> raw =
                        Query.of("AzureWalLayoutReplayBenchmark.rawGet").findLike(results, r);
                md.append(String.format(
                        Locale.ROOT,
                        "| %s | %s | %s | %s | %s |%n",
                        isRaw ? "raw GET" : r.method(),
                        r.param("batchRecords"),
                        r.param("records"),
                        Format.score(r.millis(), r.errorMillis()),
                        isRaw ? "" : inverseRatio(Optional.of(r), raw)));
            }
            md.append('\n');
        }
        return md.toString();
    }

    // ------------------------------------------------------------------ checkpoints, shuffle

    private String checkpoints() {
        List<Result> cp = sorted(of("CheckpointBenchmark"), "backend", "sizeMiB", "parts");
        if (cp.isEmpty()) {
            return "";
        }
        StringBuilder md = new StringBuilder("## Checkpoints\n\n");
        md.append("`commit`: `begin`, every part written in 1 MiB chunks, `commit` (durable and visible when it")
                .append(" returns). `readBack`: `open` and every part read to its end, where length and CRC32C are")
                .append(" verified. Baselines: the same bytes as plain files, one per part, each forced once; and")
                .append(" read back unverified.\n\n");
        md.append("| store | operation | size | parts | ms | MB/s | × raw |\n|---|---|---|---|---|---|---|\n");
        List<Bar> bars = new ArrayList<>();
        for (String method : List.of("rawWriteForce", "commit", "rawRead", "readBack")) {
            for (Result r : cp) {
                if (!r.method().equals(method)) {
                    continue;
                }
                boolean isRaw = method.startsWith("raw");
                String baseline =
                        method.equals("commit") ? "CheckpointBenchmark.rawWriteForce" : "CheckpointBenchmark.rawRead";
                double mbs = r.intParam("sizeMiB") * MIB / MB / (r.millis() / 1000);
                md.append(String.format(
                        Locale.ROOT,
                        "| %s | %s | %s MiB | %s | %s | %s | %s |%n",
                        isRaw ? "raw files" : r.param("backend"),
                        label(method),
                        r.param("sizeMiB"),
                        r.param("parts"),
                        Format.score(r.millis(), r.errorMillis()),
                        Format.number(mbs),
                        isRaw
                                ? ""
                                : inverseRatio(
                                        Optional.of(r), Query.of(baseline).findLike(results, r))));
                if (method.contains("rite") || method.equals("commit")) {
                    bars.add(Bar.of(
                            (isRaw ? "raw" : r.param("backend")) + " " + r.param("sizeMiB") + " MiB / "
                                    + r.param("parts"),
                            mbs,
                            isRaw ? Kind.BASELINE : Kind.RESULT));
                }
            }
        }
        md.append('\n')
                .append(chart("checkpoint-commit.svg", "Checkpoint commit (size / parts), MB/s", bars, "MB/s", true));
        return md.append('\n').toString();
    }

    private static String label(String method) {
        return switch (method) {
            case "rawWriteForce" -> "write + force";
            case "rawRead" -> "read";
            case "readBack" -> "read back, verified";
            default -> method;
        };
    }

    private String shuffle() {
        List<Result> sh = sorted(of("ShuffleBenchmark"), "backend");
        if (sh.isEmpty()) {
            return "";
        }
        StringBuilder md = new StringBuilder("## Shuffle\n\n");
        md.append("One op is a whole shuffle: 16 map outputs of 64 partitions written and committed, then all 1024")
                .append(" blocks read back reducer by reducer and verified. The raw baseline writes one plain file per")
                .append(" map output (not forced, as local map outputs are not) and reads each block with a positional")
                .append(" read.\n\n");
        md.append("| store | block | ms per shuffle | MB/s | × raw |\n|---|---|---|---|---|\n");
        List<Bar> bars = new ArrayList<>();
        for (Result r : sh) {
            boolean isRaw = r.method().startsWith("raw");
            double mbs = 16 * 64 * r.intParam("blockKiB") * 1024.0 / MB / (r.millis() / 1000);
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %s KiB | %s | %s | %s |%n",
                    isRaw ? "raw files" : r.param("backend"),
                    r.param("blockKiB"),
                    Format.score(r.millis(), r.errorMillis()),
                    Format.number(mbs),
                    isRaw
                            ? ""
                            : inverseRatio(
                                    Optional.of(r),
                                    Query.of("ShuffleBenchmark.rawWriteThenReadAll")
                                            .findLike(results, r))));
            bars.add(Bar.of(isRaw ? "raw files" : r.param("backend"), mbs, isRaw ? Kind.BASELINE : Kind.RESULT));
        }
        md.append('\n').append(chart("shuffle.svg", "Shuffle write + read, MB/s", bars, "MB/s", true));
        return md.append('\n').toString();
    }

    // ------------------------------------------------------------------ chronicle, election, engine

    private String chronicle() {
        List<Result> ch = sorted(of("ChronicleBenchmark"), "recordBytes");
        if (ch.isEmpty()) {
            return "";
        }
        StringBuilder md = new StringBuilder("## Chronicle backend over Chronicle Queue\n\n");
        md.append("Average time per record, one thread. `rawAppend`: Chronicle's own appender, one excerpt per record,")
                .append(" the backend's roll cycle and block size. `backendWrite`: the backend's `write` at")
                .append(" `durability=none`, acknowledged once the record's excerpt is in the mapped file (the same")
                .append(" guarantee). `backendAppend`: `append`, which returns once the record is queued; every")
                .append(" `group-commit.max-batch-bytes` of them the appender writes the batch itself. `rawTail` /")
                .append(" `backendReplay`: reading one record.\n\n");
        md.append("| operation | record | ns per record | × raw |\n|---|---|---|---|\n");
        List<Bar> bars = new ArrayList<>();
        for (Result r : ch) {
            boolean isRaw = r.method().startsWith("raw");
            String baseline = r.method().contains("Replay") || r.method().contains("Tail")
                    ? "ChronicleBenchmark.rawTail"
                    : "ChronicleBenchmark.rawAppend";
            double ns = r.millis() * 1e6;
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %s B | %s | %s |%n",
                    r.method(),
                    r.param("recordBytes"),
                    Format.score(ns, r.errorMillis() * 1e6),
                    isRaw ? "" : ratio(Optional.of(r), Query.of(baseline).findLike(results, r))));
            bars.add(Bar.of(r.method() + " " + r.param("recordBytes") + " B", ns, isRaw ? Kind.BASELINE : Kind.RESULT));
        }
        md.append('\n').append(chart("chronicle.svg", "Chronicle: time per record", bars, "ns", true));
        return md.append('\n').toString();
    }

    private String election() {
        List<Result> el = sorted(of("ElectionBenchmark"), "backend");
        if (el.isEmpty()) {
            return "";
        }
        StringBuilder md = new StringBuilder("## Leader election: fail-over\n\n");
        md.append("Single shots. The leader runs in a child JVM and a standby in the benchmark's JVM; each shot is")
                .append(" timed from the leader's resignation (`afterResign`) or its SIGKILL (`afterCrash`) to the")
                .append(
                        " standby's `elected()`. A crash is noticed when the lease or session runs out, so `afterCrash`")
                .append(" measures configuration as much as the backend: local candidates poll the lock every 100 ms")
                .append(" (default); ZooKeeper runs with a 2 s session timeout and S3 with a 3 s lease renewed every")
                .append(" second (their defaults are 15 s).\n\n");
        md.append("| backend | after resign (ms) | after crash (ms) |\n|---|---|---|\n");
        List<Bar> bars = new ArrayList<>();
        for (String backend : backends(el)) {
            Optional<Result> resign = Query.of("ElectionBenchmark.afterResign", "backend", backend)
                    .find(results);
            Optional<Result> crash =
                    Query.of("ElectionBenchmark.afterCrash", "backend", backend).find(results);
            md.append("| ")
                    .append(backend)
                    .append(" | ")
                    .append(resign.map(r -> Format.score(r.millis(), r.errorMillis()))
                            .orElse("–"))
                    .append(" | ")
                    .append(crash.map(r -> Format.score(r.millis(), r.errorMillis()))
                            .orElse("–"))
                    .append(" |\n");
            resign.ifPresent(r -> bars.add(Bar.of(backend + " after resign", r.millis(), Kind.RESULT)));
            crash.ifPresent(r -> bars.add(Bar.of(backend + " after crash", r.millis(), Kind.RESULT)));
        }
        md.append('\n').append(chart("election.svg", "Leader fail-over time", bars, "ms", true));
        return md.append('\n').toString();
    }

    private String engine() {
        List<Result> en = of("EngineBenchmark");
        if (en.isEmpty()) {
            return "";
        }
        StringBuilder md = new StringBuilder("## Engine: recovery from an executor loss\n\n");
        md.append("The runtime-core word count of `lifeboat demo` (8 map partitions, 4 executors, 4 reduce")
                .append(" partitions) without faults, and with the executor running map task 5 lost as the task")
                .append(" starts (reported loss: the driver hears of it at once). The ratio is the recovery overhead.")
                .append(" Blocks on hadoop, s3 and azure outlive executors, so less is recomputed there.\n\n");
        md.append("| shuffle store | lines | without loss (ms) | with one executor lost (ms) | overhead |\n")
                .append("|---|---|---|---|---|\n");
        List<Bar> bars = new ArrayList<>();
        List<String> stores = en.stream()
                .map(r -> r.param("shuffle"))
                .distinct()
                .sorted(Comparator.comparingInt(ReportGenerator::backendRank))
                .toList();
        for (String store : stores) {
            Optional<Result> clean =
                    Query.of("EngineBenchmark.wordCount", "shuffle", store).find(results);
            Optional<Result> loss = Query.of("EngineBenchmark.wordCountWithExecutorLoss", "shuffle", store)
                    .find(results);
            md.append("| ")
                    .append(store)
                    .append(" | ")
                    .append(clean.or(() -> loss).map(r -> r.param("lines")).orElse("–"))
                    .append(" | ")
                    .append(clean.map(r -> Format.score(r.millis(), r.errorMillis()))
                            .orElse("–"))
                    .append(" | ")
                    .append(loss.map(r -> Format.score(r.millis(), r.errorMillis()))
                            .orElse("–"))
                    .append(" | ")
                    .append(ratio(loss, clean))
                    .append(" |\n");
            clean.ifPresent(r -> bars.add(Bar.of(store + " without loss", r.millis(), Kind.BASELINE)));
            loss.ifPresent(r -> bars.add(Bar.of(store + " with executor loss", r.millis(), Kind.RESULT)));
        }
        md.append('\n').append(chart("engine.svg", "Word count time", bars, "ms", false));
        return md.append('\n').toString();
    }

    // ------------------------------------------------------------------ Spark

    private String spark() {
        List<Result> sp = sorted(of("SparkWalBenchmark"), "recordBytes");
        if (sp.isEmpty()) {
            return "";
        }
        StringBuilder md = new StringBuilder("## Spark's write-ahead logs\n\n");
        md.append("Spark Streaming 3.5's `FileBasedWriteAheadLog` (what a receiver writes through; one `hflush` per")
                .append(" record, writers serialised) and `BatchedWriteAheadLog` (the driver's group commit, wrapping")
                .append(" the former) beside the local Lifeboat log through the same call, `write(record, time)`,")
                .append(" durable when it returns, in the same directory. Spark's `hflush` on the local file system")
                .append(" hands bytes to the OS without `fsync`, so the Lifeboat log runs at the same level,")
                .append(" `durability=flush`; `lifeboat-local-sync` is the same log at `durability=sync` (every")
                .append(
                        " record fsynced, which Spark's log cannot offer), for reference. Measured in their own JVM, from")
                .append(" their own jar, so Spark's dependencies never meet the backends. On HDFS, `spark-file-hdfs`")
                .append(" (Spark's log) and `lifeboat-hadoop` (the Hadoop log at `durability=flush`: an `hflush`")
                .append(" acknowledged by the datanode) write to a MiniDFSCluster with one datanode, started the same")
                .append(" way in each fork; they are compared with each other and left out of the chart.\n\n");
        md.append("| log | record | writers | records/s | MB/s | × Spark's file log, same storage |\n")
                .append("|---|---|---|---|---|---|\n");
        List<Bar> bars = new ArrayList<>();
        List<Result> rows = new ArrayList<>(sp);
        rows.sort(Comparator.comparingInt((Result r) -> r.intParam("recordBytes"))
                .thenComparingInt(Result::threads)
                .thenComparing(r -> r.param("log")));
        for (Result r : rows) {
            boolean onHdfs =
                    r.param("log").equals("spark-file-hdfs") || r.param("log").equals("lifeboat-hadoop");
            String peerLog = onHdfs ? "spark-file-hdfs" : "spark-file";
            Optional<Result> peer = Query.of(r.benchmark(), "log", peerLog).findLike(results, r);
            boolean isPeer = r.param("log").equals(peerLog);
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %s B | %d | %s | %s | %s |%n",
                    r.param("log"),
                    r.param("recordBytes"),
                    r.threads(),
                    Format.score(r.score(), r.error()),
                    Format.number(mbPerSecond(r)),
                    isPeer ? "" : ratio(Optional.of(r), peer)));
            if (r.param("recordBytes").equals("1024") && !onHdfs) {
                bars.add(Bar.of(
                        r.param("log") + " × " + r.threads(),
                        r.score(),
                        r.param("log").startsWith("spark") ? Kind.BASELINE : Kind.RESULT));
            }
        }
        if (!bars.isEmpty()) {
            md.append('\n')
                    .append(chart(
                            "spark.svg", "1 KiB records/s, Spark's logs and Lifeboat's", bars, "records/s", true));
        }
        return md.append('\n').toString();
    }

    private String sparkCheckpoints() {
        List<Result> sc = of("SparkCheckpointBenchmark");
        if (sc.isEmpty()) {
            return "";
        }
        StringBuilder md = new StringBuilder("## Spark's checkpoint manager\n\n");
        md.append("Structured Streaming 3.5's checkpoint writes through Spark's default `CheckpointFileManager`")
                .append(" (FileContext-based: a temporary file, then a rename) and through")
                .append(" `LifeboatCheckpointFileManager` (a checkpoint committed put-if-absent, no rename), on the")
                .append(" same local disk and the same MiniDFSCluster. One op is `createAtomic` + write + `close` of")
                .append(" a new file: an offsets entry of 1 KiB (`overwriteIfPossible=false`) or a state store")
                .append(" `.delta` of 1 MiB (`overwriteIfPossible=true`). `raw` writes the same bytes straight to")
                .append(" their name with Hadoop's client: no atomicity. On a local disk Lifeboat's store fsyncs")
                .append(" each commit and Spark's manager does not.\n\n");
        md.append("| storage | file | manager | files/s | MB/s | × spark | × raw |\n|---|---|---|---|---|---|---|\n");
        List<Result> rows = new ArrayList<>(sc);
        rows.sort(Comparator.comparing((Result r) -> r.param("storage"))
                .thenComparing(r -> r.param("file"))
                .thenComparing(r -> r.param("manager")));
        for (Result r : rows) {
            String manager = r.param("manager");
            Optional<Result> peer = Query.of(r.benchmark(), "manager", "spark").findLike(results, r);
            Optional<Result> raw = Query.of(r.benchmark(), "manager", "raw").findLike(results, r);
            double bytes = r.param("file").equals("delta") ? 1024 * 1024 : 1024;
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %s | %s | %s | %s | %s | %s |%n",
                    r.param("storage"),
                    r.param("file"),
                    manager,
                    Format.score(r.score(), r.error()),
                    Format.number(r.score() * bytes / 1e6),
                    manager.equals("spark") ? "" : ratio(Optional.of(r), peer),
                    manager.equals("raw") ? "" : ratio(Optional.of(r), raw)));
        }
        return md.append('\n').toString();
    }

    // ------------------------------------------------------------------ all

    private String allResults() {
        StringBuilder md = new StringBuilder("## All results\n\n<details><summary>Every JMH result of the run")
                .append(" (score ± 99.9% confidence half-width)</summary>\n\n");
        md.append("| benchmark | mode | params | threads | score | unit |\n|---|---|---|---|---|---|\n");
        for (Result r : results) {
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %s | %s | %d | %s | %s |%n",
                    r.benchmark(),
                    r.mode(),
                    r.params().isEmpty() ? "" : new java.util.TreeMap<>(r.params()).toString(),
                    r.threads(),
                    Format.score(r.score(), r.error()),
                    r.unit()));
        }
        return md.append("\n</details>\n").toString();
    }

    // ------------------------------------------------------------------ helpers

    private String chart(String name, String title, List<Bar> bars, String unit, boolean log) {
        charts.put(name, Svg.bars(title, bars, unit, log));
        return "![" + title + "](" + chartDir + "/" + name + ")\n";
    }

    private List<Result> of(String suite) {
        return results.stream().filter(r -> r.suite().equals(suite)).toList();
    }

    /**
     * Raw baselines first, then by backend in {@link #BACKEND_ORDER}, then by the given parameters
     * (numbers numerically), then threads, then method.
     */
    private static List<Result> sorted(List<Result> rs, String... keys) {
        Comparator<Result> c = Comparator.comparing((Result r) -> !r.method().startsWith("raw"));
        for (String key : keys) {
            if (key.equals("backend")) {
                c = c.thenComparingInt(r -> backendRank(r.param("backend")));
            } else if (key.equals("durability")) {
                c = c.thenComparingInt(r -> List.of("none", "flush", "sync").indexOf(r.param("durability")));
            } else {
                c = c.thenComparingLong(r -> numeric(r.param(key)));
            }
        }
        c = c.thenComparingInt(Result::threads).thenComparing(Result::method);
        List<Result> copy = new ArrayList<>(rs);
        copy.sort(c);
        return copy;
    }

    private static long numeric(String v) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    private static int backendRank(String backend) {
        int i = BACKEND_ORDER.indexOf(backend);
        return i < 0 ? BACKEND_ORDER.size() : i;
    }

    private static List<String> backends(List<Result> rs) {
        return rs.stream()
                .map(r -> r.param("backend"))
                .distinct()
                .sorted(Comparator.comparingInt(ReportGenerator::backendRank))
                .toList();
    }

    private static double mbPerSecond(Result r) {
        return r.score() * r.intParam("recordBytes") / MB;
    }

    /** a / b as text, or a dash. */
    private static String ratio(Optional<Result> a, Optional<Result> b) {
        if (a.isEmpty() || b.isEmpty() || !(b.get().score() > 0)) {
            return "–";
        }
        return Format.ratio(a.get().score() / b.get().score());
    }

    /** b / a (times: higher still means better), or a dash. */
    private static String inverseRatio(Optional<Result> time, Optional<Result> baselineTime) {
        return ratio(baselineTime, time);
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(args[i - 1] + " needs a value");
        }
        return args[i];
    }
}
