package dev.lifeboat.benchmarks.report;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Locale;

/** Horizontal bar charts as standalone SVG, no dependencies. */
final class Svg {
    private static final int ROW = 22;
    private static final int TOP = 52;
    private static final int LABEL = 400;
    private static final int WIDTH = 980;
    private static final int RIGHT = 190;

    /** How a bar is drawn. */
    enum Kind {
        /** A measured result. */
        RESULT("#4a7ebb"),
        /** A raw baseline. */
        BASELINE("#9e9e9e"),
        /** A target that was missed. */
        MISSED("#d9534f");

        final String color;

        Kind(String color) {
            this.color = color;
        }
    }

    /**
     * One bar.
     *
     * @param target where to draw a target line, NaN for none
     * @param text the text printed after the bar (its value with unit when empty)
     */
    record Bar(String label, double value, double target, Kind kind, String text) {
        Bar {
            requireNonNull(label, "label is null");
            requireNonNull(kind, "kind is null");
            requireNonNull(text, "text is null");
        }

        static Bar of(String label, double value, Kind kind) {
            return new Bar(label, value, Double.NaN, kind, "");
        }
    }

    private Svg() {}

    /**
     * A chart of {@code bars}, on a logarithmic axis if {@code log} (for values that span
     * orders of magnitude, such as one backend on a local disk and one behind HTTP).
     */
    static String bars(String title, List<Bar> bars, String unit, boolean log) {
        double max = bars.stream()
                .mapToDouble(b -> Math.max(b.value(), Double.isNaN(b.target()) ? 0 : b.target()))
                .max()
                .orElse(1);
        double min =
                bars.stream().mapToDouble(Bar::value).filter(v -> v > 0).min().orElse(1);
        double lo = log ? Math.pow(10, Math.floor(Math.log10(min))) : 0;
        double hi = log ? Math.pow(10, Math.ceil(Math.log10(max <= lo ? lo * 10 : max))) : (max <= 0 ? 1 : max);
        int height = TOP + bars.size() * ROW + 10;
        int plot = WIDTH - LABEL - RIGHT;
        StringBuilder s = new StringBuilder();
        s.append(String.format(
                Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\""
                        + " font-size=\"12\">%n",
                WIDTH,
                height));
        s.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        s.append(String.format(
                Locale.ROOT,
                "<text x=\"10\" y=\"20\" font-size=\"14\" font-weight=\"bold\">%s</text>%n",
                escape(title + (log ? " (log scale)" : ""))));
        if (log) {
            // A light line and a label at every power of ten, so that the scale can be read.
            for (double tick = lo; tick <= hi * 1.0001; tick *= 10) {
                int x = LABEL + (int) Math.round(plot * position(tick, lo, hi, log));
                s.append(String.format(
                        Locale.ROOT,
                        "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#dddddd\" stroke-width=\"1\"/>%n",
                        x,
                        TOP - 10,
                        x,
                        height - 8));
                s.append(String.format(
                        Locale.ROOT,
                        "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" font-size=\"10\" fill=\"#777777\">%s</text>%n",
                        x,
                        TOP - 14,
                        escape(Format.number(tick))));
            }
        }
        for (int i = 0; i < bars.size(); i++) {
            Bar b = bars.get(i);
            int y = TOP - 10 + i * ROW;
            int w = (int) Math.round(plot * position(b.value(), lo, hi, log));
            s.append(String.format(
                    Locale.ROOT,
                    "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n",
                    LABEL - 6,
                    y + 14,
                    escape(b.label())));
            s.append(String.format(
                    Locale.ROOT,
                    "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"16\" fill=\"%s\"/>%n",
                    LABEL,
                    y + 2,
                    Math.max(w, 1),
                    b.kind().color));
            String text = b.text().isEmpty() ? Format.number(b.value()) + " " + unit : b.text();
            s.append(String.format(
                    Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>%n", LABEL + w + 4, y + 14, escape(text)));
            if (!Double.isNaN(b.target())) {
                int tx = LABEL + (int) Math.round(plot * position(b.target(), lo, hi, log));
                s.append(String.format(
                        Locale.ROOT,
                        "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\" stroke-width=\"2\"/>%n",
                        tx,
                        y,
                        tx,
                        y + 20));
            }
        }
        return s.append("</svg>\n").toString();
    }

    /** Where {@code v} falls between {@code lo} and {@code hi}, 0 to 1. */
    static double position(double v, double lo, double hi, boolean log) {
        if (!(v > lo)) {
            return 0;
        }
        double p = log ? (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo)) : v / hi;
        return Math.min(1, p);
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
