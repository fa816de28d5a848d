package dev.lifeline.redis;

import static dev.lifeline.redis.Nodes.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.Message;
import dev.lifeline.reliable.CloseReason;
import dev.lifeline.reliable.ReliableClient;
import dev.lifeline.reliable.ReliableServer;
import dev.lifeline.reliable.ServerSession;
import dev.lifeline.reliable.SessionOutcome;
import dev.lifeline.reliable.SessionStore;
import dev.lifeline.WebSocket;
import dev.lifeline.testing.ChaosProxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What every {@link SessionStore} promises a {@link ReliableServer}, run against each store: a session is found by
 * its token and resumed with nothing lost or twice, a detached session ends after its window, a session closed by
 * its client is forgotten, and what the server sends while its client is away arrives after the resume.
 *
 * <p>Public, in this module's test-jar, for the stores of other modules (lifeline-journal).
 */
@Timeout(60)
public abstract class SessionStoreContract {
    /** A fresh store (its server closes it) keeping a detached session for {@code window}. */
    protected abstract SessionStore newStore(Duration window);

    private ReliableServer server(SessionStore store, ReliableServer.Handler handler) throws Exception {
        return Nodes.server(handler).store(store).start();
    }

    private static WebSocket openConnection(ReliableServer server) throws InterruptedException {
        await(() -> server.sessions().size() == 1
                && server.sessions().iterator().next().connection().isPresent());
        return server.sessions().iterator().next().connection().orElseThrow();
    }

    @Test
    void droppedConnectionsResumeWithEveryMessageOnceAndInOrderBothWays() throws Exception {
        Nodes.Recorder recorder = new Nodes.Recorder();
        try (ReliableServer server = server(newStore(Duration.ofMinutes(1)), Nodes.ECHO);
                ReliableClient client = Nodes.client(server.port()).listener(recorder).connect()) {
            List<CompletableFuture<Void>> sent = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                sent.add(client.send("m" + i));
                if (i % 100 == 50) {
                    int joined = i / 100 + 1;
                    await(() -> recorder.outcomes.size() == joined);
                    WebSocket ws = openConnection(server);
                    ws.abort();
                }
            }
            for (int i = 0; i < 300; i++) {
                assertThat(client.receive(Duration.ofSeconds(10))).contains(Message.text("m" + i));
            }
            CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
            assertThat(client.receive(Duration.ofMillis(200))).isEmpty();
            assertThat(recorder.kinds()).containsExactly(SessionOutcome.Kind.NEW, SessionOutcome.Kind.RESUMED,
                    SessionOutcome.Kind.RESUMED, SessionOutcome.Kind.RESUMED);
            assertThat(server.sessions()).hasSize(1);
        }
    }

    @Test
    void aSessionLeftWithoutAConnectionEndsAfterItsWindowAndCannotBeResumed() throws Exception {
        SessionStore store = newStore(Duration.ofMillis(300));
        try (ReliableServer server = server(store, Nodes.ECHO); ChaosProxy proxy = ChaosProxy.to(server.port());
                ReliableClient client = Nodes.client(proxy.port()).connect()) {
            client.send("hi").get(10, TimeUnit.SECONDS);
            ServerSession session = server.sessions().iterator().next();
            String token = session.token().orElseThrow();
            proxy.retarget(0); // nowhere: the client cannot come back
            proxy.cut(ChaosProxy.Cut.FIN);
            assertThat(session.closed().get(10, TimeUnit.SECONDS).kind()).isEqualTo(CloseReason.Kind.EXPIRED);
            // not polled with resume: a resume claims the session, and one that came before the store's deletion
            // revived it for another window (the full suite saw that go on for 10 s)
            await(() -> store.find(token).isEmpty());
            assertThat(store.resume(token, Nodes.RELIABLE)).isEmpty();
        }
    }

    @Test
    void aSessionClosedByItsClientIsForgotten() throws Exception {
        SessionStore store = newStore(Duration.ofMinutes(1));
        try (ReliableServer server = server(store, Nodes.ECHO)) {
            String token;
            try (ReliableClient client = Nodes.client(server.port()).connect()) {
                client.send("hi").get(10, TimeUnit.SECONDS);
                token = client.token().orElseThrow();
            }
            await(() -> server.sessions().isEmpty());
            assertThat(store.resume(token, Nodes.RELIABLE)).isEmpty();
            assertThat(store.find(token)).isEmpty();
            assertThat(store.size()).isZero();
        }
    }

    @Test
    void whatTheServerSendsWhileItsClientIsAwayArrivesAfterTheResume() throws Exception {
        CompletableFuture<ServerSession> onServer = new CompletableFuture<>();
        try (ReliableServer server = server(newStore(Duration.ofMinutes(1)), session -> {
            onServer.complete(session);
            session.forEach(m -> { });
        }); ChaosProxy proxy = ChaosProxy.to(0);
                ReliableClient client = Nodes.client(proxy.port()).connect()) {
            proxy.retarget(server.port());
            client.send("hi").get(10, TimeUnit.SECONDS);
            ServerSession session = onServer.get(10, TimeUnit.SECONDS);
            proxy.retarget(0);
            proxy.cut(ChaosProxy.Cut.FIN);
            await(() -> session.idleFor().isPresent());
            List<CompletableFuture<Void>> sent = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                sent.add(session.send("while away " + i));
            }
            proxy.retarget(server.port());
            for (int i = 0; i < 50; i++) {
                assertThat(client.receive(Duration.ofSeconds(10))).contains(Message.text("while away " + i));
            }
            CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
            assertThat(session.outboxSize()).isZero();
        }
    }
}
