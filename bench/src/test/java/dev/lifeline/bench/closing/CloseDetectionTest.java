package dev.lifeline.bench.closing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.bench.closing.CloseDetection.How;
import dev.lifeline.bench.closing.CloseDetection.Result;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The close-detection scenario, small, against every server library: each Close frame and each reset is reported
 * by the library's callback for that very connection; a report from another connection fails the run.
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

                assertThat(r.error()).as(how.name()).isNull();
                assertThat(r.closes()).isEqualTo(5);
                assertThat(r.p99Nanos()).isGreaterThanOrEqualTo(r.p50Nanos()).isPositive();
                assertThat(r.toLine()).startsWith(how == How.CLOSE_FRAME ? "CLOSE " : "RESET ");
            }
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
