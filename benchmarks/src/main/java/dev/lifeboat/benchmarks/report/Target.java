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
 * @param statistic what is compared of each result: {@link #SCORE}, a percentile of a
 *     sample-time result ("99.0"), or a secondary metric ({@link Result#ALLOCATED_PER_OP})
 * @param unit {@code x} for a ratio; otherwise the unit of an absolute figure of the subject
 *     alone, with no baseline (bytes allocated per op: {@code B})
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
        String statistic,
        String unit) {
    /** The result's score (its mean, for times). */
    public static final String SCORE = "score";

    /** The unit of a ratio. */
    public static final String RATIO = "x";

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
        this(id, name, subject, baseline, inverse, atLeast, bound, basis, limit, SCORE, RATIO);
    }

    /** A target comparing a statistic of the two results. */
    public Target(
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
        this(id, name, subject, baseline, inverse, atLeast, bound, basis, limit, statistic, RATIO);
    }

    /**
     * A bound on a statistic of one result, in {@code unit}: not a ratio, for figures that have
     * no baseline to divide by (bytes allocated per op, where the raw loop allocates none).
     */
    public static Target absolute(
            String id,
            String name,
            Query subject,
            boolean atLeast,
            double bound,
            String statistic,
            String unit,
            String basis,
            String limit) {
        return new Target(id, name, subject, subject, false, atLeast, bound, basis, limit, statistic, unit);
    }

    /** Whether this is a bound on one figure ({@link #absolute}) rather than a ratio. */
    public boolean isAbsolute() {
        return !unit.equals(RATIO);
    }

    /** A value of this target's figure as text: a ratio, or a figure in its unit. */
    public String format(double value) {
        return isAbsolute()
                ? (Double.isNaN(value) ? "–" : String.format(java.util.Locale.ROOT, "%.0f %s", value, unit))
                : Format.ratio(value);
    }

    public Target {
        requireNonNull(statistic, "statistic is null");
        requireNonNull(unit, "unit is null");
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
                + java.math.BigDecimal.valueOf(bound).stripTrailingZeros().toPlainString() + " " + unit;
    }

    /** The ratio in {@code results}, if both results are there (for {@link #absolute} targets, the figure). */
    public Optional<Double> ratio(List<Result> results) {
        Optional<Result> s = subject.find(results);
        if (s.isEmpty()) {
            return Optional.empty();
        }
        if (isAbsolute()) {
            double v = value(s.get());
            return Double.isNaN(v) ? Optional.empty() : Optional.of(v);
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
        if (statistic.equals(SCORE)) {
            return r.score();
        }
        return statistic.equals(Result.ALLOCATED_PER_OP) ? r.secondary(statistic) : r.percentile(statistic);
    }

    public Verdict verdict(List<Result> results) {
        Optional<Double> r = ratio(results);
        if (r.isEmpty()) {
            return Verdict.NOT_MEASURED;
        }
        return (atLeast ? r.get() >= bound : r.get() <= bound) ? Verdict.MET : Verdict.MISSED;
    }
}
