package dev.lifeline.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.Message;
import dev.lifeline.WebSocketOptions;
import dev.lifeline.protocol.ClientProtocol;
import dev.lifeline.protocol.CloseCode;
import dev.lifeline.protocol.CloseStatus;
import dev.lifeline.protocol.Event;
import dev.lifeline.protocol.State;
import dev.lifeline.protocol.handshake.Headers;
import dev.lifeline.testing.RawPeer;
import dev.lifeline.testing.RawPeer.Frame;
import dev.lifeline.testing.RawServer;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Keepalive (RFC 6455 §5.5.2, §5.5.3) and the closing handshake's bound, timed by a stepped clock: a real client
 * connection talks to a raw peer over loopback TCP, and its timers move only when the test steps them. Nothing
 * sleeps and nothing is timed: "not before" is shown by a text message the test sends before the last nanosecond
 * of a wait, which the peer must read before the frame the deadline brings.
 */
@Timeout(30)
class SteppedConnectionTimersTest {
    private static final Duration INTERVAL = Duration.ofSeconds(10);
    private static final Duration PING_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration PATIENCE = Duration.ofSeconds(10);
    private static final Duration NANO = Duration.ofNanos(1);

    private final Timers timers = Timers.stepped();
    private RawServer server;
    private RawPeer peer;
    private Connection client;

    @BeforeEach
    void open() throws Exception {
        server = RawServer.start();
        CompletableFuture<Connection> opening = CompletableFuture.supplyAsync(this::connect);
        peer = server.accept(PATIENCE);
        client = opening.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    }

    @AfterEach
    void close() throws Exception {
        client.abort();
        peer.close();
        server.close();
    }

    /** The client's side, as {@code WebSocketClient} opens it, with the stepped timers given before it starts. */
    private Connection connect() {
        try {
            Socket socket = new Socket();
            socket.connect(new InetSocketAddress("127.0.0.1", server.port()), (int) PATIENCE.toMillis());
            WebSocketOptions options = WebSocketOptions.DEFAULT.withKeepalive(INTERVAL, PING_TIMEOUT)
                    .withCloseTimeout(CLOSE_TIMEOUT);
            ClientProtocol protocol = new ClientProtocol(server.uri("/"), List.of(), Headers.empty(),
                    options.protocolConfig(), Handshakes.newRandom());
            protocol.sendRequest();
            Handshakes.writeOutbound(socket, socket.getOutputStream(), protocol);
            List<Event> events = Handshakes.readHandshake(socket, socket.getInputStream(), protocol,
                    System.nanoTime() + PATIENCE.toNanos());
            Connection connection = new Connection("c-stepped", Transport.blocking(socket, socket), protocol,
                    options, events, timers, closed -> { });
            connection.start(null, Reader.FirstRun.NEW_THREAD);
            return connection;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Steps to one nanosecond before {@code wait} ends, sends a marker, then steps the last nanosecond. */
    private void stepThroughMarked(Duration wait, String marker) {
        timers.advance(wait.minus(NANO));
        client.send(marker);
        timers.advance(NANO);
    }

    private void assertNextIsText(String text) throws Exception {
        Frame frame = peer.readFrame(PATIENCE);
        assertThat(frame.opcode()).as("next frame: %s", frame).isEqualTo(RawPeer.TEXT);
        assertThat(frame.text()).isEqualTo(text);
    }

    private Frame readPing() throws Exception {
        Frame frame = peer.readFrame(PATIENCE);
        assertThat(frame.opcode()).as("next frame: %s", frame).isEqualTo(RawPeer.PING);
        return frame;
    }

    @Test
    void keepaliveSendsAPingAfterTheIntervalAndNotBefore() throws Exception {
        stepThroughMarked(INTERVAL, "before the interval");

        assertNextIsText("before the interval");
        assertThat(readPing().payload()).as("the Ping's id, 8 bytes").hasSize(8);
    }

    @Test
    void aMissingPongFailsTheConnectionWith1011AfterThePingTimeout() throws Exception {
        timers.advance(INTERVAL);
        readPing();

        stepThroughMarked(PING_TIMEOUT, "before the timeout");

        // Order of events: the marker, then the Close 1011 of a connection failed for a dead peer, then TCP drops.
        assertNextIsText("before the timeout");
        Frame close = peer.readUntil(RawPeer.CLOSE, PATIENCE);
        assertThat(close.closeCode()).isEqualTo(CloseCode.INTERNAL_ERROR.value());
        assertThat(close.closeReason()).isEqualTo("keepalive ping timeout");
        assertThat(client.closed().get(PATIENCE.toSeconds(), TimeUnit.SECONDS))
                .isEqualTo(new CloseStatus(CloseCode.ABNORMAL_CLOSURE, ""));
        assertThat(peer.awaitEnd(PATIENCE)).as("TCP dropped").isTrue();
    }

    @Test
    void aPongInTimeCancelsTheTimeoutAndArmsTheNextPingAnIntervalLater() throws Exception {
        timers.advance(INTERVAL);
        Frame ping = readPing();
        timers.advance(Duration.ofSeconds(1));
        peer.send(RawPeer.PONG, ping.payload());
        // the reader handles frames in order: once the text that follows the Pong is received, the Pong was handled
        peer.send(RawPeer.TEXT, "after the pong".getBytes(StandardCharsets.UTF_8));
        assertThat(client.receive(PATIENCE)).contains(Message.text("after the pong"));
        assertThat(client.latency()).as("measured on the stepped clock").isEqualTo(Duration.ofSeconds(1));

        // past the first Ping's timeout (5 s after it), then up to the next Ping (10 s after the Pong)
        stepThroughMarked(INTERVAL, "no timeout, no Ping yet");

        assertNextIsText("no timeout, no Ping yet");
        Frame next = readPing();
        assertThat(next.payload()).as("a new Ping, not the first one again").isNotEqualTo(ping.payload());
        assertThat(client.state()).isEqualTo(State.OPEN);
    }

    @Test
    void theClosingHandshakeIsAbortedAfterCloseTimeoutWhenThePeerNeverAnswers() throws Exception {
        CompletableFuture<Void> closing = CompletableFuture.runAsync(client::close);
        Frame close = peer.readUntil(RawPeer.CLOSE, PATIENCE); // sent: the close timer is armed
        assertThat(close.closeCode()).isEqualTo(CloseCode.NORMAL_CLOSURE.value());

        timers.advance(CLOSE_TIMEOUT.minus(NANO));
        assertThat(client.state()).as("one nanosecond before closeTimeout").isEqualTo(State.CLOSING);
        timers.advance(NANO);

        assertThat(client.closed().get(PATIENCE.toSeconds(), TimeUnit.SECONDS).code())
                .isEqualTo(CloseCode.ABNORMAL_CLOSURE);
        assertThat(peer.awaitEnd(PATIENCE)).as("TCP dropped without the peer's Close").isTrue();
        closing.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    }
}
