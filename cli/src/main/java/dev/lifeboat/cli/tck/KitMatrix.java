package dev.lifeboat.cli.tck;

import dev.lifeboat.cli.tck.Tck.Contract;
import dev.lifeboat.cli.tck.Tck.ContractRun;
import dev.lifeboat.cli.tck.Tck.Outcome;
import dev.lifeboat.cli.tck.Tck.Result;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The kit's results for one backend as a section of {@code docs/capabilities.md}: per contract the
 * provider and the passed, skipped and failed test methods, then every skip with its reason and
 * every failure's first line. Counted per test method (a parameterized test's cases are one
 * method: it passed if no case failed and one ran), so the section reads the same whatever the
 * rounds of the fault loops; it holds no timing, path or port, so the same run renders the same
 * text.
 *
 * <p>A section starts with {@code <!-- kit: NAME -->} and ends with {@code <!-- /kit: NAME -->};
 * {@link #sections} finds them in a document and {@link #replace} swaps one.
 */
public final class KitMatrix {
    /**
     * System property: {@code true} runs the whole kit against every backend in the CLI's tests and
     * rewrites their sections of {@code docs/capabilities.md} (instead of checking them).
     */
    public static final String WRITE_PROPERTY = "lifeboat.capabilities.write";

    private static final Pattern SECTION =
            Pattern.compile("<!-- kit: ([a-z0-9-]+) -->\n.*?<!-- /kit: \\1 -->\n", Pattern.DOTALL);
    private static final Pattern SKIP_LINE = Pattern.compile("^- (.+?), `([^`]+)`: (.*)$", Pattern.MULTILINE);
    private static final Pattern TCK_ROOT = Pattern.compile("tck-[0-9a-f-]{13}");

    private KitMatrix() {}

    /** A test method's result over its cases. */
    public record MethodResult(String method, Outcome outcome, String reason) {}

    /** A contract's results per test method, and the provider (its simple class name) they are of. */
    public record ContractResult(String provider, List<MethodResult> methods) {}

    /** Whether this run writes the matrix ({@value #WRITE_PROPERTY}{@code =true}) rather than checks it. */
    public static boolean writing() {
        return Boolean.getBoolean(WRITE_PROPERTY);
    }

    /**
     * The results per test method, by name: failed if a case failed, skipped if every case was
     * (with the distinct reasons, joined by {@code "; "}), passed otherwise.
     */
    public static List<MethodResult> byMethod(List<Result> results) {
        Objects.requireNonNull(results, "results");
        Map<String, List<Result>> methods = new TreeMap<>();
        for (Result r : results) {
            methods.computeIfAbsent(r.method(), k -> new ArrayList<>()).add(r);
        }
        List<MethodResult> out = new ArrayList<>();
        methods.forEach((method, cases) -> {
            Optional<Result> failed =
                    cases.stream().filter(c -> c.outcome() == Outcome.FAILED).findFirst();
            if (failed.isPresent()) {
                out.add(new MethodResult(method, Outcome.FAILED, failed.get().reason()));
            } else if (cases.stream().allMatch(c -> c.outcome() == Outcome.SKIPPED)) {
                Set<String> reasons = new LinkedHashSet<>();
                cases.forEach(c -> reasons.add(c.reason()));
                out.add(new MethodResult(method, Outcome.SKIPPED, String.join("; ", reasons)));
            } else {
                out.add(new MethodResult(method, Outcome.PASSED, ""));
            }
        });
        return out;
    }

    /**
     * One backend's section: a heading with {@code name} and {@code target} (what the kit ran
     * against, in words), a table of the contracts a provider served, the skips and the failures.
     * {@code uri} (the URI the kit ran against) is replaced by {@code <uri>} in reasons. A failed
     * test named in {@code deviations} (test method → what the backend does instead and where that
     * is documented) is counted and listed as a deviation, not a failure.
     */
    public static String section(
            String name,
            String target,
            String uri,
            Map<Contract, ContractResult> runs,
            Map<String, String> deviations) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(deviations, "deviations");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(runs, "runs");
        if (!name.matches("[a-z0-9-]+")) {
            throw new IllegalArgumentException("section name '" + name + "' must be lower-case letters, digits, '-'");
        }
        StringBuilder md = new StringBuilder();
        md.append("<!-- kit: ").append(name).append(" -->\n");
        md.append("### ").append(name).append(" — ").append(target).append("\n\n");
        md.append("| Contract | Provider | Passed | Skipped | Failed | Deviates |\n|---|---|---:|---:|---:|---:|\n");
        List<String> skips = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        List<String> deviating = new ArrayList<>();
        runs.forEach((contract, result) -> {
            List<MethodResult> methods = result.methods();
            md.append("| ")
                    .append(contract.title())
                    .append(" | `")
                    .append(result.provider())
                    .append("` | ")
                    .append(count(methods, Outcome.PASSED))
                    .append(" | ")
                    .append(count(methods, Outcome.SKIPPED))
                    .append(" | ")
                    .append(methods.stream()
                            .filter(m -> m.outcome() == Outcome.FAILED && !deviations.containsKey(m.method()))
                            .count())
                    .append(" | ")
                    .append(methods.stream()
                            .filter(m -> m.outcome() == Outcome.FAILED && deviations.containsKey(m.method()))
                            .count())
                    .append(" |\n");
            for (MethodResult m : methods) {
                String line = "- " + contract.title() + ", `" + m.method() + "`: " + clean(m.reason(), uri) + "\n";
                if (m.outcome() == Outcome.SKIPPED) {
                    skips.add(line);
                } else if (m.outcome() == Outcome.FAILED && deviations.containsKey(m.method())) {
                    deviating.add("- " + contract.title() + ", `" + m.method() + "`: " + deviations.get(m.method())
                            + " The kit's test fails with " + clean(m.reason(), uri) + "\n");
                } else if (m.outcome() == Outcome.FAILED) {
                    failures.add(line);
                }
            }
        });
        md.append(skips.isEmpty() ? "\nSkipped: none.\n" : "\nSkipped:\n\n");
        skips.forEach(md::append);
        if (!deviating.isEmpty()) {
            md.append("\nDeviates on purpose (the backend's own kit test overrides the test and asserts what it"
                    + " does instead):\n\n");
            deviating.forEach(md::append);
        }
        if (!failures.isEmpty()) {
            md.append("\nFailed:\n\n");
            failures.forEach(md::append);
        }
        md.append("<!-- /kit: ").append(name).append(" -->\n");
        return md.toString();
    }

    /** {@link #section} of the runs of {@link Tck#run}, the contracts no provider serves left out. */
    public static String section(
            String name, String target, String uri, List<ContractRun> runs, Map<String, String> deviations) {
        Map<Contract, ContractResult> byContract = new LinkedHashMap<>();
        for (ContractRun run : runs) {
            if (run.provider().isPresent()) {
                String provider = run.provider().get();
                byContract.put(
                        run.contract(),
                        new ContractResult(provider.substring(provider.lastIndexOf('.') + 1), byMethod(run.results())));
            }
        }
        return section(name, target, uri, byContract, deviations);
    }

    private static long count(List<MethodResult> methods, Outcome outcome) {
        return methods.stream().filter(m -> m.outcome() == outcome).count();
    }

    /** A reason without what differs from run to run: the kit's URI, its random roots. */
    private static String clean(String reason, String uri) {
        String r = uri == null || uri.isEmpty() ? reason : reason.replace(uri, "<uri>");
        return TCK_ROOT.matcher(r).replaceAll("tck-<id>").replace("\n", " ");
    }

    /** The kit sections of {@code doc}, by name, in the order they appear. */
    public static Map<String, String> sections(String doc) {
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = SECTION.matcher(Objects.requireNonNull(doc, "doc"));
        while (m.find()) {
            out.put(m.group(1), m.group());
        }
        return out;
    }

    /**
     * {@code doc} with the section named like {@code section} replaced by it.
     *
     * @throws IllegalArgumentException if {@code doc} has no such section
     */
    public static String replace(String doc, String section) {
        Map<String, String> mine = sections(section);
        if (mine.size() != 1) {
            throw new IllegalArgumentException("not one kit section: " + section);
        }
        String name = mine.keySet().iterator().next();
        String old = sections(doc).get(name);
        if (old == null) {
            throw new IllegalArgumentException("the document has no kit section '" + name + "'");
        }
        return doc.replace(old, section);
    }

    /** The test methods {@code section} lists as skipped, per contract, with their reasons. */
    public static Map<Contract, Map<String, String>> skipped(String section) {
        Map<Contract, Map<String, String>> out = new LinkedHashMap<>();
        Matcher m = SKIP_LINE.matcher(section.substring(0, skipsEnd(section)));
        while (m.find()) {
            Contract c = Contract.byTitle(m.group(1));
            out.computeIfAbsent(c, k -> new TreeMap<>()).put(m.group(2), m.group(3));
        }
        return out;
    }

    private static int skipsEnd(String section) {
        int end = section.length();
        for (String next : List.of("\nDeviates on purpose", "\nFailed:\n")) {
            int at = section.indexOf(next);
            if (at >= 0) {
                end = Math.min(end, at);
            }
        }
        return end;
    }
}
