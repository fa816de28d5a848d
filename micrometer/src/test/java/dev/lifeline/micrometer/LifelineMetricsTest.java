package dev.lifeline.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.lifeline.Message;
import dev.lifeline.WebSocket;
import dev.lifeline.WebSocketClient;
import dev.lifeline.WebSocketOptions;
import dev.lifeline.WebSocketServer;
import dev.lifeline.protocol.CloseCode;
import dev.lifeline.protocol.handshake.HandshakeException;
import dev.lifeline.protocol.handshake.HttpResponse;
import dev.lifeline.reliable.ReliableClient;
import dev.lifeline.reliable.ReliableOptions;
import dev.lifeline.reliable.ReliableServer;
import dev.lifeline.reliable.ServerSession;
import dev.lifeline.testing.Await;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.RequiredSearch;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The meters match the traffic exactly, over real loopback sockets: messages and bytes both ways, closes under
 * their code and who closed first, refused handshakes under their status, the gauges back to zero, and reliable
 * sessions by outcome with their acknowledgements.
 */
@Timeout(60)
class LifelineMetricsTest {
    private static final long PATIENCE_SECONDS = 10;

    private final MeterRegistry registry = new SimpleMeterRegistry();
    private final LifelineMetrics metrics = new LifelineMetrics(registry);
    private final WebSocketOptions options = WebSocketOptions.DEFAULT.withMetrics(metrics);

    private static URI uri(int port) {
        return URI.create("ws://127.0.0.1:" + port + "/");
    }

    private RequiredSearch meter(String name, String... tags) {
        return registry.get(name).tags(tags);
    }

    private double count(String name, String... tags) {
        return meter(name, tags).counter().count();
    }

    /** Waits (bounded) for something that no event announces: acknowledgements counted after the futures. */
    private static void await(BooleanSupplier condition) throws InterruptedException {
        Await.until("a condition of the test", Duration.ofSeconds(PATIENCE_SECONDS), condition);
    }

    @Test
    void nMessagesSentAreNCountedOnBothSidesWithTheirBytes() throws Exception {
        int n = 500;
        LinkedBlockingQueue<WebSocket> accepted = new LinkedBlockingQueue<>();
        try (WebSocketServer server = WebSocketServer.builder(ws -> {
            accepted.add(ws);
            ws.forEach(ws::send);
        }).options(options).start()) {
            WebSocket ws = WebSocketClient.builder().options(options).build().open(uri(server.port()));
            WebSocket serverSide = accepted.poll(PATIENCE_SECONDS, TimeUnit.SECONDS);
            assertThat(meter("lifeline.connections.open", "side", "server").gauge().value()).isEqualTo(1);
            for (int i = 0; i < n; i++) {
                ws.send("ab");
                ws.send(new byte[7]);
            }
            for (int i = 0; i < 2 * n; i++) {
                ws.receive();
            }
            ws.close();
            serverSide.closed().get(PATIENCE_SECONDS, TimeUnit.SECONDS);
        }
        for (String side : List.of("client", "server")) {
            assertThat(count("lifeline.messages.sent", "side", side, "type", "text")).isEqualTo(n);
            assertThat(count("lifeline.messages.received", "side", side, "type", "text")).isEqualTo(n);
            assertThat(count("lifeline.messages.sent", "side", side, "type", "binary")).isEqualTo(n);
            assertThat(count("lifeline.messages.received", "side", side, "type", "binary")).isEqualTo(n);
            assertThat(count("lifeline.payload.sent", "side", side, "type", "text")).isEqualTo(2.0 * n);
            assertThat(count("lifeline.payload.received", "side", side, "type", "binary")).isEqualTo(7.0 * n);
            assertThat(meter("lifeline.send.blocked", "side", side).timer().count()).isEqualTo(2L * n);
            assertThat(meter("lifeline.handshake.duration", "side", side).timer().count()).isEqualTo(1);
            assertThat(meter("lifeline.connections.open", "side", side).gauge().value()).isZero();
        }
        assertThat(count("lifeline.connections.closed", "side", "client", "code", "1000", "closed.first", "us"))
                .isEqualTo(1);
        assertThat(count("lifeline.connections.closed", "side", "server", "code", "1000", "closed.first", "peer"))
                .isEqualTo(1);
        assertThat(meter("lifeline.handshakes.in.flight").gauge().value()).isZero();
    }

    @Test
    void aTooBigMessageCountsA1009ClosedByUs() throws Exception {
        LinkedBlockingQueue<WebSocket> accepted = new LinkedBlockingQueue<>();
        try (WebSocketServer server = WebSocketServer.builder(ws -> {
            accepted.add(ws);
            ws.forEach(ws::send);
        }).options(options.withMaxMessageSize(64)).start();
                WebSocket ws = WebSocketClient.connect(uri(server.port()))) {
            ws.send(new byte[65]);
            assertThat(ws.closed().get(PATIENCE_SECONDS, TimeUnit.SECONDS).code()).isEqualTo(CloseCode.MESSAGE_TOO_BIG);
            accepted.poll(PATIENCE_SECONDS, TimeUnit.SECONDS).closed().get(PATIENCE_SECONDS, TimeUnit.SECONDS);
        }
        assertThat(count("lifeline.connections.closed", "side", "server", "code", "1009", "closed.first", "us"))
                .isEqualTo(1);
        assertThat(registry.find("lifeline.connections.closed").counters()).hasSize(1);
        assertThat(count("lifeline.messages.received", "side", "server", "type", "binary")).isZero();
    }

    /** A connection in the middle of a fragmented message cannot take a broadcast's frame: it misses it, counted. */
    @Test
    void aBroadcastThatAConnectionMissesCountsAsDropped() throws Exception {
        CountDownLatch fragmentSent = new CountDownLatch(1);
        CountDownLatch broadcastDone = new CountDownLatch(1);
        try (WebSocketServer server = WebSocketServer.builder(ws -> {
            ws.sendText("first half, ", false);
            fragmentSent.countDown();
            broadcastDone.await();
            ws.sendText("second half", true);
            ws.forEach(ws::send);
        }).options(options).start();
                WebSocket ws = WebSocketClient.connect(uri(server.port()))) {
            assertThat(fragmentSent.await(PATIENCE_SECONDS, TimeUnit.SECONDS)).isTrue();
            assertThat(server.broadcast(Message.text("news"))).as("queued for nobody").isZero();
            broadcastDone.countDown();
            assertThat(ws.receive()).isEqualTo(Message.text("first half, second half"));
            assertThat(server.broadcast(Message.binary(new byte[3]))).isEqualTo(1);
            assertThat(ws.receive()).isEqualTo(Message.binary(new byte[3]));
        }
        assertThat(count("lifeline.broadcast.dropped", "type", "text")).isEqualTo(1);
        assertThat(count("lifeline.broadcast.dropped", "type", "binary")).isZero();
        assertThat(count("lifeline.messages.sent", "side", "server", "type", "binary")).isEqualTo(1);
    }

    @Test
    void refusedHandshakesCountUnderTheirStatus() throws Exception {
        try (WebSocketServer server = WebSocketServer.builder(ws -> ws.forEach(ws::send)).options(options)
                .processRequest(request -> request.target().equals("/full")
                        ? Optional.of(HttpResponse.of(503, "full")) : Optional.of(HttpResponse.of(403, "no")))
                .start()) {
            for (String path : List.of("/a", "/b", "/full")) {
                HandshakeException e = catchThrowableOfType(HandshakeException.class,
                        () -> WebSocketClient.connect(uri(server.port()).resolve(path)));
                assertThat(e.status()).isIn(403, 503);
            }
        }
        assertThat(count("lifeline.handshakes.refused", "status", "403")).isEqualTo(2);
        assertThat(count("lifeline.handshakes.refused", "status", "503")).isEqualTo(1);
        assertThat(meter("lifeline.handshakes.in.flight").gauge().value()).isZero();
        assertThat(registry.find("lifeline.handshake.duration").timers()).allSatisfy(t ->
                assertThat(t.count()).isZero());
    }

    @Test
    void sessionsCountByOutcomeWithTheirAcknowledgements() throws Exception {
        int n = 50;
        MeterRegistry clientRegistry = new SimpleMeterRegistry();
        ReliableOptions reliable = ReliableOptions.DEFAULT.withMetrics(metrics);
        try (ReliableServer server = ReliableServer.builder(session -> {
            for (Message m : session) {
                session.send(m);
            }
        }).options(options).reliable(reliable).start();
                ReliableClient client = ReliableClient.builder(uri(server.port()))
                        .reliable(ReliableOptions.DEFAULT.withMetrics(new LifelineMetrics(clientRegistry)))
                        .connect()) {
            List<CompletableFuture<Void>> sent = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                sent.add(client.send("m" + i));
            }
            for (int i = 0; i < n; i++) {
                assertThat(client.receive(Duration.ofSeconds(PATIENCE_SECONDS))).contains(Message.text("m" + i));
            }
            CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(PATIENCE_SECONDS, TimeUnit.SECONDS);
            assertThat(clientRegistry.get("lifeline.sessions.ack.latency").timer().count()).isEqualTo(n);
            assertThat(clientRegistry.get("lifeline.sessions.outbox.depth").summary().count()).isEqualTo(n);
            await(() -> registry.get("lifeline.sessions.ack.latency").timer().count() == n);

            ServerSession session = server.sessions().iterator().next();
            WebSocket first = session.connection().orElseThrow();
            first.abort(); // the client comes back with its token
            await(() -> session.connection().filter(ws -> ws != first).isPresent());
            client.send("after").get(PATIENCE_SECONDS, TimeUnit.SECONDS);
        }
        assertThat(count("lifeline.sessions.joined", "outcome", "new", "resume.asked", "false")).isEqualTo(1);
        assertThat(count("lifeline.sessions.joined", "outcome", "resumed", "resume.asked", "true")).isEqualTo(1);
        assertThat(registry.find("lifeline.sessions.joined").counters()).hasSize(2);
    }
}
