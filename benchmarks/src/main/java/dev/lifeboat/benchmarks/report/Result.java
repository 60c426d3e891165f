package dev.lifeboat.benchmarks.report;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One JMH result row.
 *
 * @param benchmark the simple class name and method, e.g. {@code WalAppendBenchmark.writers16}
 * @param mode thrpt, avgt, sample or ss
 * @param threads JMH threads
 * @param params benchmark parameters
 * @param score the primary score
 * @param error its error (99.9% CI half-width), NaN if unknown
 * @param unit its unit, e.g. ops/s or us/op
 * @param percentiles for sample mode: "50.0", "99.0", "99.9" to values
 */
record Result(String benchmark, String mode, int threads, Map<String, String> params, double score, double error,
        String unit, Map<String, Double> percentiles) {

    @SuppressWarnings("unchecked")
    static List<Result> read(String json) {
        List<Object> rows = (List<Object>) Json.parse(json);
        return rows.stream().map(o -> {
            Map<String, Object> m = (Map<String, Object>) o;
            String full = (String) m.get("benchmark");
            String[] parts = full.split("\\.");
            String name = parts[parts.length - 2] + "." + parts[parts.length - 1];
            Map<String, String> params = new TreeMap<>();
            Object p = m.get("params");
            if (p instanceof Map<?, ?> pm) {
                pm.forEach((k, v) -> params.put((String) k, String.valueOf(v)));
            }
            Map<String, Object> primary = (Map<String, Object>) m.get("primaryMetric");
            Map<String, Double> percentiles = new TreeMap<>();
            Object pc = primary.get("scorePercentiles");
            if (pc instanceof Map<?, ?> pcm) {
                pcm.forEach((k, v) -> percentiles.put((String) k, ((Number) v).doubleValue()));
            }
            Object err = primary.get("scoreError");
            return new Result(name, (String) m.get("mode"), ((Number) m.get("threads")).intValue(), params,
                    ((Number) primary.get("score")).doubleValue(),
                    err instanceof Number n ? n.doubleValue() : Double.NaN, (String) primary.get("scoreUnit"),
                    percentiles);
        }).toList();
    }

    String param(String key) {
        return params.getOrDefault(key, "");
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
}
