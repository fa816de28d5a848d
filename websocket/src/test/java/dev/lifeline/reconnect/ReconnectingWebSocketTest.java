package dev.lifeline.reconnect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeline.Message;
import dev.lifeline.ReconnectPolicy;
import dev.lifeline.ReconnectingWebSocket;
import dev.lifeline.ReconnectingWebSocket.CloseReason;
import dev.lifeline.ReconnectingWebSocket.State;
import dev.lifeline.WebSocket;
import dev.lifeline.WebSocketListener;
import dev.lifeline.WebSocketServer;
import dev.lifeline.protocol.CloseCode;
import dev.lifeline.protocol.ConnectionClosedException;
import dev.lifeline.protocol.ReconnectingException;
import dev.lifeline.testing.Await;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A {@link ReconnectingWebSocket}'s life against Lifeline servers over loopback: reconnecting after a drop with its
 * onOpen hook run again, receiving across connections in both styles, what sends do while disconnected (throw, or
 * queue at most once), the server closing with 1000, and the listener hearing every transition in order.
 */
@Timeout(30)
class ReconnectingWebSocketTest {
    /** Echoes every message, prefixed with the number of the connection (1, 2...). */
    private static WebSocketServer echoServer(int port) throws Exception {
        AtomicInteger connections = new AtomicInteger();
        return WebSocketServer.builder(ws -> {
            int n = connections.incrementAndGet();
            for (Message m : ws) {
                ws.send(n + ":" + ((Message.Text) m).text());
            }
        }).port(port).start();
    }

    private static ReconnectingWebSocket.Builder client(int port, Recorder recorder) {
        return ReconnectingWebSocket.builder(URI.create("ws://127.0.0.1:" + port + "/"))
                .reconnect(Recorder.QUICK).listener(recorder);
    }

    /** A port nothing listens on (for now). */
    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /**
     * Aborts the server's connections. The client may see its 101 (and report OPEN) a moment before the server
     * lists the connection, so this first waits, at most 10 s, for the server to list one.
     */
    static void dropEveryConnection(WebSocketServer server) throws InterruptedException {
        Await.until("the server lists a connection", Duration.ofSeconds(10), () -> !server.connections().isEmpty());
        server.connections().forEach(WebSocket::abort);
    }

    private static String text(ReconnectingWebSocket ws) {
        return ((Message.Text) ws.receive(Duration.ofSeconds(10)).orElseThrow()).text();
    }

    @Test
    void reconnectsAfterADropRunsOnOpenAgainAndReceivingContinues() throws Exception {
        Recorder recorder = new Recorder();
        AtomicInteger hooks = new AtomicInteger();
        try (WebSocketServer server = echoServer(0)) {
            ReconnectingWebSocket ws = client(server.port(), recorder)
                    .onOpen(connection -> connection.send("hook " + hooks.incrementAndGet())).connect();
            assertThat(text(ws)).isEqualTo("1:hook 1");
            ws.send("one");
            assertThat(text(ws)).isEqualTo("1:one");

            dropEveryConnection(server);
            assertThat(text(ws)).as("the same receive, on the next connection").isEqualTo("2:hook 2");
            ws.send("two");
            assertThat(text(ws)).isEqualTo("2:two");
            assertThat(ws.state()).isEqualTo(State.OPEN);
            assertThat(ws.connection()).isPresent();

            ws.close();
            ws.close();
            assertThat(ws.state()).isEqualTo(State.CLOSED);
            assertThat(recorder.states).containsExactly(State.OPEN, State.RECONNECTING, State.OPEN, State.CLOSED);
            assertThat(recorder.reasons).singleElement().extracting(CloseReason::kind)
                    .isEqualTo(CloseReason.Kind.CLOSED);
            assertThat(ws.closed().get(1, TimeUnit.SECONDS)).isSameAs(recorder.reasons.get(0));
            assertThat(recorder.failures).singleElement().hasToString("disconnected: 1006 (abnormal closure)");
            assertThat(hooks).hasValue(2);
            assertThat(ws.iterator().hasNext()).as("iteration ends quietly after close()").isFalse();
        }
    }

    @Test
    void theFinalCloseFutureCompletesOnceWithTheListenersReason() throws Exception {
        Recorder recorder = new Recorder();
        try (WebSocketServer server = echoServer(0)) {
            ReconnectingWebSocket ws = client(server.port(), recorder).connect();
            List<CloseReason> completions = new CopyOnWriteArrayList<>();
            ws.closed().thenAccept(completions::add);
            ws.closed().complete(null); // a copy: a caller cannot complete the client's own
            recorder.awaitState(State.OPEN, 1);
            ws.close();
            ws.closed().thenAccept(completions::add);
            ws.close();
            assertThat(completions).hasSize(2).allSatisfy(r -> assertThat(r).isSameAs(recorder.reasons.get(0)));
            assertThat(ws.closed().join()).isSameAs(recorder.reasons.get(0));
            assertThat(recorder.states).containsExactly(State.OPEN, State.CLOSED);
        }
    }

    @Test
    void sendsWhileDisconnectedThrowReconnectingExceptionAtOnceByDefault() throws Exception {
        Recorder recorder = new Recorder();
        try (ReconnectingWebSocket ws = client(freePort(), recorder).connect()) {
            recorder.await(() -> recorder.failures.size() >= 2, () -> "two failed attempts");
            assertThat(ws.state()).isEqualTo(State.CONNECTING);
            assertThatThrownBy(() -> ws.send("lost?")).isInstanceOf(ReconnectingException.class)
                    .isInstanceOf(ConnectionClosedException.class)
                    .hasMessageContaining("is CONNECTING; nothing was sent");
            assertThatThrownBy(ws::ping).isInstanceOf(ReconnectingException.class);
            assertThat(ws.receive(Duration.ZERO)).isEmpty();
        }
    }

    @Test
    void queuedSendsGoOutAfterTheHookInOrderAndAFullQueueThrows() throws Exception {
        Recorder recorder = new Recorder();
        int port = freePort();
        List<String> received = new CopyOnWriteArrayList<>();
        try (ReconnectingWebSocket ws = client(port, recorder).queue(3, 1024)
                .onOpen(connection -> connection.send("hook")).connect()) {
            ws.send("q1");
            ws.send("q2");
            ws.send("q3");
            assertThatThrownBy(() -> ws.send("q4")).isInstanceOf(ReconnectingException.class)
                    .hasMessageContaining("send queue is full (3 of 3 messages");
            try (WebSocketServer server = WebSocketServer.builder(c -> {
                for (Message m : c) {
                    received.add(((Message.Text) m).text());
                }
            }).port(port).start()) {
                recorder.awaitState(State.OPEN, 1);
                ws.send("after");
                recorder.await(() -> received.size() == 5, () -> "5 messages; received " + received);
                assertThat(received).containsExactly("hook", "q1", "q2", "q3", "after");
            }
        }
    }

    @Test
    void aSendOnceTheConnectionHasFailedIsQueuedForTheNextOne() throws Exception {
        Recorder recorder = new Recorder();
        try (WebSocketServer server = echoServer(0);
                ReconnectingWebSocket ws = client(server.port(), recorder).queue(10, 1024).connect()) {
            recorder.awaitState(State.OPEN, 1);
            dropEveryConnection(server);
            // heard, not read from state(): on an idle machine the client may already be OPEN again
            recorder.awaitState(State.RECONNECTING, 1);
            ws.send("after the drop"); // queued, or sent on the new connection if it is already open
            assertThat(text(ws)).isEqualTo("2:after the drop");
        }
    }

    @Test
    void aSendOnceTheConnectionHasFailedThrowsByDefaultSayingItIsReconnecting() throws Exception {
        Recorder recorder = new Recorder();
        try (WebSocketServer server = echoServer(0);
                ReconnectingWebSocket ws = client(server.port(), recorder)
                        .reconnect((failure, attempt) -> ReconnectPolicy.retry(Duration.ofSeconds(30))).connect()) {
            recorder.awaitState(State.OPEN, 1);
            dropEveryConnection(server);
            recorder.await(() -> ws.state() != State.OPEN, () -> "the drop to show in state()");
            assertThatThrownBy(() -> ws.send("lost?")).isInstanceOf(ReconnectingException.class)
                    .hasMessageContaining("is RECONNECTING; nothing was sent")
                    .satisfies(e -> assertThat(((ReconnectingException) e).code().value()).isEqualTo(1006));
        }
    }

    @Test
    void whatIsStillQueuedAtCloseIsListedInTheReason() throws Exception {
        Recorder recorder = new Recorder();
        ReconnectingWebSocket ws = client(freePort(), recorder).queue(10, 1024).connect();
        ws.send("a");
        ws.send(new byte[] {1});
        ws.close();
        assertThat(ws.closed().get(1, TimeUnit.SECONDS).unsent()).containsExactly(Message.text("a"),
                Message.binary(new byte[] {1}));
        assertThatThrownBy(() -> ws.send("late")).isInstanceOf(ConnectionClosedException.class)
                .isNotInstanceOf(ReconnectingException.class);
    }

    @Test
    void theListenerStyleGetsEachConnectionsMessagesAfterItsHook() throws Exception {
        Recorder recorder = new Recorder();
        List<String> seen = new CopyOnWriteArrayList<>();
        AtomicInteger hooks = new AtomicInteger();
        try (WebSocketServer server = WebSocketServer.builder(c -> {
            c.send("welcome");
            for (Message m : c) {
                c.send(m);
            }
        }).port(0).start()) {
            ReconnectingWebSocket ws = client(server.port(), recorder)
                    .onOpen(connection -> seen.add("hook " + hooks.incrementAndGet()))
                    .messages((connection, message) -> seen.add(((Message.Text) message).text()))
                    .connect();
            recorder.await(() -> seen.size() == 2, () -> "hook and welcome; saw " + seen);
            dropEveryConnection(server);
            recorder.await(() -> seen.size() == 4, () -> "hook and welcome again; saw " + seen);
            ws.send("echo");
            recorder.await(() -> seen.size() == 5, () -> "the echo; saw " + seen);
            assertThat(seen).containsExactly("hook 1", "welcome", "hook 2", "welcome", "echo");
            assertThatThrownBy(ws::receive).isInstanceOf(dev.lifeline.protocol.InvalidStateException.class);
            ws.close();
        }
    }

    @Test
    void theServerClosingWith1000EndsTheClientAndIterationQuietly() throws Exception {
        Recorder recorder = new Recorder();
        try (WebSocketServer server = WebSocketServer.builder(c -> {
            c.send("bye soon");
            c.close(CloseCode.NORMAL_CLOSURE, "done");
        }).port(0).start()) {
            ReconnectingWebSocket ws = client(server.port(), recorder).connect();
            List<Message> all = new CopyOnWriteArrayList<>();
            for (Message m : ws) {
                all.add(m);
            }
            assertThat(all).containsExactly(Message.text("bye soon"));
            assertThat(ws.closed().get(5, TimeUnit.SECONDS).kind()).isEqualTo(CloseReason.Kind.CLOSED_BY_PEER);
            assertThat(recorder.states).containsExactly(State.OPEN, State.CLOSED);
            assertThat(recorder.decisions).as("the standard policy does not retry 1000")
                    .containsExactly(ReconnectPolicy.stop("not retryable"));
        }
    }

    @Test
    void aPolicyMayRetryAServersNormalClose() throws Exception {
        Recorder recorder = new Recorder();
        AtomicInteger connections = new AtomicInteger();
        try (WebSocketServer server = WebSocketServer.builder(c -> {
            c.send("session " + connections.incrementAndGet());
            c.close(CloseCode.NORMAL_CLOSURE, "come back later");
        }).port(0).start()) {
            AtomicInteger closes = new AtomicInteger(); // attempt is 1 each time: every connection opened
            ReconnectPolicy evenAfter1000 = (failure, attempt) -> closes.incrementAndGet() < 3
                    ? ReconnectPolicy.retry(Duration.ZERO) : ReconnectPolicy.stop("3 times is enough");
            ReconnectingWebSocket ws = client(server.port(), recorder).reconnect(evenAfter1000).connect();
            List<String> all = new CopyOnWriteArrayList<>();
            for (Message m : ws) {
                all.add(((Message.Text) m).text());
            }
            assertThat(all).containsExactly("session 1", "session 2", "session 3");
            CloseReason reason = ws.closed().get(5, TimeUnit.SECONDS);
            assertThat(reason.kind()).isEqualTo(CloseReason.Kind.CLOSED_BY_PEER);
            assertThat(reason.decision()).contains(new ReconnectPolicy.Decision.Stop("3 times is enough"));
            assertThat(recorder.states).containsExactly(State.OPEN, State.RECONNECTING, State.OPEN,
                    State.RECONNECTING, State.OPEN, State.CLOSED);
        }
    }
}
