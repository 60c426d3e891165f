package dev.lifeboat.benchmarks.report;

import java.util.List;
import java.util.Locale;

/** Horizontal bar charts as standalone SVG, no dependencies. */
final class Svg {
    private static final int ROW = 22;
    private static final int LABEL = 300;
    private static final int WIDTH = 820;

    private Svg() {}

    static String bars(String title, List<ReportGenerator.Bar> bars, String unit) {
        double max = bars.stream().mapToDouble(b -> Math.max(b.value(), Double.isNaN(b.target()) ? 0 : b.target()))
                .max().orElse(1);
        int height = 40 + bars.size() * ROW + 10;
        int plot = WIDTH - LABEL - 90;
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">%n",
                WIDTH, height));
        s.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        s.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"20\" font-size=\"14\" font-weight=\"bold\">%s</text>%n",
                escape(title)));
        for (int i = 0; i < bars.size(); i++) {
            ReportGenerator.Bar b = bars.get(i);
            int y = 34 + i * ROW;
            int w = (int) Math.round(plot * b.value() / max);
            boolean missed = !Double.isNaN(b.target()) && b.value() < b.target();
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n", LABEL - 6,
                    y + 14, escape(b.label())));
            s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"16\" fill=\"%s\"/>%n",
                    LABEL, y + 2, Math.max(w, 1), missed ? "#d9534f" : "#4a7ebb"));
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%.2f %s</text>%n", LABEL + w + 4, y + 14,
                    b.value(), escape(unit)));
            if (!Double.isNaN(b.target())) {
                int tx = LABEL + (int) Math.round(plot * b.target() / max);
                s.append(String.format(Locale.ROOT,
                        "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\" stroke-width=\"2\"/>%n", tx, y,
                        tx, y + 20));
            }
        }
        return s.append("</svg>\n").toString();
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
