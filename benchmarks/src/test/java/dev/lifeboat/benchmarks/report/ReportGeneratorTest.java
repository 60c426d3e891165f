package dev.lifeboat.benchmarks.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportGeneratorTest {
    private static final String PKG = "dev.lifeboat.benchmarks.";

    /** A JMH JSON row. */
    private static String row(
            String benchmark, String mode, int threads, Map<String, String> params, double score, String unit) {
        StringBuilder p = new StringBuilder();
        params.forEach((k, v) -> p.append(p.length() == 0 ? "" : ",")
                .append('"')
                .append(k)
                .append("\":\"")
                .append(v)
                .append('"'));
        return String.format(
                Locale.ROOT,
                "{\"benchmark\":\"%s\",\"mode\":\"%s\",\"threads\":%d,\"params\":{%s},"
                        + "\"primaryMetric\":{\"score\":%s,\"scoreError\":\"NaN\",\"scoreUnit\":\"%s\"}}",
                PKG + benchmark,
                mode,
                threads,
                p,
                score,
                unit);
    }

    private static Map<String, String> p(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    /** One result for every target and every suite; each target's verdict is stated beside it. */
    private static String everySuite() {
        List<String> rows = new ArrayList<>();
        // 1 writer vs raw per record, 1 KiB: 950 / 1000 = 0.95 >= 0.9, met.
        rows.add(row("wal.RawDiskBenchmark.forcePerRecord", "thrpt", 1, p("recordBytes", "1024"), 1000, "ops/s"));
        rows.add(row(
                "wal.WalAppendBenchmark.writers1",
                "thrpt",
                1,
                p("backend", "local", "durability", "sync", "recordBytes", "1024"),
                950,
                "ops/s"));
        // 16 writers vs 1: 8000 / 950 = 8.42 < 10, missed.
        rows.add(row(
                "wal.WalAppendBenchmark.writers16",
                "thrpt",
                16,
                p("backend", "local", "durability", "sync", "recordBytes", "1024"),
                8000,
                "ops/s"));
        rows.add(row(
                "wal.WalAppendBenchmark.writers16",
                "thrpt",
                16,
                p("backend", "s3", "durability", "sync", "recordBytes", "1024"),
                80,
                "ops/s"));
        // 64 KiB, 16 writers vs raw per MiB: 900 / 1000 = 0.9 >= 0.8, met.
        rows.add(row("wal.RawDiskBenchmark.forcePerMiB", "thrpt", 1, p("recordBytes", "65536"), 1000, "ops/s"));
        rows.add(row(
                "wal.WalAppendBenchmark.writers16",
                "thrpt",
                16,
                p("backend", "local", "durability", "sync", "recordBytes", "65536"),
                900,
                "ops/s"));
        // Replay: raw 100 ms, replay 200 ms at the same size: 0.5 < 0.7, missed. A raw read of another
        // size comes first and must not be taken as the baseline.
        rows.add(row("wal.WalReplayBenchmark.rawSequentialRead", "ss", 1, p("logMiB", "64"), 5, "ms/op"));
        rows.add(row("wal.WalReplayBenchmark.rawSequentialRead", "ss", 1, p("logMiB", "1024"), 100, "ms/op"));
        rows.add(row(
                "wal.WalReplayBenchmark.replay",
                "ss",
                1,
                p("backend", "local", "logMiB", "1024", "recordBytes", "4096"),
                200,
                "ms/op"));
        // Azure WAL layouts: batches of 16 records, append 400/s and batch blobs 300/s against raw 500/s;
        // replay 250 ms and 1000 ms against a raw GET of 50 ms.
        for (String[] w : new String[][] {{"rawPut", "500"}, {"appendBlob", "400"}, {"batchBlob", "300"}}) {
            rows.add(row(
                    "wal.AzureWalLayoutBenchmark." + w[0],
                    "thrpt",
                    1,
                    p("batchRecords", "16", "recordBytes", "1024"),
                    Double.parseDouble(w[1]),
                    "ops/s"));
        }
        for (String[] w : new String[][] {{"rawGet", "50"}, {"appendBlob", "250"}, {"batchBlob", "1000"}}) {
            rows.add(row(
                    "wal.AzureWalLayoutReplayBenchmark." + w[0],
                    "ss",
                    1,
                    p("batchRecords", "16", "records", "4096"),
                    Double.parseDouble(w[1]),
                    "ms/op"));
        }
        // Checkpoint 256 MiB: raw 1000 ms, commit 1100 ms: 0.91 >= 0.8, met.
        rows.add(row(
                "checkpoint.CheckpointBenchmark.rawWriteForce",
                "ss",
                1,
                p("sizeMiB", "256", "parts", "1"),
                1000,
                "ms/op"));
        rows.add(row(
                "checkpoint.CheckpointBenchmark.commit",
                "ss",
                1,
                p("backend", "local", "sizeMiB", "256", "parts", "1"),
                1100,
                "ms/op"));
        rows.add(row(
                "checkpoint.CheckpointBenchmark.readBack",
                "ss",
                1,
                p("backend", "local", "sizeMiB", "256", "parts", "1"),
                300,
                "ms/op"));
        rows.add(row(
                "checkpoint.CheckpointBenchmark.rawRead", "ss", 1, p("sizeMiB", "256", "parts", "1"), 150, "ms/op"));
        // Chronicle: 3000 ns / 2000 ns = 1.5 > 1.2, missed (lower is better).
        rows.add(row("chronicle.ChronicleBenchmark.rawAppend", "avgt", 1, p("recordBytes", "1024"), 2000, "ns/op"));
        rows.add(row("chronicle.ChronicleBenchmark.backendWrite", "avgt", 1, p("recordBytes", "1024"), 3000, "ns/op"));
        rows.add(row("chronicle.ChronicleBenchmark.rawTail", "avgt", 1, p("recordBytes", "1024"), 300, "ns/op"));
        rows.add(row("chronicle.ChronicleBenchmark.backendReplay", "avgt", 1, p("recordBytes", "1024"), 600, "ns/op"));
        // Spark: 60000 / 10000 = 6 >= 5, met.
        rows.add(row(
                "spark.SparkWalBenchmark.writers16",
                "thrpt",
                16,
                p("log", "spark-file", "recordBytes", "1024"),
                10000,
                "ops/s"));
        rows.add(row(
                "spark.SparkWalBenchmark.writers16",
                "thrpt",
                16,
                p("log", "lifeboat-local", "recordBytes", "1024"),
                60000,
                "ops/s"));
        // Spark on HDFS: 8000 / 2000 = 4 < 5, missed (not 8000 / 10000, Spark's log on a local disk).
        rows.add(row(
                "spark.SparkWalBenchmark.writers16",
                "thrpt",
                16,
                p("log", "spark-file-hdfs", "recordBytes", "1024"),
                2000,
                "ops/s"));
        rows.add(row(
                "spark.SparkWalBenchmark.writers16",
                "thrpt",
                16,
                p("log", "lifeboat-hadoop", "recordBytes", "1024"),
                8000,
                "ops/s"));
        rows.add(row("shuffle.ShuffleBenchmark.rawWriteThenReadAll", "ss", 1, p("blockKiB", "16"), 100, "ms/op"));
        rows.add(row(
                "shuffle.ShuffleBenchmark.writeThenReadAll",
                "ss",
                1,
                p("backend", "local", "blockKiB", "16"),
                400,
                "ms/op"));
        rows.add(row("election.ElectionBenchmark.afterResign", "ss", 1, p("backend", "zookeeper"), 25, "ms/op"));
        rows.add(row("election.ElectionBenchmark.afterCrash", "ss", 1, p("backend", "zookeeper"), 2100, "ms/op"));
        rows.add(row(
                "engine.EngineBenchmark.wordCount", "ss", 1, p("shuffle", "local", "lines", "200000"), 500, "ms/op"));
        rows.add(row(
                "engine.EngineBenchmark.wordCountWithExecutorLoss",
                "ss",
                1,
                p("shuffle", "local", "lines", "200000"),
                750,
                "ms/op"));
        rows.add("""
                {"benchmark":"dev.lifeboat.benchmarks.wal.WalLatencyBenchmark.syncAppend1","mode":"sample","threads":1,
                 "params":{"backend":"local","recordBytes":"1024"},
                 "primaryMetric":{"score":1.0,"scoreError":0.1,"scoreUnit":"ms/op",
                   "scorePercentiles":{"50.0":0.9,"99.0":2.0,"99.9":5.0}}}""");
        rows.add("""
                {"benchmark":"dev.lifeboat.benchmarks.wal.WalLatencyBenchmark.rawWriteForce","mode":"sample","threads":1,
                 "params":{"recordBytes":"1024"},
                 "primaryMetric":{"score":0.5,"scoreError":0.1,"scoreUnit":"ms/op",
                   "scorePercentiles":{"50.0":0.45,"99.0":1.0,"99.9":3.0}}}""");
        return "[" + String.join(",\n", rows) + "]";
    }

    @Test
    void parsesJmhJsonWithNaNErrorsAndPercentiles() {
        List<Result> results = Result.read(everySuite());
        Result writers1 = results.get(1);
        assertThat(writers1.benchmark()).isEqualTo("WalAppendBenchmark.writers1");
        assertThat(writers1.param("durability")).isEqualTo("sync");
        assertThat(writers1.error()).as("JMH writes NaN errors as a string").isNaN();
        Result latency = results.stream()
                .filter(r -> r.mode().equals("sample"))
                .findFirst()
                .orElseThrow();
        assertThat(latency.percentile("99.9")).isEqualTo(5.0);
        assertThat(latency.millis()).isEqualTo(1.0);
    }

    @Test
    void rejectsWhatIsNotAResultFile() {
        assertThatThrownBy(() -> Result.read("{\"a\":1}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a JMH JSON result file");
        assertThatThrownBy(() -> Result.read("[1,"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("JSON");
    }

    @Test
    void anEmptyResultFileNamesItselfAndTheWayOut(@TempDir Path dir) throws Exception {
        Path json = Files.writeString(dir.resolve("wal-local.json"), "");
        assertThatThrownBy(() -> RunData.load(List.of(dir)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(json.toString())
                .hasMessageContaining("is empty")
                .hasMessageContaining("delete the file");
    }

    @Test
    void allocationPerOpIsReadFromTheGcProfilersSecondaryMetricAndBoundedInBytes() {
        String flush1 = "{\"benchmark\":\"" + PKG + "wal.WalAppendBenchmark.writers1\",\"mode\":\"thrpt\","
                + "\"threads\":1,\"params\":{\"backend\":\"local\",\"durability\":\"flush\","
                + "\"recordBytes\":\"1024\"},\"primaryMetric\":{\"score\":50000,\"scoreError\":\"NaN\","
                + "\"scoreUnit\":\"ops/s\"},\"secondaryMetrics\":{\"gc.alloc.rate\":{\"score\":3.2,"
                + "\"scoreUnit\":\"MB/sec\"},\"\u00b7gc.alloc.rate.norm\":{\"score\":%s,\"scoreUnit\":\"B/op\"}}}";
        Target allocation = Targets.all().stream()
                .filter(t -> t.id().equals("wal-allocation"))
                .findFirst()
                .orElseThrow();
        List<Result> lean = Result.read("[" + String.format(Locale.ROOT, flush1, "72.5") + "]");
        assertThat(lean.get(0).secondary(Result.ALLOCATED_PER_OP)).isEqualTo(72.5);
        assertThat(allocation.ratio(lean)).contains(72.5);
        assertThat(allocation.verdict(lean)).isEqualTo(Target.Verdict.MET);
        assertThat(allocation.goal()).isEqualTo("<= 128 B");
        assertThat(allocation.format(72.5)).isEqualTo("73 B");
        List<Result> fat = Result.read("[" + String.format(Locale.ROOT, flush1, "200") + "]");
        assertThat(allocation.verdict(fat)).isEqualTo(Target.Verdict.MISSED);
        assertThat(allocation.verdict(Result.read(everySuite())))
                .as("a run without the GC profiler has no figure")
                .isEqualTo(Target.Verdict.NOT_MEASURED);
    }

    @Test
    void everyTargetIsARatioOfTheSameRunWithTheRightVerdict() {
        List<Result> results = Result.read(everySuite());
        Map<String, Target.Verdict> verdicts = new LinkedHashMap<>();
        Map<String, Double> ratios = new LinkedHashMap<>();
        for (Target t : Targets.all()) {
            verdicts.put(t.id(), t.verdict(results));
            t.ratio(results).ifPresent(r -> ratios.put(t.id(), r));
        }
        assertThat(verdicts)
                .containsEntry("wal-sync-1-writer-1024", Target.Verdict.MET)
                .containsEntry("wal-sync-1-writer-100", Target.Verdict.NOT_MEASURED)
                .containsEntry("wal-sync-16-writers", Target.Verdict.MISSED)
                .containsEntry("wal-sync-64k-bandwidth", Target.Verdict.MET)
                .containsEntry("wal-vs-spark", Target.Verdict.MET)
                .containsEntry("wal-hdfs-vs-spark", Target.Verdict.MISSED)
                .containsEntry("wal-replay", Target.Verdict.MISSED)
                .containsEntry("checkpoint-256m", Target.Verdict.MET)
                .containsEntry("chronicle-append", Target.Verdict.MISSED);
        assertThat(ratios.get("wal-sync-16-writers"))
                .isCloseTo(8000 / 950.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(ratios.get("wal-replay"))
                .as("the raw read of the same size, not the first one")
                .isEqualTo(0.5);
        assertThat(ratios.get("wal-hdfs-vs-spark"))
                .as("Spark's log on the same HDFS, not on the local disk")
                .isEqualTo(4.0);
        assertThat(ratios.get("checkpoint-256m")).isCloseTo(1000 / 1100.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(ratios.get("chronicle-append")).isEqualTo(1.5);
    }

    @Test
    void writesEverySuiteWithItsRatiosChartsAndTheProfilesOfMissedTargets(@TempDir Path dir) throws Exception {
        Path results = Files.createDirectories(dir.resolve("results"));
        Files.writeString(results.resolve("all.json"), everySuite());
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("profile", "quick");
        meta.put("command", "./lifeboat bench");
        meta.put("machine.cores", "2");
        meta.put("machine.disk", "/dev/vda, ext4, SSD");
        meta.put("machine.load average", "3.77 4.66 7.24 (at start)");
        RunData.writeMeta(results, meta);
        Path profiles = Files.createDirectories(results.resolve(RunData.PROFILES));
        Files.writeString(profiles.resolve("wal-replay.txt"), """
                # Benchmark: dev.lifeboat.benchmarks.wal.WalReplayBenchmark.replay
                Secondary result "dev.lifeboat.benchmarks.wal.WalReplayBenchmark.replay:stack":
                Stack profiler:

                ....[Thread state distributions]....
                 90.0%         RUNNABLE
                 10.0%         WAITING

                ....[Thread state: RUNNABLE]....
                 60.0%  66.7% dev.lifeboat.backend.common.wal.RecordFrame.payloadCrc

                # Run complete. Total time: 00:00:12
                """);
        Path out = dir.resolve("docs").resolve("benchmarks.md");

        ReportGenerator.main(new String[] {"--out", out.toString(), results.toString()});

        String md = Files.readString(out);
        assertThat(md).contains("started at a load average of 3.77 4.66 7.24 on 2 cores: **a loaded machine**");
        assertThat(md)
                .contains(
                        "This is a `quick` run",
                        "| command | `./lifeboat bench` |",
                        "| cores | 2 |",
                        "| disk | /dev/vda, ext4, SSD |");
        assertThat(md)
                .contains(
                        "| Local WAL sync, 1 writer, 1024 B | >= 0.95 x | 0.95 x | met |",
                        "| Local WAL sync, 16 writers over 1, 1 KiB | >= 10 x | 8.42 x | **missed** |",
                        "| Local WAL sync, 1 writer, 100 B | >= 0.95 x | – | not measured in this run |",
                        "| Local WAL sync p99 latency, 1 writer, 1 KiB | <= 1.3 x | 2.00 x | **missed** |",
                        "| Chronicle backend append, 1 KiB | <= 1.2 x | 1.50 x | **missed** |");
        // Missed targets explain themselves, with the profile where one was taken.
        assertThat(md)
                .contains(
                        "### Why targets were missed",
                        "RecordFrame.payloadCrc",
                        "Stack profile of `WalReplayBenchmark.replay {backend=local}`");
        assertThat(md).doesNotContain("# Run complete");
        assertThat(md).contains("No profile for this run");
        // One section per suite, each with its ratio to its baseline.
        assertThat(md)
                .contains(
                        "## Write-ahead log: append throughput",
                        "## Write-ahead log: latency under sync",
                        "## Write-ahead log: replay",
                        "## Checkpoints",
                        "## Shuffle",
                        "## Chronicle backend over Chronicle Queue",
                        "## Leader election: fail-over",
                        "## Engine: recovery from an executor loss",
                        "## Spark's write-ahead logs",
                        "## All results");
        assertThat(md)
                .as("WAL 1 writer vs raw per record")
                .contains("| local | sync | 1024 B | 1 | 950 | 0.97 | 0.95 x |");
        assertThat(md)
                .as("latency p50 vs raw p50 in µs")
                .contains("| local | 1024 B | 1 | 900 | 2,000 | 5,000 | 1,000 | 2.00 x |");
        assertThat(md)
                .contains("## Write-ahead log layouts on Azure Blob Storage")
                .as("azure layouts: append and batch blobs vs raw Put Blob, then replay vs raw GET")
                .contains(
                        "| appendBlob | 16 × 1024 B | 400 | 6,400 | 0.80 x |",
                        "| batchBlob | 16 × 1024 B | 300 | 4,800 | 0.60 x |",
                        "| appendBlob | 16 | 4096 | 250 | 0.20 x |",
                        "| batchBlob | 16 | 4096 | 1,000 | 0.05 x |");
        assertThat(md).as("replay MB/s and ratio").contains("| local | 1024 MiB | 200 | 5,369 | 0.50 x |");
        assertThat(md)
                .as("checkpoint read vs raw read")
                .contains("| local | read back, verified | 256 MiB | 1 | 300 | 895 | 0.50 x |");
        assertThat(md).as("shuffle vs raw").contains("| local | 16 KiB | 400 | 41.9 | 0.25 x |");
        assertThat(md).as("chronicle replay vs raw tail").contains("| backendReplay | 1024 B | 600 | 2.00 x |");
        assertThat(md).as("election").contains("| zookeeper | 25.0 | 2,100 |");
        assertThat(md).as("engine overhead").contains("| local | 200000 | 500 | 750 | 1.50 x |");
        assertThat(md).as("spark ratio").contains("| lifeboat-local | 1024 B | 16 | 60,000 | 61.4 | 6.00 x |");

        Path charts = dir.resolve("docs").resolve("benchmarks");
        for (String chart : List.of(
                "targets.svg",
                "wal-append-sync.svg",
                "wal-latency.svg",
                "wal-replay.svg",
                "checkpoint-commit.svg",
                "shuffle.svg",
                "chronicle.svg",
                "election.svg",
                "engine.svg",
                "spark.svg")) {
            assertThat(charts.resolve(chart)).exists();
            assertThat(md).contains("(benchmarks/" + chart + ")");
            assertThat(Files.readString(charts.resolve(chart)))
                    .startsWith("<svg")
                    .endsWith("</svg>\n");
        }
        // A missed target's bar is red; the others blue.
        String targets = Files.readString(charts.resolve("targets.svg"));
        assertThat(targets).contains("#d9534f", "#4a7ebb", "8.42 x (goal &gt;= 10 x)");
    }

    @Test
    void aFullRunIsNotLabelledQuickAndSuitesWithoutResultsAreLeftOut(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("r.json");
        Files.writeString(
                json,
                "[" + row("wal.RawDiskBenchmark.forcePerRecord", "thrpt", 1, p("recordBytes", "1024"), 1000, "ops/s")
                        + "]");
        RunData data = RunData.load(List.of(json)).withMeta("profile", "full");
        String md = ReportGenerator.generate(data, "charts").markdown();
        assertThat(md)
                .doesNotContain("This is a")
                .contains("## Write-ahead log: append throughput")
                .doesNotContain("## Checkpoints", "## Spark's write-ahead logs", "### Why targets were missed");
    }

    @Test
    void stackExcerptKeepsTheLastProfileAndStopsAtTheNextSection() {
        String out = """
                Stack profiler:
                old
                # Run progress
                Secondary result "x:stack":
                Stack profiler:

                ....[Thread state distributions]....
                 100.0%         RUNNABLE
                Secondary result "x:·gc.alloc.rate":
                """;
        assertThat(TargetSection.stackExcerpt(out)).isEqualTo("""
                Stack profiler:

                ....[Thread state distributions]....
                 100.0%         RUNNABLE
                """).doesNotContain("old");
        assertThat(TargetSection.stackExcerpt("nothing")).contains("no stack profile");
    }

    @Test
    void metaSurvivesAWriteAndReadInOrderWithOddCharacters(@TempDir Path dir) throws Exception {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("profile", "full");
        meta.put("command", "./lifeboat bench --full");
        meta.put("machine.cpu", "Intel(R) Xeon(R) @ 2.20GHz: µ=1");
        meta.put("machine.load average", "15.9 16.1 13.9 (at start)");
        RunData.writeMeta(dir, meta);
        Files.writeString(
                dir.resolve("x.json"),
                "[" + row("wal.RawDiskBenchmark.forcePerMiB", "thrpt", 1, p("recordBytes", "1024"), 1, "ops/s") + "]");
        RunData data = RunData.load(List.of(dir));
        assertThat(data.meta()).containsExactlyEntriesOf(meta);
        assertThat(data.machine()).containsOnlyKeys("cpu", "load average");
    }

    @Test
    void replacesOnlyTheReportInsideAHandWrittenGuide(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("r.json");
        Files.writeString(json, everySuite());
        Path out = dir.resolve("benchmarks.md");
        Files.writeString(
                out,
                "# Benchmarks\n\nHow to run.\n\n" + ReportGenerator.BEGIN + "\nold report\n" + ReportGenerator.END
                        + "\n\n## Afterword\n");
        ReportGenerator.write(out, RunData.load(List.of(json)).withMeta("profile", "full"));
        String md = Files.readString(out);
        assertThat(md)
                .startsWith("# Benchmarks\n\nHow to run.\n\n" + ReportGenerator.BEGIN + "\n\n## Latest results\n")
                .endsWith(ReportGenerator.END + "\n\n## Afterword\n")
                .doesNotContain("old report")
                .contains("\n### Targets\n", "\n#### Why targets were missed\n", "\n### Shuffle\n");
        assertThat(md.indexOf("# Benchmarks")).isEqualTo(md.lastIndexOf("# Benchmarks"));
        // Without markers, the file is the report.
        Path plain = dir.resolve("plain.md");
        Files.writeString(plain, "anything");
        ReportGenerator.write(plain, RunData.load(List.of(json)));
        assertThat(Files.readString(plain)).startsWith("# Benchmarks\n").doesNotContain("anything");
    }
}
