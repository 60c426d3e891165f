package dev.lifeboat.benchmarks.report;

import dev.lifeboat.benchmarks.report.Svg.Bar;
import dev.lifeboat.benchmarks.report.Svg.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The report's targets: each as a ratio of the same run against its goal, a chart of how far each
 * got, and for each missed one what usually bounds it and its stack profile.
 */
final class TargetSection {
    private static final int PROFILE_LINES = 30;

    private final ReportContext report;
    private final List<Result> results;

    TargetSection(ReportContext report) {
        this.report = report;
        this.results = report.results();
    }

    /** Every target's row and bar, then why each missed one was missed. */
    String markdown() {
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
                    .append(report.chart(
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
                String profile = report.data().profiles().get(t.id());
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
}
