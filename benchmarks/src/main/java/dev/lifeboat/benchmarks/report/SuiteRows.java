package dev.lifeboat.benchmarks.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * What the suite sections share about their rows: the order the rows come in, and the figures
 * computed from them (MB/s, a result's ratio to its baseline).
 */
final class SuiteRows {
    static final List<String> BACKEND_ORDER = List.of("local", "chronicle", "hadoop", "s3", "azure", "zookeeper");
    static final double MB = 1e6;
    static final double MIB = 1 << 20;

    private SuiteRows() {}

    /**
     * Raw baselines first, then by backend in {@link #BACKEND_ORDER}, then by the given parameters
     * (numbers numerically), then threads, then method.
     */
    static List<Result> sorted(List<Result> rs, String... keys) {
        Comparator<Result> c = Comparator.comparing((Result r) -> !r.method().startsWith("raw"));
        for (String key : keys) {
            if (key.equals("backend")) {
                c = c.thenComparingInt(r -> backendRank(r.param("backend")));
            } else if (key.equals("durability")) {
                c = c.thenComparingInt(r -> List.of("none", "flush", "sync").indexOf(r.param("durability")));
            } else {
                c = c.thenComparingLong(r -> numeric(r.param(key)));
            }
        }
        c = c.thenComparingInt(Result::threads).thenComparing(Result::method);
        List<Result> copy = new ArrayList<>(rs);
        copy.sort(c);
        return copy;
    }

    private static long numeric(String v) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    /** Where a backend's rows go: in {@link #BACKEND_ORDER}, unknown ones last. */
    static int backendRank(String backend) {
        int i = BACKEND_ORDER.indexOf(backend);
        return i < 0 ? BACKEND_ORDER.size() : i;
    }

    /** The backends of {@code rs}, each once, in {@link #BACKEND_ORDER}. */
    static List<String> backends(List<Result> rs) {
        return rs.stream()
                .map(r -> r.param("backend"))
                .distinct()
                .sorted(Comparator.comparingInt(SuiteRows::backendRank))
                .toList();
    }

    /** MB/s of a result in records per second, by its {@code recordBytes}. */
    static double mbPerSecond(Result r) {
        return r.score() * r.intParam("recordBytes") / MB;
    }

    /** a / b as text, or a dash. */
    static String ratio(Optional<Result> a, Optional<Result> b) {
        if (a.isEmpty() || b.isEmpty() || !(b.get().score() > 0)) {
            return "–";
        }
        return Format.ratio(a.get().score() / b.get().score());
    }

    /** b / a (times: higher still means better), or a dash. */
    static String inverseRatio(Optional<Result> time, Optional<Result> baselineTime) {
        return ratio(baselineTime, time);
    }
}
