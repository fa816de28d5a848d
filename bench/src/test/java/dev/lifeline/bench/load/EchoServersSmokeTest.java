package dev.lifeline.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.bench.load.Connector.Opened;
import dev.lifeline.bench.load.Connector.Target;
import dev.lifeline.bench.server.EchoServer;
import dev.lifeline.bench.server.Servers;
import dev.lifeline.WebSocketOptions;
import dev.lifeline.WebSocketServer;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every echo server of the comparison starts and echoes what the load generator sends, verified byte for byte:
 * small text messages on several connections, and 1 MiB binary messages (the 64-bit length form, RFC 6455 §5.2).
 */
@Timeout(60)
class EchoServersSmokeTest {

    @ParameterizedTest
    @EnumSource(value = Servers.class, mode = EnumSource.Mode.EXCLUDE, names = "NODE_WS") // in NodeEchoTest
    void echoesSmallTextAndLargeBinaryMessages(Servers which) throws Exception {
        try (EchoServer server = which.start()) {
            Target target = which.raw() ? Target.rawTcp(server.port()) : Target.webSocket(server.port());
            assertThat(echo(target, Scenario.SMALL, 3, 20)).isEqualTo(60);
            assertThat(echo(target, Scenario.LARGE, 1, 3)).isEqualTo(3);
        }
    }

    @Test
    void aKeepalivePingBetweenEchoesIsSkippedNotAnError() throws Exception {
        // a Ping 10 ms after each connection opens, within a run of a second; unanswered, it fails nothing for 30 s
        WebSocketServer server = WebSocketServer.builder((ws, m) -> ws.send(m))
                .options(WebSocketOptions.DEFAULT.withKeepalive(Duration.ofMillis(10), Duration.ofSeconds(30)))
                .start();
        try {
            Opened opened = Connector.open(Target.webSocket(server.port()), 3, 3, Duration.ofSeconds(10));
            try {
                LoadResult r = EchoLoad.run(opened.channels(), EchoLoad.Plan.timed(Scenario.SMALL, false,
                        Duration.ofMillis(200), Duration.ofMillis(800)));

                assertThat(r.error()).isNull();
                assertThat(r.messages()).isPositive();
                assertThat(server.connections()).allSatisfy(ws -> assertThat(ws.latency()).isZero()); // unanswered
            } finally {
                opened.abort();
            }
        } finally {
            server.close();
        }
    }

    private static long echo(Target target, Scenario scenario, int connections, int perConnection) throws Exception {
        Opened opened = Connector.open(target, connections, 8, Duration.ofSeconds(10));
        try {
            LoadResult result = EchoLoad.run(opened.channels(),
                    EchoLoad.Plan.counted(scenario, target.raw(), perConnection));
            assertThat(result.error()).isNull();
            return result.messages();
        } finally {
            opened.abort();
        }
    }
}
