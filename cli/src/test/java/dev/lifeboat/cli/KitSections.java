package dev.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.cli.tck.KitMatrix;
import dev.lifeboat.cli.tck.KitMatrix.ContractResult;
import dev.lifeboat.cli.tck.KitMatrix.MethodResult;
import dev.lifeboat.cli.tck.Tck;
import dev.lifeboat.cli.tck.Tck.Contract;
import dev.lifeboat.cli.tck.Tck.ContractRun;
import dev.lifeboat.cli.tck.Tck.Outcome;
import dev.lifeboat.spi.BackendProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A backend's kit section of docs/capabilities.md, checked against a kit run (or, with {@value
 * KitMatrix#WRITE_PROPERTY}{@code =true}, rewritten from one). Test classes call it once per
 * backend, against the server they share.
 */
final class KitSections {
    static final Path DOC = Path.of("..", "docs", "capabilities.md");

    static final String REGENERATE = "./mvnw -B -pl cli -am verify -Dlifeboat.capabilities.write=true"
            + " -Dtest='KitMatrixTest,BackendServersTest,AzureCommandTest,CapabilitiesDocTest' -Dsurefire.failIfNoSpecifiedTests=false";

    private KitSections() {}

    /** Runs the whole kit against {@code uri} and checks (writing: rewrites) the backend's section. */
    static void wholeKit(String name, String target, URI uri, Map<String, String> options) {
        wholeKit(name, target, uri, options, Map.of());
    }

    /**
     * As {@link #wholeKit(String, String, URI, Map)}, for a backend whose own kit test overrides
     * the tests named in {@code deviations} to assert a documented deviation: those fail here.
     */
    static void wholeKit(
            String name, String target, URI uri, Map<String, String> options, Map<String, String> deviations) {
        List<ContractRun> runs = Tck.run(uri, Set.of(), options, null);
        String section = KitMatrix.section(name, target, uri.toString(), runs, deviations);
        System.out.print(section);
        if (KitMatrix.writing()) {
            write(name, section);
        } else {
            assertThat(section(name))
                    .as("the kit's results for " + name + " differ from docs/capabilities.md (on the left);"
                            + " if the change is meant, regenerate it: " + REGENERATE)
                    .isEqualTo(section);
        }
        List<String> failures = runs.stream()
                .flatMap(r -> r.results().stream())
                .filter(r -> r.outcome() == Outcome.FAILED && !deviations.containsKey(r.method()))
                .map(r -> r.test() + ": " + r.reason() + "\n" + r.trace())
                .toList();
        assertThat(failures).as("kit failures against " + name).isEmpty();
    }

    /**
     * Checks the backend's section without running the tests it counts as passed (each backend's
     * own build runs them; writing runs the whole kit): discovers the kit's test methods of each
     * contract the URI is served for, and runs those the section lists as skipped (and the
     * deviations). Fails when a
     * test was added or removed, when a listed skip now runs or skips for another reason, or when
     * a contract gained or lost its provider.
     */
    static void listedSkips(String name, String target, URI uri, Map<String, String> options) {
        listedSkips(name, target, uri, options, Map.of());
    }

    /** As {@link #listedSkips(String, String, URI, Map)}, rerunning the {@code deviations} too. */
    static void listedSkips(
            String name, String target, URI uri, Map<String, String> options, Map<String, String> deviations) {
        if (KitMatrix.writing()) {
            wholeKit(name, target, uri, options, deviations);
            return;
        }
        String doc = section(name);
        Map<Contract, Map<String, String>> listed = KitMatrix.skipped(doc);
        Map<Contract, ContractResult> results = new LinkedHashMap<>();
        for (Contract c : Contract.values()) {
            Optional<BackendProvider<?>> provider = c.provider(uri);
            if (provider.isEmpty()) {
                continue;
            }
            // Counted as passed here, as the section says they did in the whole kit's last run.
            Map<String, MethodResult> byMethod = new TreeMap<>();
            for (String m : c.testMethods()) {
                byMethod.put(m, new MethodResult(m, Outcome.PASSED, ""));
            }
            Set<String> skips =
                    new java.util.TreeSet<>(listed.getOrDefault(c, Map.of()).keySet());
            deviations.keySet().stream().filter(byMethod::containsKey).forEach(skips::add);
            if (!skips.isEmpty()) {
                String only = skips.stream().map(Pattern::quote).collect(Collectors.joining("|"));
                ContractRun run = Tck.run(uri, EnumSet.of(c), accepted(provider.get(), options), only)
                        .get(0);
                for (MethodResult r : KitMatrix.byMethod(run.results())) {
                    byMethod.put(r.method(), r);
                }
            }
            results.put(
                    c, new ContractResult(provider.get().getClass().getSimpleName(), List.copyOf(byMethod.values())));
        }
        String section = KitMatrix.section(name, target, uri.toString(), results, deviations);
        assertThat(doc)
                .as("docs/capabilities.md (on the left) is stale for " + name + ": the kit's tests or its skips"
                        + " changed; regenerate it: " + REGENERATE)
                .isEqualTo(section);
    }

    /** The options {@code provider} accepts: one option list serves every contract, as for lifeboat tck. */
    private static Map<String, String> accepted(BackendProvider<?> provider, Map<String, String> options) {
        Map<String, String> accepted = new LinkedHashMap<>();
        options.forEach((k, v) -> {
            if (provider.options().stream().anyMatch(spec -> spec.accepts(k))) {
                accepted.put(k, v);
            }
        });
        return accepted;
    }

    /** The backend's section in docs/capabilities.md. */
    static String section(String name) {
        String section = KitMatrix.sections(read()).get(name);
        assertThat(section)
                .as("docs/capabilities.md has no kit section '" + name + "': regenerate it: " + REGENERATE)
                .isNotNull();
        return section;
    }

    static String read() {
        try {
            return Files.readString(DOC, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static synchronized void write(String name, String section) {
        Map<String, String> sections = new LinkedHashMap<>(KitMatrix.sections(read()));
        sections.put(name, section);
        try {
            Files.writeString(DOC, Capabilities.markdown(sections), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
