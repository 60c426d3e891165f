package dev.lifeboat.benchmarks.report;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One JMH result row.
 *
 * @param benchmark the simple class name and method, e.g. {@code WalAppendBenchmark.writers16}
 * @param mode thrpt, avgt, sample or ss
 * @param threads JMH threads
 * @param params benchmark parameters
 * @param score the primary score
 * @param error its error (99.9% confidence half-width), NaN if unknown
 * @param unit its unit, e.g. ops/s, ms/op or us/op
 * @param percentiles for sample mode: "50.0", "99.0", "99.9" to values
 * @param secondary scores of the secondary metrics by name, without JMH's leading dot where it
 *     has one: with {@code -prof gc}, {@code gc.alloc.rate.norm} is the bytes allocated per op
 */
public record Result(
        String benchmark,
        String mode,
        int threads,
        Map<String, String> params,
        double score,
        double error,
        String unit,
        Map<String, Double> percentiles,
        Map<String, Double> secondary) {
    /** Bytes allocated per op, from JMH's GC profiler ({@code -prof gc}). */
    public static final String ALLOCATED_PER_OP = "gc.alloc.rate.norm";

    public Result {
        Objects.requireNonNull(benchmark, "benchmark is null");
        Objects.requireNonNull(mode, "mode is null");
        Objects.requireNonNull(unit, "unit is null");
        params = Map.copyOf(params);
        percentiles = Map.copyOf(percentiles);
        secondary = Map.copyOf(secondary);
    }

    /** Reads JMH's JSON result format ({@code -rf json}). */
    @SuppressWarnings("unchecked")
    public static List<Result> read(String json) {
        Object parsed = Json.parse(json);
        if (!(parsed instanceof List<?>)) {
            throw new IllegalArgumentException("not a JMH JSON result file: the top level is not an array");
        }
        return ((List<Object>) parsed)
                .stream()
                        .map(o -> {
                            Map<String, Object> m = (Map<String, Object>) o;
                            String full = (String) m.get("benchmark");
                            String[] parts = full.split("\\.", -1);
                            String name = parts[parts.length - 2] + "." + parts[parts.length - 1];
                            Map<String, String> params = new TreeMap<>();
                            if (m.get("params") instanceof Map<?, ?> pm) {
                                pm.forEach((k, v) -> params.put((String) k, String.valueOf(v)));
                            }
                            Map<String, Object> primary = (Map<String, Object>) m.get("primaryMetric");
                            Map<String, Double> percentiles = new TreeMap<>();
                            if (primary.get("scorePercentiles") instanceof Map<?, ?> pcm) {
                                pcm.forEach((k, v) -> percentiles.put((String) k, number(v)));
                            }
                            Map<String, Double> secondary = new TreeMap<>();
                            if (m.get("secondaryMetrics") instanceof Map<?, ?> sm) {
                                sm.forEach((k, v) -> {
                                    if (v instanceof Map<?, ?> metric) {
                                        String key = ((String) k).replaceFirst("^\u00b7", "");
                                        secondary.put(key, number(metric.get("score")));
                                    }
                                });
                            }
                            return new Result(
                                    name,
                                    (String) m.get("mode"),
                                    (int) number(m.get("threads")),
                                    params,
                                    number(primary.get("score")),
                                    number(primary.get("scoreError")),
                                    (String) primary.get("scoreUnit"),
                                    percentiles,
                                    secondary);
                        })
                        .toList();
    }

    /** JMH writes NaN and infinities as strings. */
    private static double number(Object v) {
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        if (v instanceof String s) {
            try {
                return Double.parseDouble(s);
            } catch (NumberFormatException e) {
                return Double.NaN;
            }
        }
        return Double.NaN;
    }

    /** A parameter's value, or "" if the result has no such parameter. */
    public String param(String key) {
        return params.getOrDefault(key, "");
    }

    /** The parameter as an int. */
    int intParam(String key) {
        return Integer.parseInt(param(key));
    }

    /** The class part of {@link #benchmark}. */
    String suite() {
        return benchmark.substring(0, benchmark.indexOf('.'));
    }

    /** The method part of {@link #benchmark}. */
    String method() {
        return benchmark.substring(benchmark.indexOf('.') + 1);
    }

    boolean is(String bench, Map<String, String> where) {
        if (!benchmark.equals(bench)) {
            return false;
        }
        for (var e : where.entrySet()) {
            if (!e.getValue().equals(params.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    /** The score in milliseconds per op, for time units. */
    double millis() {
        return score * millisPer(unit);
    }

    /** The error in milliseconds per op, for time units. */
    double errorMillis() {
        return error * millisPer(unit);
    }

    /** A secondary metric's score ({@link #ALLOCATED_PER_OP}), NaN if absent. */
    double secondary(String name) {
        return secondary.getOrDefault(name, Double.NaN);
    }

    /** A percentile ("50.0", "99.0", "99.9") in the result's unit, NaN if absent. */
    double percentile(String p) {
        return percentiles.getOrDefault(p, Double.NaN);
    }

    static double millisPer(String unit) {
        return switch (unit) {
            case "s/op" -> 1000;
            case "ms/op" -> 1;
            case "us/op" -> 1e-3;
            case "ns/op" -> 1e-6;
            default -> throw new IllegalArgumentException("not a time per op: " + unit);
        };
    }
}
