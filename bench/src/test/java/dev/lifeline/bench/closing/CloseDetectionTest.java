package dev.lifeline.bench.closing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.bench.closing.CloseDetection.How;
import dev.lifeline.bench.closing.CloseDetection.Result;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The close-detection scenario, small, against every server library: each close reported is reported by the
 * library's callback for that very connection, and a report from another connection fails the run. Lifeline reports
 * every one; a peer library may miss one now and then (Java-WebSocket misses about one reset in 300 under load:
 * its {@code onClose} does not come within 5 s while its lost-connection check is off), which the scenario counts as missed
 * instead of failing, since that is what it measures ({@link ReportsTest} checks that counting).
 */
@Timeout(120)
class CloseDetectionTest {

    @ParameterizedTest
    @EnumSource(ClosingServers.class)
    void everyCloseAndEveryResetIsReportedForItsOwnConnection(ClosingServers which) throws Exception {
        CloseDetection detection = new CloseDetection();
        try (ClosingServers.Running server = which.start(detection::closed)) {
            for (How how : How.values()) {
                Result r = detection.run(server.port(), how, 5);

                assertThat(r.error()).as(which + " " + how).isNull();
                assertThat(r.closes() + r.missed()).as(which + " " + how).isEqualTo(5);
                if (which == ClosingServers.LIFELINE) {
                    assertThat(r.missed()).as(how.name()).isZero();
                }
                assertThat(r.p99Nanos()).isGreaterThanOrEqualTo(r.p50Nanos()).isPositive();
                assertThat(r.toLine()).startsWith(how == How.CLOSE_FRAME ? "CLOSE " : "RESET ")
                        .endsWith(" " + r.missed());
            }
        }
    }

    @Test
    void noCloseReportedAtAllFailsTheRun() throws Exception {
        CloseDetection detection = new CloseDetection();
        try (ClosingServers.Running server = ClosingServers.LIFELINE.start(peer -> { })) {
            Result r = detection.run(server.port(), How.RESET, 2, Duration.ofMillis(200));

            assertThat(r.ok()).isFalse();
            assertThat(r.error()).isEqualTo("none of 2 closes reported within PT0.2S");
        }
    }

    @Test
    void aCloseReportedForAnotherConnectionFailsTheRun() throws Exception {
        CloseDetection detection = new CloseDetection();
        InetSocketAddress stranger = new InetSocketAddress("127.0.0.9", 9);
        try (ClosingServers.Running server = ClosingServers.LIFELINE.start(peer -> detection.closed(stranger))) {
            Result r = detection.run(server.port(), How.RESET, 2);

            assertThat(r.ok()).isFalse();
            assertThat(r.error()).contains("the close reported was " + stranger + "'s");
            assertThat(r.toLine()).startsWith("ERROR ");
        }
    }
}
