package dev.lifeboat.benchmarks.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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
 *
 * <p>The sections are drawn by {@link RunSections}, {@link TargetSection}, {@link WalSections},
 * {@link StoreSections}, {@link RecoverySections} and {@link SparkSections}, in the order
 * {@link #generate} lists them.
 */
public final class ReportGenerator {
    private ReportGenerator() {}

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
        ReportContext report = new ReportContext(data, chartDir);
        RunSections run = new RunSections(report);
        WalSections wal = new WalSections(report);
        StoreSections stores = new StoreSections(report);
        RecoverySections recovery = new RecoverySections(report);
        SparkSections spark = new SparkSections(report);
        StringBuilder md = new StringBuilder("# Benchmarks\n\n");
        md.append(run.caveat());
        md.append("Every figure that matters here is a **ratio against a baseline measured in the same run on the same")
                .append(
                        " disk**; absolute numbers are for context. The servers of the remote backends (MiniDFSCluster,")
                .append(
                        " S3Proxy, ZooKeeper's TestingServer) run inside the benchmark JVM on this machine: they measure")
                .append(" Lifeboat's client path and the protocol's round trips, **not HDFS, S3 or ZooKeeper in")
                .append(" production**.\n\n");
        md.append(run.table());
        md.append(new TargetSection(report).markdown());
        md.append(wal.appendThroughput());
        md.append(wal.latency());
        md.append(wal.replay());
        md.append(wal.azureLayouts());
        md.append(stores.checkpoints());
        md.append(stores.shuffle());
        md.append(wal.chronicle());
        md.append(recovery.election());
        md.append(recovery.engine());
        md.append(spark.writeAheadLogs());
        md.append(spark.checkpointManager());
        md.append(run.allResults());
        return new Generated(md.toString(), report.charts());
    }

    /** docs/benchmarks.md: docs/benchmarks/ */
    static Path chartsFolder(Path report) {
        String name = report.getFileName().toString().replaceFirst("\\.md$", "");
        Path parent = report.toAbsolutePath().getParent();
        return parent.resolve(name);
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(args[i - 1] + " needs a value");
        }
        return args[i];
    }
}
