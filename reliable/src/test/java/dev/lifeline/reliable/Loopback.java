package dev.lifeline.reliable;

import dev.lifeline.Backoff;
import dev.lifeline.Failure;
import dev.lifeline.Message;
import dev.lifeline.ReconnectPolicy;
import dev.lifeline.WebSocket;
import dev.lifeline.WebSocketOptions;
import dev.lifeline.protocol.State;
import dev.lifeline.testing.Await;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

/** Shared setup of the loopback tests: quick timings, a server, clients and a listener that records. */
final class Loopback {
    /** Keepalive finds a dead connection within about half a second; handshakes and closes are bounded by 2 s. */
    static final WebSocketOptions FAST = WebSocketOptions.DEFAULT
            .withKeepalive(Duration.ofMillis(150), Duration.ofMillis(300))
            .withOpenTimeout(Duration.ofSeconds(2))
            .withCloseTimeout(Duration.ofSeconds(2));
    /** Reconnects within a few milliseconds. */
    static final Backoff QUICK = new Backoff(Duration.ofMillis(5), Duration.ofMillis(5), 2.0, Duration.ofMillis(40));
    static final ReliableOptions RELIABLE = ReliableOptions.DEFAULT.withSendTimeout(Duration.ofSeconds(5))
            .withCloseTimeout(Duration.ofSeconds(2));

    private Loopback() {
    }

    static ReliableServer.Builder server(ReliableServer.Handler handler) {
        return ReliableServer.builder(handler).options(FAST).reliable(RELIABLE);
    }

    static URI uri(int port) {
        return URI.create("ws://127.0.0.1:" + port + "/");
    }

    static ReliableClient.Builder client(int port) {
        return ReliableClient.builder(uri(port)).options(FAST).reliable(RELIABLE)
                .reconnect(ReconnectPolicy.standard(QUICK));
    }

    /** Sends back every message, until the session ends. */
    static final ReliableServer.Handler ECHO = session -> {
        for (Message m : session) {
            session.send(m);
        }
    };

    static ReliableServer echoServer() throws IOException {
        return server(ECHO).start();
    }

    /** Waits at most {@link Await#PATIENCE} for a condition. */
    static void await(BooleanSupplier condition) throws InterruptedException {
        Await.until("a condition of the test", condition);
    }

    /**
     * Drops the server's side of the (only) session's open connection without a closing handshake, and waits until
     * the session has let go of it.
     */
    static void dropServerSide(ReliableServer server) throws InterruptedException {
        await(() -> server.sessions().size() == 1 && openConnection(server.sessions().iterator().next()) != null);
        ServerSession session = server.sessions().iterator().next();
        WebSocket ws = openConnection(session);
        ws.abort();
        await(() -> session.connection().filter(c -> c == ws).isEmpty());
    }

    private static WebSocket openConnection(ServerSession session) {
        return session.connection().filter(ws -> ws.state() == State.OPEN).orElse(null);
    }

    /** Records what a client's listener hears, in order. */
    static final class Recorder implements ReliableClient.Listener {
        final List<ReliableClient.State> states = new CopyOnWriteArrayList<>();
        final List<SessionOutcome> outcomes = new CopyOnWriteArrayList<>();
        final List<Failure> failures = new CopyOnWriteArrayList<>();

        @Override
        public void stateChanged(ReliableClient.State state, java.util.Optional<CloseReason> reason) {
            states.add(state);
        }

        @Override
        public void sessionJoined(SessionOutcome outcome) {
            outcomes.add(outcome);
        }

        @Override
        public void connectionFailed(Failure failure, ReconnectPolicy.Decision decision) {
            failures.add(failure);
        }
    }
}
