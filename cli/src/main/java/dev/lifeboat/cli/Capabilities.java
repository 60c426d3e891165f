package dev.lifeboat.cli;

import dev.lifeboat.cli.tck.KitMatrix;
import dev.lifeboat.spi.BackendProvider;
import dev.lifeboat.spi.Capability;
import dev.lifeboat.spi.checkpoint.CheckpointStoreProvider;
import dev.lifeboat.spi.election.LeaderElectionProvider;
import dev.lifeboat.spi.fault.SupportsFaultInjection;
import dev.lifeboat.spi.shuffle.ShuffleBlockStoreProvider;
import dev.lifeboat.spi.wal.WriteAheadLogProvider;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@code lifeboat capabilities [--write FILE]}: what every backend on the command's class path
 * declares (capability × scheme, and fault injection), as Markdown. {@code --write FILE}
 * regenerates that part of {@code docs/capabilities.md} and keeps the file's kit results, which
 * the CLI's tests produce by running the kit against each backend ({@link KitMatrix}); a test fails
 * the build when either part is stale.
 */
final class Capabilities {
    private record Contract(String title, String prefix, Class<? extends BackendProvider<?>> type) {}

    private static final List<Contract> CONTRACTS = List.of(
            new Contract("Write-ahead log", "WAL_", WriteAheadLogProvider.class),
            new Contract("Checkpoint store", "CHECKPOINT_", CheckpointStoreProvider.class),
            new Contract("Shuffle block store", "SHUFFLE_", ShuffleBlockStoreProvider.class),
            new Contract("Leader election", "ELECTION_", LeaderElectionProvider.class));

    /** The backends whose kit results the page shows, in its order: the CLI's tests run each. */
    static final List<String> KIT_BACKENDS = List.of("local", "mem", "chronicle", "hdfs", "s3", "azure", "zookeeper");

    private Capabilities() {}

    static int run(String[] args, PrintStream out) throws IOException {
        Path write = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--write") && i + 1 < args.length) {
                write = Path.of(args[++i]);
            } else {
                throw new IllegalArgumentException(
                        "unexpected argument '" + args[i] + "' (usage: capabilities [--write FILE])");
            }
        }
        if (write == null) {
            out.print(declared());
        } else {
            String old = Files.exists(write) ? Files.readString(write, StandardCharsets.UTF_8) : "";
            Files.writeString(write, markdown(KitMatrix.sections(old)), StandardCharsets.UTF_8);
            out.println("wrote " + write + " (the kit results kept as they were: the CLI's tests regenerate them)");
        }
        return 0;
    }

    /**
     * The whole page: the legend, the declared capabilities, then each of {@link #KIT_BACKENDS}'
     * kit section from {@code kitSections} (a placeholder saying how to produce a missing one).
     */
    static String markdown(Map<String, String> kitSections) {
        StringBuilder md = new StringBuilder();
        md.append("# Capabilities of the backends\n\n")
                .append("What each backend guarantees, and what the compatibility kit (`compat-tests`) found when it\n")
                .append("ran against it. A backend declares the capabilities it has; the kit skips the tests of a\n")
                .append("guarantee that is not declared, with the reason `backend does not declare <CAPABILITY>`\n")
                .append("(and the damage tests of a backend without fault injection, with `backend does not\n")
                .append("support fault injection`); every other test must pass. Nothing here is typed by hand:\n")
                .append("see [How this page is made](#how-this-page-is-made).\n\n")
                .append("## Declared capabilities\n\n")
                .append("✓: declared. —: not declared (the kit skips those tests). Empty: the scheme has no\n")
                .append("provider of that contract. What each capability guarantees: the Javadoc of\n")
                .append("`dev.lifeboat.spi.Capability`.\n\n")
                .append(declaredTable())
                .append("\n## Kit results\n\n")
                .append("The kit's four contracts run by `lifeboat tck` against each backend the project ships,\n")
                .append("on the real server the CLI's tests start. Counted per test method (the cases of a\n")
                .append("parameterized test are one method); every skip is listed with the reason the kit gave.\n\n");
        for (String name : KIT_BACKENDS) {
            String section = kitSections.get(name);
            md.append(
                            section != null
                                    ? section
                                    : "<!-- kit: " + name + " -->\n### " + name
                                            + " — not run yet: see below how to produce it\n<!-- /kit: " + name
                                            + " -->\n")
                    .append('\n');
        }
        md.append("## How this page is made\n\n")
                .append("`./lifeboat capabilities --write docs/capabilities.md` regenerates the declared\n")
                .append("capabilities from the providers the command carries. The kit results are written by the\n")
                .append("CLI's tests, which run the whole kit against every backend above:\n\n")
                .append("```\n")
                .append("./mvnw -B -pl cli -am verify -Dlifeboat.capabilities.write=true \\\n")
                .append(
                        "    -Dtest='KitMatrixTest,BackendServersTest,AzureCommandTest,CapabilitiesDocTest' -Dsurefire.failIfNoSpecifiedTests=false\n")
                .append("```\n\n")
                .append("Every build checks the page: `CapabilitiesDocTest` fails when the declared part differs\n")
                .append("from the providers. `KitMatrixTest` (`file:`, `mem:`, `chronicle:`), `BackendServersTest`\n")
                .append("(HDFS, S3 and ZooKeeper) and `AzureCommandTest` (Azurite), on the servers they start,\n")
                .append("rerun every listed skip and deviation through the same launcher and check that the kit's\n")
                .append("tests are still the ones counted, so a new or removed test, a changed capability or a\n")
                .append("changed skip fails the build. The tests counted as passed are not rerun there: each\n")
                .append("backend's own build runs the whole kit (its `*CompatibilityTest` classes), and the command\n")
                .append("above runs it here.\n")
                .append("Not here: the `hadoop:` providers (any Hadoop file system), whose kit runs in their own\n")
                .append("module's build against the local file system. `lifeboat tck <uri>` prints the same table\n")
                .append("for your backend.\n");
        return md.toString();
    }

    /** The declared part alone: one table, a row per capability, a column per scheme. */
    static String declared() {
        return "# Declared capabilities of the backends on the class path\n\n"
                + "✓: declared. —: not declared. Empty: no provider of that contract for the scheme.\n\n"
                + declaredTable();
    }

    private static String declaredTable() {
        Map<Contract, Map<String, BackendProvider<?>>> byScheme = new LinkedHashMap<>();
        SortedSet<String> schemes = new TreeSet<>();
        for (Contract c : CONTRACTS) {
            Map<String, BackendProvider<?>> providers = new TreeMap<>();
            for (BackendProvider<?> p : ServiceLoader.load(c.type(), Capabilities.class.getClassLoader())) {
                String scheme = p.scheme().toLowerCase(Locale.ROOT);
                providers.merge(
                        scheme,
                        p,
                        (a, b) -> a.getClass().getName().compareTo(b.getClass().getName()) <= 0 ? a : b);
                schemes.add(scheme);
            }
            byScheme.put(c, providers);
        }
        StringBuilder md = new StringBuilder("| Contract | Capability |");
        schemes.forEach(s -> md.append(" `").append(s).append(":` |"));
        md.append("\n|---|---|");
        schemes.forEach(s -> md.append(":-:|"));
        md.append('\n');
        for (Contract c : CONTRACTS) {
            Map<String, BackendProvider<?>> providers = byScheme.get(c);
            List<String> rows = new ArrayList<>();
            Arrays.stream(Capability.values())
                    .filter(k -> k.name().startsWith(c.prefix()))
                    .forEach(k -> rows.add(k.name()));
            rows.add("fault injection");
            for (String row : rows) {
                md.append("| ")
                        .append(c.title())
                        .append(" | ")
                        .append(row.equals("fault injection") ? row : "`" + row + "`")
                        .append(" |");
                for (String s : schemes) {
                    BackendProvider<?> p = providers.get(s);
                    boolean has = p != null
                            && (row.equals("fault injection")
                                    ? p instanceof SupportsFaultInjection
                                    : p.capabilities().contains(Capability.valueOf(row)));
                    md.append(p == null ? "  |" : has ? " ✓ |" : " — |");
                }
                md.append('\n');
            }
        }
        return md.toString();
    }
}
