package dev.lifeline.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.WebSocketOptions;
import dev.lifeline.WebSocketServer;
import dev.lifeline.bench.load.Connector.Opened;
import dev.lifeline.bench.load.Connector.Target;
import dev.lifeline.bench.server.EchoServer;
import dev.lifeline.bench.server.Servers;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Held connections answer every Ping, so that a server whose keepalive fails unanswered connections keeps them all;
 * a connection the server closes or drops while held is an error, never a figure.
 */
@Timeout(60)
class KeepaliveHoldTest {
    private static final int CONNECTIONS = 20;

    @Test
    void everyPingIsAnsweredSoNoConnectionIsFailedAndEachEchoesAtTheEnd() throws Exception {
        // unanswered, a Ping fails its connection with 1011 after 1 s: the hold lasts four times as long (with 200 ms
        // a load average of 11 made an answered Pong late)
        WebSocketOptions keepalive = WebSocketOptions.DEFAULT.withKeepalive(Duration.ofMillis(50),
                Duration.ofSeconds(1));
        WebSocketServer server = WebSocketServer.builder((ws, m) -> ws.send(m)).options(keepalive).start();
        Opened opened = Connector.open(Target.webSocket(server.port()), CONNECTIONS, 8, Duration.ofSeconds(10));
        try {
            KeepaliveHold.Result r = KeepaliveHold.run(opened.channels(), Duration.ofSeconds(4),
                    Duration.ofSeconds(10));

            assertThat(r.error()).isNull();
            assertThat(r.pinged()).isEqualTo(CONNECTIONS);
            assertThat(r.pings()).isGreaterThanOrEqualTo(2L * CONNECTIONS);
            assertThat(server.connections()).hasSize(CONNECTIONS);
        } finally {
            opened.abort();
            server.close();
        }
    }

    @Test
    void aConnectionTheServerClosesWhileHeldIsAnErrorThatSaysWithWhatCode() throws Exception {
        WebSocketServer server = WebSocketServer.builder((ws, m) -> ws.send(m)).start();
        Opened opened = Connector.open(Target.webSocket(server.port()), CONNECTIONS, 8, Duration.ofSeconds(10));
        try {
            CompletableFuture<Void> closing = CompletableFuture.runAsync(() -> server.close(),
                    CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS));

            KeepaliveHold.Result r = KeepaliveHold.run(opened.channels(), Duration.ofSeconds(30),
                    Duration.ofSeconds(10));

            assertThat(r.error()).matches("the server closed connection \\d+ with 1001 while it was held");
            closing.join();
        } finally {
            opened.abort();
            server.close();
        }
    }

    @ParameterizedTest
    @EnumSource(value = Servers.class, names = {"LIFELINE", "NETTY", "JAVA_WEBSOCKET"})
    void theServersWithAKeepaliveModeHoldAndEcho(Servers which) throws Exception {
        assertThat(which.keepsAlive()).isTrue();
        try (EchoServer server = which.startKeepingAlive()) {
            Opened opened = Connector.open(Target.webSocket(server.port()), 3, 3, Duration.ofSeconds(10));
            try {
                KeepaliveHold.Result r = KeepaliveHold.run(opened.channels(), Duration.ofMillis(200),
                        Duration.ofSeconds(10));

                assertThat(r.error()).isNull();
            } finally {
                opened.abort();
            }
        }
    }
}
