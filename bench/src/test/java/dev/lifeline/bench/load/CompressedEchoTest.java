package dev.lifeline.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeline.bench.load.Connector.Opened;
import dev.lifeline.bench.load.Connector.Target;
import dev.lifeline.bench.server.EchoServer;
import dev.lifeline.bench.server.Servers;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The compressed scenario (RFC 7692, no context takeover) against every server started with permessage-deflate:
 * each negotiates it and echoes every 1 KiB JSON message compressed, verified once inflated; the raw TCP echo
 * returns our own compressed frames. A timed run of about a second gives a figure with its payload rate.
 */
@Timeout(60)
class CompressedEchoTest {

    @ParameterizedTest
    @EnumSource(value = Servers.class, names = {"LIFELINE", "NETTY", "JETTY", "JAVA_WEBSOCKET", "RAW_TCP"})
    void everyCompressingServerEchoesCompressedMessages(Servers which) throws Exception {
        try (EchoServer server = which.start(true)) {
            LoadResult r = run(target(which, server), EchoLoad.Plan.counted(Scenario.COMPRESSED, which.raw(), 40));
            assertThat(r.error()).isNull();
            assertThat(r.messages()).isEqualTo(40L * Scenario.COMPRESSED.connections());
        }
    }

    @ParameterizedTest
    @EnumSource(value = Servers.class, names = {"LIFELINE", "NETTY"})
    void aTimedRunOfOneSecondGivesMessagesAndPayloadRates(Servers which) throws Exception {
        try (EchoServer server = which.start(true)) {
            LoadResult r = run(target(which, server), EchoLoad.Plan.timed(Scenario.COMPRESSED, false,
                    Duration.ofMillis(200), Duration.ofSeconds(1)));
            assertThat(r.error()).isNull();
            assertThat(r.messages()).isPositive();
            assertThat(r.mibPerSecond()).isEqualTo(r.messagesPerSecond() * 1024 / (1 << 20));
        }
    }

    @Test
    void aServerWithoutPermessageDeflateIsNotNegotiatedRatherThanMeasured() throws Exception {
        try (EchoServer server = Servers.LIFELINE.start(false)) {
            assertThatThrownBy(() -> Connector.open(Target.webSocket(server.port()).deflating(), 2, 2,
                    Duration.ofSeconds(10)))
                    .isInstanceOf(Connector.NotNegotiated.class)
                    .hasMessage("server did not negotiate permessage-deflate");
        }
    }

    @Test
    void theDocumentsCompressAboutThreeTimesEachOnItsOwn() {
        assertThat(new DeflatedTraffic(1024).ratio()).isBetween(2.8, 6.0);
    }

    private static Target target(Servers which, EchoServer server) {
        return which.raw() ? Target.rawTcp(server.port()) : Target.webSocket(server.port()).deflating();
    }

    static LoadResult run(Target target, EchoLoad.Plan plan) throws Exception {
        Opened opened = Connector.open(target, Scenario.COMPRESSED.connections(), 16, Duration.ofSeconds(10));
        try {
            return EchoLoad.run(opened.channels(), plan);
        } finally {
            opened.abort();
        }
    }
}
