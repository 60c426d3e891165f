package dev.lifeboat.benchmarks.report;

import static dev.lifeboat.benchmarks.report.SuiteRows.MB;
import static dev.lifeboat.benchmarks.report.SuiteRows.MIB;
import static dev.lifeboat.benchmarks.report.SuiteRows.inverseRatio;
import static dev.lifeboat.benchmarks.report.SuiteRows.mbPerSecond;
import static dev.lifeboat.benchmarks.report.SuiteRows.ratio;
import static dev.lifeboat.benchmarks.report.SuiteRows.sorted;

import dev.lifeboat.benchmarks.report.Svg.Bar;
import dev.lifeboat.benchmarks.report.Svg.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The write-ahead log's sections of the report: append throughput, latency under sync, replay,
 * the two log layouts on Azure Blob Storage, and the Chronicle backend; each beside its raw baseline.
 */
final class WalSections {
    private final ReportContext report;
    private final List<Result> results;

    WalSections(ReportContext report) {
        this.report = report;
        this.results = report.results();
    }

    /** Records/s and MB/s of every log, beside raw writes forced per record and per MiB. */
    String appendThroughput() {
        List<Result> wal = sorted(report.suite("WalAppendBenchmark"), "backend", "durability", "recordBytes");
        List<Result> raw = sorted(report.suite("RawDiskBenchmark"), "recordBytes");
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
        md.append('\n')
                .append(report.chart("wal-append-sync.svg", "WAL append at durability=sync, MB/s", bars, "MB/s", true));
        return md.append('\n').toString();
    }

    /** Percentiles of one synced write, beside one raw write + force. */
    String latency() {
        List<Result> lat = sorted(report.suite("WalLatencyBenchmark"), "backend");
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
        md.append('\n').append(report.chart("wal-latency.svg", "Sync append latency, p50 and p99", bars, "µs", true));
        return md.append('\n').toString();
    }

    /** Time and MB/s of a verified replay, beside a raw sequential read of as many bytes. */
    String replay() {
        List<Result> replay = sorted(report.suite("WalReplayBenchmark"), "backend");
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
        md.append('\n').append(report.chart("wal-replay.svg", "WAL replay, MB/s", bars, "MB/s", true));
        return md.append('\n').toString();
    }

    /** The two WAL layouts on Azure Blob Storage (Azurite), side by side with raw Put Blob / GET. */
    String azureLayouts() {
        List<Result> write = sorted(report.suite("AzureWalLayoutBenchmark"), "batchRecords");
        List<Result> replay = sorted(report.suite("AzureWalLayoutReplayBenchmark"), "batchRecords");
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

    /** Time per record of the Chronicle backend, beside Chronicle's own appender and tailer. */
    String chronicle() {
        List<Result> ch = sorted(report.suite("ChronicleBenchmark"), "recordBytes");
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
        md.append('\n').append(report.chart("chronicle.svg", "Chronicle: time per record", bars, "ns", true));
        return md.append('\n').toString();
    }
}
