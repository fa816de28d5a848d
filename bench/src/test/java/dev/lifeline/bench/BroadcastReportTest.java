package dev.lifeline.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The broadcast scenario's latency comparison (issue 18): the common rate is half the lowest saturation figure of the
 * run, and the report's table and target compare the latencies taken at it, not those at each server's own rate.
 */
class BroadcastReportTest {
    private static final List<String> SERVERS = List.of("lifeline", "netty", "java-websocket", "raw-tcp");
    private final Results results = new Results();
    private final Report report = new Report(results, SERVERS, List.of());

    @Test
    void theCommonRateIsHalfTheLowestMedianSaturation() {
        saturation("lifeline", 700_000, 730_000, 760_000);
        saturation("netty", 50_000, 56_000, 90_000); // median 56,000; its best repetition is not the figure
        saturation("java-websocket", 94_000, 95_000, 96_000);

        BroadcastScenario.CommonRate rate = BroadcastScenario.commonRate(results, SERVERS).orElseThrow();

        assertThat(rate.slowest()).isEqualTo("netty");
        assertThat(rate.deliveriesPerSecond()).isEqualTo(28_000);
        assertThat(rate.messagesPerSecond(10_000)).isEqualTo(2.8);
        assertThat(rate.describe()).isEqualTo("28,000 deliveries/s (half Netty's saturation)");
    }

    @Test
    void aServerWithAnErrorIsLeftOut() {
        saturation("lifeline", 700_000);
        saturation("netty", 40_000);
        results.fail(Metric.SERVER_BROADCAST, "netty", "a subscriber got message 3 after 1");
        saturation("java-websocket", 94_000);

        BroadcastScenario.CommonRate rate = BroadcastScenario.commonRate(results, SERVERS).orElseThrow();

        assertThat(rate.slowest()).isEqualTo("java-websocket");
        assertThat(rate.deliveriesPerSecond()).isEqualTo(47_000);
    }

    @Test
    void theRawTcpReferenceIsNoServerUnderTestAndIsLeftOut() {
        saturation("lifeline", 700_000);
        saturation("netty", 56_000);
        saturation("raw-tcp", 30_000); // as if the generator were the limit: still no server under test

        assertThat(BroadcastScenario.commonRate(results, SERVERS).orElseThrow().slowest()).isEqualTo("netty");
    }

    @Test
    void withoutAnySaturationFigureThereIsNoCommonRate() {
        results.fail(Metric.SERVER_BROADCAST, "lifeline", "refused");

        assertThat(BroadcastScenario.commonRate(results, SERVERS)).isEmpty();
    }

    @Test
    void theTargetComparesTheLatencyAtTheCommonRateNotAtEachServersOwn() {
        saturation("lifeline", 730_000);
        saturation("netty", 56_000);
        saturation("java-websocket", 94_000);
        // at half their own rates Lifeline is slower (it carries eight times the load) ...
        latency(Metric.SERVER_BROADCAST_OWN_P99, 256_000, 220_000, 170_000);
        // ... at the common rate it is not
        latency(Metric.SERVER_BROADCAST_P99, 9_000, 12_000, 10_000);

        String md = report.markdown(List.of("# t"));

        assertThat(md).contains("| server, broadcast latency p99 at the common rate: ≤ the best peer's (issue 18) |"
                + " 0.90 × Java-WebSocket, at 28,000 deliveries/s (half Netty's saturation) | yes |");
        assertThat(md).contains("| broadcast latency p99 at the common rate (half the slowest server's saturation),"
                + " µs ↓ | 9,000 | 12,000 | 10,000 | — | 0.90 (Java-WebSocket) | — |");
        assertThat(md).contains("| broadcast latency p99 at half its own saturation rate, µs ↓ | 256,000 | 220,000 |"
                + " 170,000 | — | 1.51 (Java-WebSocket) | — |");
        assertThat(md).contains("| server, broadcast deliveries: ≥ 1.5 × the best peer's (issue 18) | 7.77 ×"
                + " Java-WebSocket | yes |");
    }

    @Test
    void aLifelineSlowerAtTheCommonRateMissesTheTarget() {
        saturation("lifeline", 730_000);
        saturation("netty", 56_000);
        latency(Metric.SERVER_BROADCAST_OWN_P99, 1_000, 2_000, 2_000);
        latency(Metric.SERVER_BROADCAST_P99, 13_000, 12_000, 10_000);

        assertThat(report.markdown(List.of("# t"))).contains("| server, broadcast latency p99 at the common rate:"
                + " ≤ the best peer's (issue 18) | 1.30 × Java-WebSocket, at 28,000 deliveries/s (half Netty's"
                + " saturation) | **no** |");
    }

    private void saturation(String server, double... reps) {
        for (double r : reps) {
            results.add(Metric.SERVER_BROADCAST, server, r);
        }
    }

    /** Lifeline's, Netty's and Java-WebSocket's figures of {@code metric}. */
    private void latency(Metric metric, double lifeline, double netty, double javaWebSocket) {
        results.add(metric, "lifeline", lifeline);
        results.add(metric, "netty", netty);
        results.add(metric, "java-websocket", javaWebSocket);
    }
}
