package dev.lifeline.reliable;

import static dev.lifeline.reliable.Loopback.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.Failure;
import dev.lifeline.protocol.CloseCode;
import dev.lifeline.protocol.handshake.HttpResponse;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
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

    private static String plainGet(int port, String target) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        }
    }
}
