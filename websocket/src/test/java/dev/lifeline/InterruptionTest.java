package dev.lifeline;

import static dev.lifeline.Peers.PATIENCE;
import static dev.lifeline.Peers.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.protocol.ConnectionClosedException;
import dev.lifeline.protocol.State;
import dev.lifeline.testing.RawServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One interruption policy: a thread interrupted while it waits in {@code receive}, {@code send}, {@code close} or a
 * client's {@code open} gets {@link OperationInterruptedException} and keeps its interrupt status, on a server's
 * connection (polled socket) and a client's (blocking socket) alike. Each wait also checks the interrupt on entry,
 * so the outcome does not depend on whether the interrupt lands before or during the wait.
 */
@Timeout(60)
class InterruptionTest {
    private static final int TEXT = 0x1;
    private static final int CLOSE = 0x8;
    private static final Set<Thread.State> WAITING = Set.of(Thread.State.WAITING, Thread.State.TIMED_WAITING);

    /** What an interrupted call threw, and whether its thread was still interrupted afterwards. */
    private record Outcome(Throwable thrown, boolean stillInterrupted) {
    }

    @ParameterizedTest(name = "ours is the server: {0}")
    @ValueSource(booleans = {true, false})
    void interruptedReceiveThrowsAndTakesNoMessage(boolean oursIsServer) throws Exception {
        try (AgainstRaw raw = AgainstRaw.open(oursIsServer, WebSocketOptions.DEFAULT.withoutKeepalive())) {
            CompletableFuture<Outcome> outcome = new CompletableFuture<>();
            Thread receiver = Thread.ofVirtual().start(() -> outcome.complete(attempt(raw.ours::receive)));
            awaitWaiting(receiver);
            receiver.interrupt();

            assertInterrupted(await(outcome), "interrupted while waiting for a message");
            assertThat(raw.ours.state()).isEqualTo(State.OPEN);
            raw.peer.send(TEXT, "after the interrupt".getBytes());
            assertThat(raw.ours.receive(PATIENCE)).contains(Message.text("after the interrupt"));
        }
    }

    /**
     * A peer that never reads: one sender is stuck writing a large message (through the poller on the server, in the
     * socket's stream on the client), so a second one waits for room below {@code writeLimit}; interrupted there, it
     * sent nothing and the connection stays OPEN.
     */
    @ParameterizedTest(name = "ours is the server: {0}")
    @ValueSource(booleans = {true, false})
    void sendInterruptedWhileWaitingForRoomThrowsAndSendsNothing(boolean oursIsServer) throws Exception {
        try (AgainstRaw raw = AgainstRaw.open(oursIsServer, WebSocketOptions.DEFAULT.withoutKeepalive())) {
            byte[] large = new byte[1 << 20];
            Thread stuck = Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        raw.ours.send(large);
                    }
                } catch (ConnectionClosedException e) {
                    // the test drops the connection at its end
                }
            });
            awaitWaiting(stuck, 100); // blocked in a write for good: the peer reads nothing

            CompletableFuture<Outcome> outcome = new CompletableFuture<>();
            Thread sender = Thread.ofPlatform().start(() -> outcome.complete(attempt(() -> raw.ours.send("small"))));
            awaitWaiting(sender);
            sender.interrupt();

            assertInterrupted(await(outcome), "nothing was sent");
            assertThat(raw.ours.state()).isEqualTo(State.OPEN);
        }
    }

    /**
     * A peer that does not answer our Close: {@code close()} interrupted while it waits for the closing handshake
     * throws; the Close frame went out, and the connection still ends by {@code closeTimeout}.
     */
    @ParameterizedTest(name = "ours is the server: {0}")
    @ValueSource(booleans = {true, false})
    void closeInterruptedWhileWaitingForTheHandshakeThrowsAndTheConnectionStillCloses(boolean oursIsServer)
            throws Exception {
        WebSocketOptions options = WebSocketOptions.DEFAULT.withoutKeepalive().withCloseTimeout(Duration.ofSeconds(3));
        try (AgainstRaw raw = AgainstRaw.open(oursIsServer, options)) {
            CompletableFuture<Outcome> outcome = new CompletableFuture<>();
            Thread closer = Thread.ofVirtual().start(() -> outcome.complete(attempt(raw.ours::close)));
            assertThat(raw.peer.readUntil(CLOSE, PATIENCE).opcode()).isEqualTo(CLOSE);
            awaitWaiting(closer);
            closer.interrupt();

            assertInterrupted(await(outcome), "closing handshake");
            assertThat(await(raw.ours.closed())).isNotNull(); // by closeTimeout, without the interrupted caller
            assertThat(raw.ours.state()).isEqualTo(State.CLOSED);
        }
    }

    /** The same policy for a {@link ReconnectingWebSocket}, whose receive waits across its connections. */
    @Test
    void reconnectingClientsReceiveInterruptedThrowsAndTakesNoMessage() throws Exception {
        try (Peers peers = Peers.start();
                ReconnectingWebSocket ws = ReconnectingWebSocket.builder(peers.uri()).connect()) {
            WebSocket accepted = peers.accepted();
            CompletableFuture<Outcome> outcome = new CompletableFuture<>();
            Thread receiver = Thread.ofVirtual().start(() -> outcome.complete(attempt(ws::receive)));
            awaitWaiting(receiver);
            receiver.interrupt();

            assertInterrupted(await(outcome), "interrupted while");
            accepted.send("after the interrupt");
            assertThat(ws.receive(PATIENCE)).contains(Message.text("after the interrupt"));
        }
    }

    /**
     * A server that accepts TCP and never answers the handshake: the client's wait for the response, in a socket's
     * stream, or polled in its channel's read.
     */
    @ParameterizedTest(name = "pollIdle {0}")
    @ValueSource(booleans = {false, true})
    void clientOpenInterruptedWhileWaitingForTheResponseThrowsAndClosesTheSocket(boolean pollIdle) throws Exception {
        try (RawServer server = RawServer.start()) {
            CompletableFuture<Outcome> outcome = new CompletableFuture<>();
            WebSocketClient client = WebSocketClient.builder().pollIdle(pollIdle).build();
            Thread opener = Thread.ofVirtual().start(
                    () -> outcome.complete(attempt(() -> client.open(server.uri("/")))));
            Socket accepted = server.acceptSocket(PATIENCE);
            accepted.setSoTimeout((int) PATIENCE.toMillis());
            // The request has arrived, so the client is past connecting and writing: it now waits for the response.
            assertThat(readRequest(accepted.getInputStream())).startsWith("GET / HTTP/1.1");
            awaitWaiting(opener);
            opener.interrupt();

            Outcome result = await(outcome);
            assertInterrupted(result, "interrupted while opening");
            assertThat(result.thrown()).cause().isInstanceOf(IOException.class);
            // Returns at the end of the stream, with nothing more: the client closed its socket.
            assertThat(accepted.getInputStream().readAllBytes()).isEmpty();
        }
    }

    /** A thread already interrupted does not start opening: no wait that would ignore its interrupt. */
    @Test
    void clientOpenOnAnInterruptedPlatformThreadThrowsAtOnce() throws Exception {
        try (RawServer server = RawServer.start()) {
            CompletableFuture<Outcome> outcome = new CompletableFuture<>();
            Thread.ofPlatform().start(() -> {
                Thread.currentThread().interrupt();
                outcome.complete(attempt(() -> WebSocketClient.connect(server.uri("/"))));
            });

            assertInterrupted(await(outcome), "interrupted before opening");
        }
    }

    /** Reads up to and including the blank line that ends an HTTP request's head (bounded by the socket's timeout). */
    private static String readRequest(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (head.length() < 4 || !head.substring(head.length() - 4).equals("\r\n\r\n")) {
            int b = in.read();
            assertThat(b).as("request head ended early: " + head).isNotNegative();
            head.append((char) b);
        }
        return head.toString();
    }

    private interface Call {
        void run() throws Exception;
    }

    private static Outcome attempt(Call call) {
        Throwable thrown = null;
        try {
            call.run();
        } catch (Exception | Error e) {
            thrown = e;
        }
        return new Outcome(thrown, Thread.currentThread().isInterrupted());
    }

    private static void assertInterrupted(Outcome outcome, String message) {
        assertThat(outcome.thrown()).isInstanceOf(OperationInterruptedException.class).hasMessageContaining(message);
        assertThat(outcome.stillInterrupted()).as("interrupt status kept").isTrue();
    }

    /** Waits, at most {@link Peers#PATIENCE}, until {@code thread} is parked (its state, not an event: polled). */
    private static void awaitWaiting(Thread thread) {
        awaitWaiting(thread, 1);
    }

    /**
     * Waits until {@code thread} is found parked on {@code times} looks in a row, a millisecond apart: for a writer
     * whose socket may make it wait for a moment before TCP's buffers are full for good.
     */
    private static void awaitWaiting(Thread thread, int times) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        int seen = 0;
        while (seen < times && System.nanoTime() < deadline) {
            seen = WAITING.contains(thread.getState()) ? seen + 1 : 0;
            LockSupport.parkNanos(1_000_000);
        }
        assertThat(seen).as(thread + " waiting").isEqualTo(times);
    }
}
