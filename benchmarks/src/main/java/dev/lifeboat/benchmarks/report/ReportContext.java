package dev.lifeboat.benchmarks.report;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.benchmarks.report.Svg.Bar;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What every section of one report reads, and where it leaves its charts: the run's data, and the
 * SVG charts drawn so far, which the Markdown refers to as {@code chartDir/name}.
 */
final class ReportContext {
    private final RunData data;
    private final String chartDir;
    private final Map<String, String> charts = new LinkedHashMap<>();

    ReportContext(RunData data, String chartDir) {
        this.data = requireNonNull(data, "data is null");
        this.chartDir = requireNonNull(chartDir, "chartDir is null");
    }

    RunData data() {
        return data;
    }

    /** Every result of the run, in file order. */
    List<Result> results() {
        return data.results();
    }

    /** The results of one benchmark class ({@code WalAppendBenchmark}), in file order. */
    List<Result> suite(String suite) {
        return data.results().stream().filter(r -> r.suite().equals(suite)).toList();
    }

    /** Draws {@code bars} as the chart {@code name} and returns the Markdown line that shows it. */
    String chart(String name, String title, List<Bar> bars, String unit, boolean log) {
        charts.put(name, Svg.bars(title, bars, unit, log));
        return "![" + title + "](" + chartDir + "/" + name + ")\n";
    }

    /** The charts drawn so far: file name to SVG. */
    Map<String, String> charts() {
        return Collections.unmodifiableMap(charts);
    }
}
