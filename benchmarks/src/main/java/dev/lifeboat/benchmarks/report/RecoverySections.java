package dev.lifeboat.benchmarks.report;

import static dev.lifeboat.benchmarks.report.SuiteRows.backends;
import static dev.lifeboat.benchmarks.report.SuiteRows.ratio;
import static dev.lifeboat.benchmarks.report.SuiteRows.sorted;

import dev.lifeboat.benchmarks.report.Svg.Bar;
import dev.lifeboat.benchmarks.report.Svg.Kind;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** The sections of the report on how long recovery takes: leader fail-over, and an engine's executor loss. */
final class RecoverySections {
    private final ReportContext report;
    private final List<Result> results;

    RecoverySections(ReportContext report) {
        this.report = report;
        this.results = report.results();
    }

    /** Fail-over time per backend, after a resignation and after a crash. */
    String election() {
        List<Result> el = sorted(report.suite("ElectionBenchmark"), "backend");
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
        md.append('\n').append(report.chart("election.svg", "Leader fail-over time", bars, "ms", true));
        return md.append('\n').toString();
    }

    /** The word count's time without and with an executor lost, per shuffle store. */
    String engine() {
        List<Result> en = report.suite("EngineBenchmark");
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
                .sorted(Comparator.comparingInt(SuiteRows::backendRank))
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
        md.append('\n').append(report.chart("engine.svg", "Word count time", bars, "ms", false));
        return md.append('\n').toString();
    }
}
