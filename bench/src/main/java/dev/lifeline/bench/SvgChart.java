package dev.lifeline.bench;

import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * A bar chart of a comparison in plain SVG: one panel per figure, one bar per subject, each panel scaled to its
 * own largest value. Lifeline's bars are orange, the peers' blue, the physical reference's grey.
 */
final class SvgChart {
    private static final int WIDTH = 980;
    private static final int PANEL_WIDTH = 470;
    private static final int LABEL = 120;
    private static final int BAR_AREA = 250;
    private static final int ROW = 20;
    private static final int TITLE = 60;

    private SvgChart() {
    }

    static String render(Results results, Report report, String heading, String subheading) {
        List<Metric> metrics = List.of(Metric.values()).stream().filter(m -> report.subjects(m.side).stream()
                .anyMatch(s -> report.measured(m, s))).toList();
        int rows = 0;
        for (Metric m : metrics) {
            rows = Math.max(rows, report.subjects(m.side).size());
        }
        int panelHeight = 30 + rows * ROW + 16;
        int height = TITLE + ((metrics.size() + 1) / 2) * panelHeight + 10;
        StringBuilder svg = new StringBuilder();
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH).append("\" height=\"")
                .append(height).append("\" font-family=\"sans-serif\" font-size=\"12\">\n")
                .append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        text(svg, 10, 24, 16, "bold", heading);
        text(svg, 10, 44, 11, "normal", subheading);
        for (int i = 0; i < metrics.size(); i++) {
            panel(svg, results, report, metrics.get(i), 10 + (i % 2) * (PANEL_WIDTH + 20),
                    TITLE + (i / 2) * panelHeight);
        }
        return svg.append("</svg>\n").toString();
    }

    private static void panel(StringBuilder svg, Results results, Report report, Metric m, int x, int y) {
        String side = m.side == Metric.Side.SERVER ? "server" : "client";
        text(svg, x, y + 16, 12, "bold", side + ": " + m.title + " (" + m.unit
                + (m.higherIsBetter ? ", higher" : ", lower") + " is better)");
        List<String> subjects = report.subjects(m.side);
        double max = 0;
        for (String s : subjects) {
            max = Math.max(max, results.median(m, s).orElse(0));
        }
        for (int i = 0; i < subjects.size(); i++) {
            String s = subjects.get(i);
            int rowY = y + 26 + i * ROW;
            text(svg, x, rowY + 13, 11, "normal", Report.title(s));
            OptionalDouble v = results.median(m, s);
            if (v.isEmpty()) {
                text(svg, x + LABEL, rowY + 13, 11, "normal", report.cell(m, s));
                continue;
            }
            int w = max > 0 ? (int) Math.max(1, Math.round(v.getAsDouble() / max * BAR_AREA)) : 1;
            String color = s.equals(Report.LIFELINE) ? "#e8590c" : s.equals(m.side.reference) ? "#adb5bd" : "#4263eb";
            svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>%n",
                    x + LABEL, rowY + 2, w, ROW - 5, color));
            text(svg, x + LABEL + w + 6, rowY + 13, 11, "normal", m.format(v.getAsDouble()));
        }
    }

    private static void text(StringBuilder svg, int x, int y, int size, String weight, String s) {
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"%d\" font-weight=\"%s\">%s</text>%n",
                x, y, size, weight, s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")));
    }
}
