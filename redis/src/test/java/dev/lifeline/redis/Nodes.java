package dev.lifeline.redis;

import dev.lifeline.Backoff;
import dev.lifeline.Failure;
import dev.lifeline.Message;
import dev.lifeline.ReconnectPolicy;
import dev.lifeline.WebSocketOptions;
import dev.lifeline.reliable.ReliableClient;
import dev.lifeline.reliable.ReliableOptions;
import dev.lifeline.reliable.ReliableServer;
import dev.lifeline.reliable.SessionOutcome;
import dev.lifeline.testing.Await;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

/** Shared setup of the tests with server nodes: quick timings, servers, clients and a listener that records. */
final class Nodes {
    static final WebSocketOptions FAST = WebSocketOptions.DEFAULT
            .withKeepalive(Duration.ofMillis(300), Duration.ofMillis(600))
            .withOpenTimeout(Duration.ofSeconds(3))
            .withCloseTimeout(Duration.ofSeconds(2));
    static final Backoff QUICK = new Backoff(Duration.ofMillis(5), Duration.ofMillis(10), 2.0, Duration.ofMillis(200));
    static final ReliableOptions RELIABLE = ReliableOptions.DEFAULT.withSendTimeout(Duration.ofSeconds(10))
            .withCloseTimeout(Duration.ofSeconds(2));

    /** Sends back every message, until the session ends. */
    static final ReliableServer.Handler ECHO = session -> {
        for (Message m : session) {
            session.send(m);
        }
    };

    private Nodes() {
    }

    static ReliableServer.Builder server(ReliableServer.Handler handler) {
        return ReliableServer.builder(handler).options(FAST).reliable(RELIABLE);
    }

    static ReliableClient.Builder client(int port) {
        return ReliableClient.builder(URI.create("ws://127.0.0.1:" + port + "/")).options(FAST).reliable(RELIABLE)
                .reconnect(ReconnectPolicy.standard(QUICK));
    }

    /** Waits at most {@code limit} for a condition. */
    static void await(Duration limit, BooleanSupplier condition) throws InterruptedException {
        Await.until("a condition of the test", limit, condition);
    }

    static void await(BooleanSupplier condition) throws InterruptedException {
        await(Duration.ofSeconds(10), condition);
    }

    /** Records what a client's listener hears, in order. */
    static final class Recorder implements ReliableClient.Listener {
        final List<SessionOutcome> outcomes = new CopyOnWriteArrayList<>();
        final List<Failure> failures = new CopyOnWriteArrayList<>();

        @Override
        public void sessionJoined(SessionOutcome outcome) {
            outcomes.add(outcome);
        }

        @Override
        public void connectionFailed(Failure failure, ReconnectPolicy.Decision decision) {
            failures.add(failure);
        }

        List<SessionOutcome.Kind> kinds() {
            return outcomes.stream().map(SessionOutcome::kind).toList();
        }
    }
}
