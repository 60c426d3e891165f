package dev.lifeboat.benchmarks.report;

import static dev.lifeboat.benchmarks.report.SuiteRows.MB;
import static dev.lifeboat.benchmarks.report.SuiteRows.MIB;
import static dev.lifeboat.benchmarks.report.SuiteRows.inverseRatio;
import static dev.lifeboat.benchmarks.report.SuiteRows.sorted;

import dev.lifeboat.benchmarks.report.Svg.Bar;
import dev.lifeboat.benchmarks.report.Svg.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The checkpoint store's and the shuffle store's sections of the report, each beside its raw baseline. */
final class StoreSections {
    private final ReportContext report;
    private final List<Result> results;

    StoreSections(ReportContext report) {
        this.report = report;
        this.results = report.results();
    }

    /** Checkpoint commits and verified reads, beside plain files written and forced, and read. */
    String checkpoints() {
        List<Result> cp = sorted(report.suite("CheckpointBenchmark"), "backend", "sizeMiB", "parts");
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
                .append(report.chart(
                        "checkpoint-commit.svg", "Checkpoint commit (size / parts), MB/s", bars, "MB/s", true));
        return md.append('\n').toString();
    }

    /** What a checkpoint benchmark method does, for the table. */
    private static String label(String method) {
        return switch (method) {
            case "rawWriteForce" -> "write + force";
            case "rawRead" -> "read";
            case "readBack" -> "read back, verified";
            default -> method;
        };
    }

    /** A whole shuffle written and read back, beside plain files. */
    String shuffle() {
        List<Result> sh = sorted(report.suite("ShuffleBenchmark"), "backend");
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
        md.append('\n').append(report.chart("shuffle.svg", "Shuffle write + read, MB/s", bars, "MB/s", true));
        return md.append('\n').toString();
    }
}
