package dev.lifeboat.benchmarks.report;

import static dev.lifeboat.benchmarks.report.SuiteRows.mbPerSecond;
import static dev.lifeboat.benchmarks.report.SuiteRows.ratio;
import static dev.lifeboat.benchmarks.report.SuiteRows.sorted;

import dev.lifeboat.benchmarks.report.Svg.Bar;
import dev.lifeboat.benchmarks.report.Svg.Kind;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The report's sections on Spark's own write-ahead logs and checkpoint manager beside Lifeboat's. */
final class SparkSections {
    private final ReportContext report;
    private final List<Result> results;

    SparkSections(ReportContext report) {
        this.report = report;
        this.results = report.results();
    }

    /** Spark's write-ahead logs beside Lifeboat's through the same call, on a local disk and on HDFS. */
    String writeAheadLogs() {
        List<Result> sp = sorted(report.suite("SparkWalBenchmark"), "recordBytes");
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
                    .append(report.chart(
                            "spark.svg", "1 KiB records/s, Spark's logs and Lifeboat's", bars, "records/s", true));
        }
        return md.append('\n').toString();
    }

    /** Spark's checkpoint manager beside Lifeboat's and raw writes, on a local disk and on HDFS. */
    String checkpointManager() {
        List<Result> sc = report.suite("SparkCheckpointBenchmark");
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
}
