package dev.lifeboat.benchmarks.report;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * A goal of the project, as a ratio of two results of the same run.
 *
 * @param id short name for files (profiles), lower case with dashes
 * @param name what is compared, for the report
 * @param subject the result the target is about (also what is profiled when it is missed)
 * @param baseline the result it is compared with
 * @param inverse false: ratio = subject / baseline (rates, or times where lower is better);
 *     true: ratio = baseline / subject (times, so that a higher ratio is still better)
 * @param atLeast true: met when ratio &gt;= bound; false: met when ratio &lt;= bound
 * @param bound the bound
 * @param basis what the two numbers are
 * @param limit what usually bounds the ratio, printed beside the profile when the target is missed
 * @param statistic what is compared of each result: {@link #SCORE}, or a percentile of a
 *     sample-time result ("99.0")
 */
public record Target(
        String id,
        String name,
        Query subject,
        Query baseline,
        boolean inverse,
        boolean atLeast,
        double bound,
        String basis,
        String limit,
        String statistic) {
    /** The result's score (its mean, for times). */
    public static final String SCORE = "score";

    /** A target comparing the two results' scores. */
    public Target(
            String id,
            String name,
            Query subject,
            Query baseline,
            boolean inverse,
            boolean atLeast,
            double bound,
            String basis,
            String limit) {
        this(id, name, subject, baseline, inverse, atLeast, bound, basis, limit, SCORE);
    }

    public Target {
        requireNonNull(statistic, "statistic is null");
        requireNonNull(id, "id is null");
        requireNonNull(name, "name is null");
        requireNonNull(subject, "subject is null");
        requireNonNull(baseline, "baseline is null");
        requireNonNull(basis, "basis is null");
        requireNonNull(limit, "limit is null");
        if (!id.matches("[a-z0-9-]+")) {
            throw new IllegalArgumentException("target id must be lower case with dashes: " + id);
        }
        if (!(bound > 0)) {
            throw new IllegalArgumentException("bound must be positive: " + bound);
        }
    }

    /** Whether a target was met in a run. */
    public enum Verdict {
        MET,
        MISSED,
        NOT_MEASURED
    }

    /** The goal as text, e.g. {@code >= 0.9 x}. */
    public String goal() {
        return (atLeast ? ">= " : "<= ")
                + java.math.BigDecimal.valueOf(bound).stripTrailingZeros().toPlainString() + " x";
    }

    /** The ratio in {@code results}, if both results are there. */
    public Optional<Double> ratio(List<Result> results) {
        Optional<Result> s = subject.find(results);
        if (s.isEmpty()) {
            return Optional.empty();
        }
        Optional<Result> b = baseline.findLike(results, s.get());
        if (b.isEmpty()) {
            return Optional.empty();
        }
        double num = value(inverse ? b.get() : s.get());
        double den = value(inverse ? s.get() : b.get());
        return den > 0 && num > 0 ? Optional.of(num / den) : Optional.empty();
    }

    private double value(Result r) {
        return statistic.equals(SCORE) ? r.score() : r.percentile(statistic);
    }

    public Verdict verdict(List<Result> results) {
        Optional<Double> r = ratio(results);
        if (r.isEmpty()) {
            return Verdict.NOT_MEASURED;
        }
        return (atLeast ? r.get() >= bound : r.get() <= bound) ? Verdict.MET : Verdict.MISSED;
    }
}
