package dev.lifeline.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The report's targets of issue 18: lifeline serve against the library's echo, the reliable layer, closes. */
class ReportTargetsTest {
    private final Results results = new Results();
    private final Report report = new Report(results, List.of("lifeline", "lifeline-serve", "netty"), List.of());

    @Test
    void lifelineServeIsComparedWithTheLibrarysEchoAndIsNoPeer() {
        results.add(Metric.SERVER_SMALL, "lifeline", 100);
        results.add(Metric.SERVER_SMALL, "lifeline-serve", 85);
        results.add(Metric.SERVER_SMALL, "netty", 50);
        results.add(Metric.SERVER_RSS, "lifeline", 3.0);
        results.add(Metric.SERVER_RSS, "lifeline-serve", 4.5);
        String md = report.markdown(List.of("# t"));

        assertThat(md).contains("| small messages (64 × 16 in flight, 64 B), msg/s ↑ | 100 | 85.0 | 50.0 | 2.00 (Netty)");
        assertThat(md).contains("| lifeline serve, small messages: ≥ 0.8 × the library's echo (issue 18) | 0.85 × | yes |");
        assertThat(md).contains("| lifeline serve, idle: ≤ 1.2 × the library's RSS per connection (issue 18) | 1.50 × |"
                + " **no** |");
    }

    @Test
    void theReliableLayerIsComparedWithPlainEchoAndClosesWithOneMillisecond() {
        results.add(Metric.SERVER_PLAIN_ECHOED, "lifeline", 1000);
        results.add(Metric.SERVER_RELIABLE_ACKED, "lifeline", 700);
        results.add(Metric.SERVER_RELIABLE_ACK_P99, "lifeline", 1200);
        results.add(Metric.SERVER_CLOSE_P99, "lifeline", 400);
        results.add(Metric.SERVER_CLOSE_P99, "netty", 300);
        String md = report.markdown(List.of("# t"));

        assertThat(md).contains("| reliable layer: acknowledged ≥ 0.6 × plain echo (issue 18) | 0.70 × | yes |");
        assertThat(md).contains("| reliable layer: acknowledgement p99 < 1 ms (issue 18) | 1,200 µs | **no** |");
        assertThat(md).contains("| close detection: p99 < 1 ms (issue 18) | 400 µs | yes |");
        assertThat(md).contains("| close detection: Close frame sent to the server's callback, p99, µs ↓ | 400 | — | 300"
                + " | 1.33 (Netty) |");
    }
}
