package dev.lifeboat.benchmarks.report;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The report's sections about the run itself: a caveat when it is not a full run, what it was and
 * ran on, and, last, every result as JMH gave it.
 */
final class RunSections {
    private final RunData data;
    private final List<Result> results;

    RunSections(ReportContext report) {
        this.data = report.data();
        this.results = report.results();
    }

    /** For any run but a full one, a paragraph on what its numbers are worth; "" for a full run. */
    String caveat() {
        String profile = data.meta().getOrDefault("profile", "unknown");
        if (profile.equals("full")) {
            return "";
        }
        StringBuilder md = new StringBuilder("> **This is a `")
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
        return md.append("\n\n").toString();
    }

    /** What the run was (profile, command, times, failures) and what it ran on. */
    String table() {
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

    /** Every result, in file order, folded away. */
    String allResults() {
        StringBuilder md = new StringBuilder("## All results\n\n<details><summary>Every JMH result of the run")
                .append(" (score ± 99.9% confidence half-width)</summary>\n\n");
        md.append("| benchmark | mode | params | threads | score | unit |\n|---|---|---|---|---|---|\n");
        for (Result r : results) {
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %s | %s | %d | %s | %s |%n",
                    r.benchmark(),
                    r.mode(),
                    r.params().isEmpty() ? "" : new TreeMap<>(r.params()).toString(),
                    r.threads(),
                    Format.score(r.score(), r.error()),
                    r.unit()));
        }
        return md.append("\n</details>\n").toString();
    }
}
