package dev.lifeboat.benchmarks.report;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Names one JMH result: a benchmark ({@code Class.method}) and the parameters it must have.
 *
 * @param benchmark simple class name and method, e.g. {@code WalAppendBenchmark.writers16}
 * @param params parameters the result must have; others may have any value
 */
public record Query(String benchmark, Map<String, String> params) {
    public Query {
        requireNonNull(benchmark, "benchmark is null");
        if (!benchmark.matches("[A-Za-z0-9]+\\.[A-Za-z0-9]+")) {
            throw new IllegalArgumentException("benchmark must be Class.method: " + benchmark);
        }
        params = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(params));
    }

    /** {@code Query.of("Class.method", "key", "value", ...)} */
    public static Query of(String benchmark, String... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("keys and values must come in pairs: " + List.of(keysAndValues));
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            params.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return new Query(benchmark, params);
    }

    /** The first result of this benchmark with these parameters. */
    public Optional<Result> find(List<Result> results) {
        return results.stream().filter(r -> r.is(benchmark, params)).findFirst();
    }

    /**
     * The first result of this benchmark with these parameters, and the values of {@code like}
     * for every other parameter both have (so that a baseline matches its subject's record size).
     */
    public Optional<Result> findLike(List<Result> results, Result like) {
        return results.stream()
                .filter(r -> r.is(benchmark, params))
                .filter(r -> {
                    for (Map.Entry<String, String> p : r.params().entrySet()) {
                        if (params.containsKey(p.getKey())) {
                            continue;
                        }
                        String other = like.params().get(p.getKey());
                        if (other != null && !other.equals(p.getValue())) {
                            return false;
                        }
                    }
                    return true;
                })
                .findFirst();
    }

    /** True for benchmarks of the Spark peer jar. */
    public boolean spark() {
        return benchmark.startsWith("SparkWalBenchmark.") || benchmark.startsWith("SparkCheckpointBenchmark.");
    }

    /** JMH arguments that run exactly this benchmark with these parameters. */
    public List<String> jmhArguments() {
        List<String> args = new ArrayList<>();
        args.add("\\." + benchmark.replace(".", "\\.") + "$");
        params.forEach((k, v) -> {
            args.add("-p");
            args.add(k + "=" + v);
        });
        return args;
    }

    @Override
    public String toString() {
        return params.isEmpty() ? benchmark : benchmark + " " + params;
    }
}
