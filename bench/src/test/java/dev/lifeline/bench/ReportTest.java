package dev.lifeline.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;

/** The report gives medians and ratios, marks failed subjects as errors, and the chart is well-formed SVG. */
class ReportTest {
    private final Results results = new Results();
    private final Report report = new Report(results, List.of("lifeline", "netty", "jetty", "raw-tcp"),
            List.of("lifeline", "netty", "generator"));

    ReportTest() {
        for (double v : new double[] {100, 130, 120}) {
            results.add(Metric.SERVER_SMALL, "lifeline", v);
        }
        results.add(Metric.SERVER_SMALL, "netty", 100);
        results.add(Metric.SERVER_SMALL, "jetty", 80);
        results.add(Metric.SERVER_SMALL, "raw-tcp", 400);
        results.add(Metric.SERVER_P99, "lifeline", 50);
        results.add(Metric.SERVER_P99, "netty", 40);
        results.add(Metric.SERVER_P99, "jetty", 100);
        results.add(Metric.CLIENT_SMALL, "lifeline", 10);
        results.fail(Metric.CLIENT_SMALL, "netty", "connection 3: echo of message 9 differs at byte 2");
        results.add(Metric.CLIENT_SMALL, "netty", 20);
    }

    @Test
    void tableRowsGiveMediansAndRatiosToTheBestPeerAndTheReference() {
        String md = report.markdown(List.of("# t"));
        assertThat(md).contains("| small messages (64 × 16 in flight, 64 B), msg/s ↑ | 120 | 100 | 80.0 | 400 |"
                + " 1.20 (Netty) | 0.30 |");
        assertThat(md).contains("| latency p99 (1 connection, 64 B), µs ↓ | 50.0 | 40.0 | 100 | — | 1.25 (Netty)"
                + " | — |");
        assertThat(md).contains("| server, small messages: ≥ 1.2 × Netty | 1.20 × | yes |");
        assertThat(md).contains("| server, latency p99: ≤ the best peer's | 1.25 × Netty | **no** |");
    }

    @Test
    void aSubjectWithAFailedRepetitionHasNoFigureButAnError() {
        String md = report.markdown(List.of("# t"));
        assertThat(md).contains("| small messages (64 × 16 in flight, 64 B), msg/s ↑ | 10.0 | error | — | — | — |");
        assertThat(md).contains("- client, small messages (64 × 16 in flight, 64 B), Netty: 1 of 2 runs failed:"
                + " connection 3: echo of message 9 differs at byte 2");
        assertThat(md).contains("| client, small messages: ≥ Netty's | no figure | — |");
    }

    @Test
    void aServerWithoutPermessageDeflateIsNotApplicableRatherThanAnError() {
        results.add(Metric.SERVER_COMPRESSED, "lifeline", 50_000);
        results.add(Metric.SERVER_COMPRESSED, "netty", 40_000);
        results.notApplicable(Metric.SERVER_COMPRESSED, "jetty", "no permessage-deflate");
        String md = report.markdown(List.of("# t"));
        assertThat(md).contains("| compressed echo (16 × 16 in flight, 1 KiB JSON, deflate), msg/s ↑ | 50,000 | 40,000"
                + " | n/a (no permessage-deflate) | — | 1.25 (Netty) | — |");
        assertThat(md).doesNotContain("- server, compressed echo");
        assertThat(SvgChart.render(results, report, "t", "s")).contains(">n/a (no permessage-deflate)</text>");
    }

    @Test
    void theChartIsWellFormedSvgWithOneBarPerFigure() throws Exception {
        String svg = SvgChart.render(results, report, "Lifeline <benchmarks>", "2 cores & more");
        var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
        assertThat(doc.getDocumentElement().getTagName()).isEqualTo("svg");
        assertThat(doc.getElementsByTagName("rect").getLength()).isEqualTo(1 + 4 + 3 + 1); // background + bars
    }
}
