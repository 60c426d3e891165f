package dev.lifeboat.cli.tck;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.lifeboat.spi.BackendProvider;
import dev.lifeboat.spi.Lifeboat;
import java.io.PrintStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.junit.platform.engine.FilterResult;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.PostDiscoveryFilter;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * {@code lifeboat tck <uri>}: runs the compatibility kit's contracts against the backend that
 * serves a URI, through the JUnit Platform launcher, and prints a pass/skip/fail table per
 * contract with the reason of every skip and the first line of every failure.
 *
 * <p>Exit status: 0 if no test failed, 1 if one did, 2 for bad arguments (an unknown contract, an
 * option no selected contract accepts, a URI no provider serves).
 */
public final class Tck {
    /** The four contracts of the kit, by the name the command takes. */
    public enum Contract {
        WAL("wal", "write-ahead log", UriWriteAheadLogContract.class, Lifeboat::walProvider),
        CHECKPOINT(
                "checkpoint", "checkpoint store", UriCheckpointStoreContract.class, Lifeboat::checkpointStoreProvider),
        SHUFFLE(
                "shuffle",
                "shuffle block store",
                UriShuffleBlockStoreContract.class,
                Lifeboat::shuffleBlockStoreProvider),
        ELECTION("election", "leader election", UriLeaderElectionContract.class, Lifeboat::leaderElectionProvider);

        private final String key;
        private final String title;
        private final Class<?> testClass;

        @SuppressWarnings("ImmutableEnumChecker") // references to Lifeboat's static lookups: stateless
        private final Function<URI, BackendProvider<?>> lookup;

        Contract(String key, String title, Class<?> testClass, Function<URI, BackendProvider<?>> lookup) {
            this.key = key;
            this.title = title;
            this.testClass = testClass;
            this.lookup = lookup;
        }

        public String key() {
            return key;
        }

        /** What the contract is, in words: {@code write-ahead log}. */
        public String title() {
            return title;
        }

        /**
         * The names of the contract's test methods, found by the launcher's discovery without
         * running them (a parameterized test is one method).
         */
        public List<String> testMethods() {
            TestPlan plan = LauncherFactory.create()
                    .discover(LauncherDiscoveryRequestBuilder.request()
                            .selectors(selectClass(testClass))
                            .configurationParameter("junit.jupiter.extensions.autodetection.enabled", "false")
                            .build());
            List<String> methods = new ArrayList<>();
            for (TestIdentifier root : plan.getRoots()) {
                for (TestIdentifier id : plan.getDescendants(root)) {
                    id.getSource()
                            .filter(MethodSource.class::isInstance)
                            .map(source -> ((MethodSource) source).getMethodName())
                            .ifPresent(methods::add);
                }
            }
            return methods.stream().distinct().sorted().toList();
        }

        /** The provider serving {@code uri} for this contract, or empty if none does. */
        public Optional<BackendProvider<?>> provider(URI uri) {
            try {
                return Optional.of(lookup.apply(uri));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }

        /** The contract whose {@link #title()} is {@code title}. */
        public static Contract byTitle(String title) {
            for (Contract c : values()) {
                if (c.title.equals(title)) {
                    return c;
                }
            }
            throw new IllegalArgumentException("no contract is titled '" + title + "'");
        }

        static Contract parse(String s) {
            for (Contract c : values()) {
                if (c.key.equals(s.toLowerCase(Locale.ROOT))) {
                    return c;
                }
            }
            throw new IllegalArgumentException("--contract '" + s + "' must be wal, checkpoint, shuffle or election");
        }
    }

    /** What one test ended as. */
    public enum Outcome {
        PASSED,
        SKIPPED,
        FAILED
    }

    /**
     * One test's result: its name (a parameterized test's case adds its display name to the
     * method's), the test method's name, its outcome and (for a skip or failure) the reason's first
     * line.
     */
    public record Result(String test, String method, Outcome outcome, String reason, String trace) {
        Result(String test, String method, Outcome outcome, String reason) {
            this(test, method, outcome, reason, "");
        }
    }

    /** A contract's results against one URI; {@code provider} is empty when no provider serves it. */
    public record ContractRun(Contract contract, Optional<String> provider, List<Result> results) {
        public long count(Outcome o) {
            return results.stream().filter(r -> r.outcome() == o).count();
        }
    }

    private final PrintStream out;
    private boolean verbose;

    public Tck(PrintStream out) {
        this.out = Objects.requireNonNull(out, "out");
    }

    public int run(String[] args) {
        Set<Contract> contracts = EnumSet.noneOf(Contract.class);
        Map<String, String> options = new LinkedHashMap<>();
        String tests = null;
        URI uri = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--contract" -> contracts.add(Contract.parse(value(args, ++i, "--contract")));
                case "--option", "-o" -> {
                    String kv = value(args, ++i, args[i - 1]);
                    int eq = kv.indexOf('=');
                    if (eq <= 0) {
                        throw new IllegalArgumentException("option '" + kv + "' is not key=value");
                    }
                    options.put(kv.substring(0, eq), kv.substring(eq + 1));
                }
                case "--tests" -> tests = value(args, ++i, "--tests");
                case "--verbose", "-v" -> verbose = true;
                default -> {
                    if (args[i].startsWith("-") || uri != null) {
                        throw new IllegalArgumentException("unexpected argument '" + args[i] + "'");
                    }
                    uri = toUri(args[i]);
                }
            }
        }
        if (uri == null) {
            throw new IllegalArgumentException("a URI to run the kit against is required, e.g. s3://bucket/kit");
        }
        List<ContractRun> runs = run(uri, contracts, options, tests);
        print(uri, runs);
        return runs.stream().anyMatch(r -> r.count(Outcome.FAILED) > 0) ? 1 : 0;
    }

    /**
     * Runs {@code contracts} (every contract a provider serves {@code uri} for, if empty) against
     * {@code uri}, with {@code options} given to each provider that accepts them. {@code tests},
     * if not null, is a regular expression a test method's name must match.
     *
     * @throws IllegalArgumentException if no provider serves the URI for a selected contract, or
     *     no selected provider accepts an option
     */
    public static List<ContractRun> run(URI uri, Set<Contract> contracts, Map<String, String> options, String tests) {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(contracts, "contracts");
        Objects.requireNonNull(options, "options");
        Map<Contract, BackendProvider<?>> served = new LinkedHashMap<>();
        for (Contract c : contracts.isEmpty() ? EnumSet.allOf(Contract.class) : contracts) {
            Optional<BackendProvider<?>> p = c.provider(uri);
            if (p.isPresent()) {
                served.put(c, p.get());
            } else if (!contracts.isEmpty()) {
                BackendProvider<?> unused =
                        c.lookup.apply(uri); // throws the registry's message: the schemes found, the artifact to add
            }
        }
        if (served.isEmpty()) {
            BackendProvider<?> unused =
                    Contract.WAL.lookup.apply(uri); // no contract served: the registry names what is there
        }
        for (String key : options.keySet()) {
            if (served.values().stream().noneMatch(p -> TckTarget.accepts(p, key))) {
                throw new IllegalArgumentException("option '" + key + "' is accepted by no provider under test ("
                        + String.join(
                                ", ",
                                served.values().stream()
                                        .map(p -> p.getClass().getName())
                                        .toList())
                        + ")");
            }
        }
        List<ContractRun> runs = new ArrayList<>();
        TckTarget.set(uri, options);
        try {
            for (Contract c : contracts.isEmpty() ? EnumSet.allOf(Contract.class) : contracts) {
                BackendProvider<?> p = served.get(c);
                if (p == null) {
                    runs.add(new ContractRun(c, Optional.empty(), List.of()));
                } else {
                    runs.add(new ContractRun(c, Optional.of(p.getClass().getName()), execute(c, tests)));
                }
            }
        } finally {
            TckTarget.clear();
        }
        return runs;
    }

    private static List<Result> execute(Contract contract, String tests) {
        LauncherDiscoveryRequestBuilder request =
                LauncherDiscoveryRequestBuilder.request().selectors(selectClass(contract.testClass));
        if (tests != null) {
            java.util.regex.Pattern pattern = java.util.regex.Pattern.compile(tests);
            PostDiscoveryFilter byName = d -> d.getSource()
                    .filter(MethodSource.class::isInstance)
                    .map(source -> pattern.matcher(((MethodSource) source).getMethodName())
                                    .matches()
                            ? FilterResult.included("matches --tests")
                            : FilterResult.excluded("does not match --tests"))
                    .orElse(FilterResult.included("a container"));
            request.filters(byName);
        }
        LauncherDiscoveryRequest built = request.configurationParameter(
                        "junit.jupiter.extensions.autodetection.enabled", "false")
                .build();
        Collector collector = new Collector();
        LauncherFactory.create().execute(built, collector);
        return collector.results;
    }

    /** Collects every test's outcome, and failures of containers (a class that could not start). */
    private static final class Collector implements TestExecutionListener {
        private final List<Result> results = new ArrayList<>();
        private TestPlan plan;

        @Override
        public void testPlanExecutionStarted(TestPlan testPlan) {
            plan = testPlan;
        }

        @Override
        public void executionSkipped(TestIdentifier id, String reason) {
            if (id.isTest() || isMethod(id)) {
                results.add(new Result(name(id), method(id), Outcome.SKIPPED, firstLine(reason)));
            }
        }

        @Override
        public void executionFinished(TestIdentifier id, TestExecutionResult result) {
            String reason = result.getThrowable().map(Tck::describe).orElse("");
            switch (result.getStatus()) {
                case SUCCESSFUL -> {
                    if (id.isTest()) {
                        results.add(new Result(name(id), method(id), Outcome.PASSED, ""));
                    }
                }
                case ABORTED -> {
                    if (id.isTest() || isMethod(id)) {
                        results.add(new Result(name(id), method(id), Outcome.SKIPPED, reason));
                    }
                }
                case FAILED ->
                    results.add(new Result(
                            name(id),
                            method(id),
                            Outcome.FAILED,
                            reason,
                            result.getThrowable().map(Tck::trace).orElse("")));
                default -> throw new AssertionError(result);
            }
        }

        private static boolean isMethod(TestIdentifier id) {
            return id.getSource().filter(MethodSource.class::isInstance).isPresent();
        }

        private static String method(TestIdentifier id) {
            return id.getSource()
                    .filter(MethodSource.class::isInstance)
                    .map(source -> ((MethodSource) source).getMethodName())
                    .orElse(id.getDisplayName());
        }

        private String name(TestIdentifier id) {
            Optional<MethodSource> method =
                    id.getSource().filter(MethodSource.class::isInstance).map(MethodSource.class::cast);
            if (method.isEmpty()) {
                return id.getDisplayName();
            }
            String m = method.get().getMethodName();
            if (id.isTest()
                    && plan != null
                    && plan.getParent(id)
                            .filter(p -> !p.isTest() && isMethod(p))
                            .isPresent()) {
                return m + " " + id.getDisplayName();
            }
            return m;
        }
    }

    private static String trace(Throwable t) {
        java.io.StringWriter w = new java.io.StringWriter();
        t.printStackTrace(new java.io.PrintWriter(w, true));
        return w.toString();
    }

    static String describe(Throwable t) {
        String message = t.getMessage();
        String line = message == null || message.isBlank() ? t.getClass().getName() : firstLine(message);
        if (t instanceof org.opentest4j.TestAbortedException) {
            return line.startsWith("Assumption failed: ") ? line.substring("Assumption failed: ".length()) : line;
        }
        return t.getClass().getSimpleName() + ": " + line;
    }

    private static String firstLine(String s) {
        String trimmed = s.strip();
        int nl = trimmed.indexOf('\n');
        return nl < 0 ? trimmed : trimmed.substring(0, nl).strip();
    }

    private void print(URI uri, List<ContractRun> runs) {
        out.println("Compatibility kit against " + uri);
        out.println();
        out.printf(Locale.ROOT, "  %-20s %7s %8s %7s  %s%n", "contract", "passed", "skipped", "failed", "provider");
        for (ContractRun r : runs) {
            out.printf(
                    Locale.ROOT,
                    "  %-20s %7s %8s %7s  %s%n",
                    r.contract().title,
                    r.provider().isPresent() ? Long.toString(r.count(Outcome.PASSED)) : "-",
                    r.provider().isPresent() ? Long.toString(r.count(Outcome.SKIPPED)) : "-",
                    r.provider().isPresent() ? Long.toString(r.count(Outcome.FAILED)) : "-",
                    r.provider().orElse("(no provider serves " + uri.getScheme() + ":)"));
        }
        for (ContractRun r : runs) {
            List<Result> notPassed = r.results().stream()
                    .filter(x -> x.outcome() != Outcome.PASSED)
                    .toList();
            if (notPassed.isEmpty()) {
                continue;
            }
            out.println();
            out.println(r.contract().title + ":");
            for (Result x : notPassed) {
                out.printf(
                        Locale.ROOT,
                        "  %-5s %s: %s%n",
                        x.outcome() == Outcome.FAILED ? "FAIL" : "skip",
                        x.test(),
                        x.reason());
                if (verbose && !x.trace().isEmpty()) {
                    out.println("        " + x.trace().strip().replace("\n", "\n        "));
                }
            }
        }
        long failed = runs.stream().mapToLong(r -> r.count(Outcome.FAILED)).sum();
        out.println();
        out.println(
                failed == 0 ? "RESULT: no failures" : "RESULT: " + failed + (failed == 1 ? " failure" : " failures"));
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args[i];
    }

    /** A URI, or a plain path taken as a local directory. */
    static URI toUri(String s) {
        if (s.matches("[a-zA-Z][a-zA-Z0-9+.-]*:.*") && !s.matches("[a-zA-Z]:\\\\.*")) {
            return URI.create(s);
        }
        return java.nio.file.Path.of(s).toAbsolutePath().normalize().toUri();
    }
}
