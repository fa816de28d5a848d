package dev.lifeline.reliable;

import static dev.lifeline.reliable.Loopback.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.lifeline.Failure;
import dev.lifeline.WebSocketClient;
import dev.lifeline.WebSocketServer;
import dev.lifeline.protocol.CloseCode;
import dev.lifeline.protocol.handshake.HandshakeException;
import dev.lifeline.protocol.handshake.HttpResponse;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A reliable server's handlers: one per session, for the session's whole life, and what their end means. */
@Timeout(20)
class ReliableServerTest {
    @Test
    void handlerThrowingEndsTheSessionWith1011AndTheClientStartsANewOne() throws Exception {
        BlockingQueue<ServerSession> sessions = new LinkedBlockingQueue<>();
        AtomicInteger started = new AtomicInteger();
        Loopback.Recorder recorder = new Loopback.Recorder();
        try (ReliableServer server = Loopback.server(session -> {
            sessions.add(session);
            if (started.incrementAndGet() == 1) {
                session.receive();
                throw new IllegalStateException("handler bug");
            }
            session.forEach(m -> { });
        }).start(); ReliableClient client = Loopback.client(server.port()).listener(recorder).connect()) {
            client.send("boom");
            ServerSession first = sessions.poll(5, TimeUnit.SECONDS);
            assertThat(first.closed().get(5, TimeUnit.SECONDS).kind()).isEqualTo(CloseReason.Kind.FAILED);
            await(() -> recorder.outcomes.size() == 2);
            assertThat(recorder.failures).first().isInstanceOfSatisfying(Failure.Disconnected.class,
                    d -> assertThat(d.code()).isEqualTo(CloseCode.INTERNAL_ERROR));
            assertThat(recorder.outcomes).extracting(SessionOutcome::kind)
                    .containsExactly(SessionOutcome.Kind.NEW, SessionOutcome.Kind.NEW);
            assertThat(sessions.poll(5, TimeUnit.SECONDS).token()).isEqualTo(client.token());
        }
    }

    @Test
    void oneHandlerServesTheSessionAcrossReconnects() throws Exception {
        BlockingQueue<ServerSession> sessions = new LinkedBlockingQueue<>();
        try (ReliableServer server = Loopback.server(session -> {
            sessions.add(session);
            for (dev.lifeline.Message m : session) {
                session.send(m);
            }
        }).start(); ReliableClient client = Loopback.client(server.port()).connect()) {
            for (int i = 0; i < 3; i++) {
                client.send("n" + i).get(5, TimeUnit.SECONDS);
                Loopback.dropServerSide(server);
            }
            client.send("last").get(5, TimeUnit.SECONDS);
            assertThat(sessions).hasSize(1);
        }
    }

    @Test
    void processRequestCanRefuseAHandshakeBeforeAnySessionStarts() throws Exception {
        try (ReliableServer server = Loopback.server(Loopback.ECHO).processRequest(request ->
                request.headers().first("Authorization").equals(Optional.of("Bearer good")) ? Optional.empty()
                        : Optional.of(HttpResponse.of(401, "who are you?"))).start()) {
            ReliableClient stranger = Loopback.client(server.port()).connect();
            assertThat(stranger.closed().get(5, TimeUnit.SECONDS).failure()).get()
                    .isInstanceOfSatisfying(Failure.Refused.class, r -> assertThat(r.status()).isEqualTo(401));
            try (ReliableClient friend = Loopback.client(server.port()).header("Authorization", "Bearer good")
                    .connect()) {
                friend.send("hi").get(5, TimeUnit.SECONDS);
            }
            assertThat(server.sessions()).isEmpty();
        }
    }

    @Test
    void processRequestAnswersPlainHttpAndOtherRequestsGetTheUsualAnswer() throws Exception {
        try (ReliableServer server = Loopback.server(Loopback.ECHO).processRequest(request ->
                request.target().equals("/health") ? Optional.of(HttpResponse.of(200, "ok")) : Optional.empty())
                .start()) {
            assertThat(plainGet(server.port(), "/health")).startsWith("HTTP/1.1 200").endsWith("ok");
            assertThat(plainGet(server.port(), "/")).startsWith("HTTP/1.1 426");
        }
    }

    /**
     * The subprotocol and the store's health are checked by the underlying server itself, not by a
     * {@code processRequest} that sees every handshake (which would send each to a thread of its own, off the
     * server's selecting thread): a processor of plain HTTP only sees no handshake, and the refusals stay the same.
     */
    @Test
    void handshakesAreCheckedWithoutAProcessorThatSeesThemAndRefusedAsBefore() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        AtomicBoolean healthy = new AtomicBoolean(true);
        InMemorySessionStore sessions = new InMemorySessionStore(Duration.ofMinutes(1), 100);
        SessionStore store = new SessionStore() {
            @Override
            public boolean add(ServerSession session) {
                return sessions.add(session);
            }

            @Override
            public Optional<ServerSession> find(String token) {
                return sessions.find(token);
            }

            @Override
            public void detached(ServerSession session) {
                sessions.detached(session);
            }

            @Override
            public void remove(ServerSession session) {
                sessions.remove(session);
            }

            @Override
            public int size() {
                return sessions.size();
            }

            @Override
            public boolean healthy() {
                return healthy.get();
            }

            @Override
            public void close() {
                sessions.close();
            }
        };
        try (ReliableServer server = Loopback.server(Loopback.ECHO).store(store)
                .processRequest(WebSocketServer.RequestProcessor.plainHttpOnly(request -> {
                    seen.add(request.target());
                    return request.target().equals("/health") ? Optional.of(HttpResponse.of(200, "ok"))
                            : Optional.empty();
                })).start()) {
            assertThat(plainGet(server.port(), "/health")).startsWith("HTTP/1.1 200").endsWith("ok");
            try (ReliableClient client = Loopback.client(server.port()).connect()) {
                client.send("hi").get(5, TimeUnit.SECONDS);
            }
            assertThat(seen).as("requests the processor saw").containsExactly("/health");

            HandshakeException plain = catchThrowableOfType(HandshakeException.class,
                    () -> WebSocketClient.connect(Loopback.uri(server.port())));
            assertThat(plain.status()).isEqualTo(400);
            assertThat(plain.response().orElseThrow().bodyText()).isEqualTo("this endpoint speaks the WebSocket "
                    + "subprotocol " + Envelope.SUBPROTOCOL + "; offer it in Sec-WebSocket-Protocol");

            healthy.set(false);
            HandshakeException unavailable = catchThrowableOfType(HandshakeException.class,
                    () -> WebSocketClient.builder().subprotocols(Envelope.SUBPROTOCOL).build()
                            .open(Loopback.uri(server.port())));
            assertThat(unavailable.status()).isEqualTo(503);
            assertThat(unavailable.headers().first("Retry-After")).contains("1");
            assertThat(unavailable.response().orElseThrow().bodyText())
                    .isEqualTo("the session store is unavailable; try again shortly");
            assertThat(plainGet(server.port(), "/health")).as("plain HTTP still served").startsWith("HTTP/1.1 200");
            assertThat(seen).containsExactly("/health", "/health");
        }
    }

    private static String plainGet(int port, String target) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        }
    }
}
