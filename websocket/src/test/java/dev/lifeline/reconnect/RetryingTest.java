package dev.lifeline.reconnect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeline.Backoff;
import dev.lifeline.Failure;
import dev.lifeline.Message;
import dev.lifeline.ReconnectPolicy;
import dev.lifeline.ReconnectingWebSocket;
import dev.lifeline.ReconnectingWebSocket.CloseReason;
import dev.lifeline.ReconnectingWebSocket.State;
import dev.lifeline.WebSocketServer;
import dev.lifeline.protocol.ConnectionClosedException;
import dev.lifeline.protocol.ReconnectingException;
import dev.lifeline.protocol.handshake.Headers;
import dev.lifeline.protocol.handshake.HttpResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a {@link ReconnectingWebSocket} retries and how often, through the {@link ReconnectPolicy} it shares with the
 * reliable client: a server that resets every connection is retried with growing delays, one attempt per decision
 * (no tight loop); a 4xx answer ends it with the reason; a 503's {@code Retry-After} is honoured.
 */
@Timeout(30)
class RetryingTest {
    /** Accepts every connection and resets it at once (SO_LINGER 0), counting them. */
    private static final class ResettingServer implements AutoCloseable {
        final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        final AtomicInteger accepted = new AtomicInteger();
        private final Thread thread = Thread.ofVirtual().start(this::run);

        ResettingServer() throws IOException {
        }

        private void run() {
            while (!socket.isClosed()) {
                try (Socket s = socket.accept()) {
                    accepted.incrementAndGet();
                    s.setSoLinger(true, 0);
                } catch (IOException e) {
                    return; // closed
                }
            }
        }

        @Override
        public void close() throws Exception {
            socket.close();
            thread.join(Duration.ofSeconds(5));
        }
    }

    @Test
    void aServerThatResetsEveryConnectionIsRetriedWithGrowingDelaysOneAttemptPerDecision() throws Exception {
        Backoff backoff = new Backoff(Duration.ofMillis(20), Duration.ofMillis(20), 2.0, Duration.ofMillis(160));
        ReconnectPolicy standard = ReconnectPolicy.standard(backoff);
        ReconnectPolicy sixRetries = (failure, attempt) -> attempt > 6 ? ReconnectPolicy.stop("6 retries")
                : standard.decide(failure, attempt);
        Recorder recorder = new Recorder();
        try (ResettingServer server = new ResettingServer()) {
            ReconnectingWebSocket ws = ReconnectingWebSocket.builder(
                    URI.create("ws://127.0.0.1:" + server.socket.getLocalPort() + "/"))
                    .reconnect(sixRetries).listener(recorder).connect();
            recorder.awaitClosed();

            assertThat(recorder.failures).hasSize(7).allSatisfy(f -> assertThat(f).isInstanceOf(Failure.Unreachable.class));
            assertThat(server.accepted).as("one connection per attempt: the first, then one per Retry")
                    .hasValue(7);
            List<ReconnectPolicy.Decision> decisions = recorder.decisions;
            assertThat(decisions.subList(0, 6)).allSatisfy(d -> assertThat(d).isInstanceOf(ReconnectPolicy.Decision.Retry.class));
            assertThat(decisions.get(6)).isEqualTo(ReconnectPolicy.stop("6 retries"));
            Duration waited = Duration.ZERO;
            for (int attempt = 2; attempt <= 6; attempt++) {
                Duration delay = ((ReconnectPolicy.Decision.Retry) decisions.get(attempt - 1)).delay();
                long ceiling = Math.min(160, 20L << (attempt - 2));
                assertThat(delay.toMillis()).as("retry %d", attempt).isBetween(ceiling / 2, ceiling);
                waited = waited.plus(delay);
            }
            // 7 attempts with at least 10+20+40+80+80 ms of waiting between them: at most 7 attempts in 230 ms,
            // whatever the machine's speed, where a tight loop would make thousands.
            assertThat(waited).isGreaterThanOrEqualTo(Duration.ofMillis(230));

            CloseReason reason = ws.closed().join();
            assertThat(reason.kind()).isEqualTo(CloseReason.Kind.GAVE_UP);
            assertThat(reason.decision()).contains(new ReconnectPolicy.Decision.Stop("6 retries"));
            assertThat(reason.detail()).endsWith("(6 retries; 7 attempts)");
            assertThat(recorder.states).containsExactly(State.CLOSED);
        }
    }

    @Test
    void a403AnswerMakesItGiveUpWithTheReason() throws Exception {
        Recorder recorder = new Recorder();
        try (WebSocketServer server = WebSocketServer.builder(ws -> { })
                .processRequest(request -> Optional.of(HttpResponse.of(403, "not you"))).port(0).start()) {
            ReconnectingWebSocket ws = ReconnectingWebSocket.builder(URI.create("ws://127.0.0.1:" + server.port() + "/"))
                    .reconnect(Recorder.QUICK).listener(recorder).connect();
            recorder.awaitClosed();
            CloseReason reason = ws.closed().join();
            assertThat(reason.kind()).isEqualTo(CloseReason.Kind.GAVE_UP);
            assertThat(reason.failure()).get().isInstanceOfSatisfying(Failure.Refused.class,
                    r -> assertThat(r.status()).isEqualTo(403));
            assertThat(reason.decision()).contains(new ReconnectPolicy.Decision.Stop("not retryable"));
            assertThat(reason.toString()).startsWith("GAVE_UP: HTTP 403").endsWith("(not retryable; 1 attempt)");
            assertThat(recorder.states).containsExactly(State.CLOSED);
            assertThat(recorder.decisions).containsExactly(ReconnectPolicy.stop("not retryable"));
            assertThatThrownBy(() -> ws.send("x")).isInstanceOf(ConnectionClosedException.class)
                    .isNotInstanceOf(ReconnectingException.class);
            assertThatThrownBy(() -> {
                for (Message m : ws) {
                    throw new AssertionError("no message expected: " + m);
                }
            }).as("iteration throws when the policy gave up").isInstanceOf(ConnectionClosedException.class);
        }
    }

    @Test
    void retryAfterOnA503IsHonoured() throws Exception {
        Recorder recorder = new Recorder();
        AtomicInteger requests = new AtomicInteger();
        try (WebSocketServer server = WebSocketServer.builder(ws -> {
            for (Message m : ws) {
                ws.send(m);
            }
        }).processRequest(request -> requests.incrementAndGet() == 1
                ? Optional.of(HttpResponse.of(503, "busy", Headers.of("Retry-After", "1")))
                : Optional.empty()).port(0).start()) {
            try (ReconnectingWebSocket ws = ReconnectingWebSocket.builder(
                    URI.create("ws://127.0.0.1:" + server.port() + "/"))
                    .reconnect(Recorder.QUICK).listener(recorder).connect()) {
                recorder.awaitState(State.OPEN, 1);
                assertThat(recorder.failures).singleElement().isInstanceOfSatisfying(Failure.Refused.class,
                        r -> assertThat(r.status()).isEqualTo(503));
                assertThat(recorder.decisions).singleElement().isInstanceOfSatisfying(
                        ReconnectPolicy.Decision.Retry.class,
                        r -> assertThat(r.delay()).as("Retry-After: 1 beats a backoff of milliseconds")
                                .isEqualTo(Duration.ofSeconds(1)));
                assertThat(requests).hasValue(2);
                ws.send("in");
                assertThat(ws.receive(Duration.ofSeconds(10))).contains(Message.text("in"));
            }
            assertThat(recorder.states).containsExactly(State.OPEN, State.CLOSED);
        }
    }

    @Test
    void aPolicyThatThrowsStopsTheClientWithTheReasonAndAListenerThatThrowsStopsNothing() throws Exception {
        Recorder recorder = new Recorder();
        ReconnectPolicy broken = (failure, attempt) -> {
            throw new IllegalStateException("bug in the policy");
        };
        ReconnectingWebSocket ws = ReconnectingWebSocket.builder(
                URI.create("ws://127.0.0.1:" + ReconnectingWebSocketTest.freePort() + "/"))
                .reconnect(broken).listener(new ReconnectingWebSocket.Listener() {
                    @Override
                    public void connectionFailed(Failure failure, ReconnectPolicy.Decision decision) {
                        recorder.connectionFailed(failure, decision);
                        throw new IllegalStateException("bug in the listener");
                    }

                    @Override
                    public void stateChanged(State state, Optional<CloseReason> reason) {
                        recorder.stateChanged(state, reason);
                    }
                }).connect();
        CloseReason reason = ws.closed().get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(reason.kind()).isEqualTo(CloseReason.Kind.GAVE_UP);
        assertThat(reason.decision()).get().extracting(ReconnectPolicy.Decision.Stop::reason).asString()
                .startsWith("the policy threw java.lang.IllegalStateException: bug in the policy");
        assertThat(recorder.states).containsExactly(State.CLOSED);
    }
}
