package dev.lifeboat.benchmarks.report;

import java.util.Locale;

/** Number formatting for the report: few significant digits, never exponents. */
final class Format {
    private Format() {}

    /** 2 to 3 significant digits, none after the point from 100 on, thousands separated. */
    static String number(double v) {
        if (Double.isNaN(v)) {
            return "–";
        }
        double a = Math.abs(v);
        if (a >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (a >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        if (a >= 1 || a == 0) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        return String.format(Locale.ROOT, "%.2g", v);
    }

    /** A score with its error, e.g. {@code 1,234 ± 56}. */
    static String score(double score, double error) {
        return Double.isNaN(error) ? number(score) : number(score) + " ± " + number(error);
    }

    /** A ratio: two decimals and an x. */
    static String ratio(double r) {
        return Double.isNaN(r) ? "–" : String.format(Locale.ROOT, "%.2f x", r);
    }
}
