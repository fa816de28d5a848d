package dev.lifeline.reliable;

import static dev.lifeline.reliable.Loopback.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.Message;
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
 * A client that loses its connection comes back with its token and the last sequence number it received; the
 * server, which still has the session, answers RESUMED, and both sides resend exactly what the other missed.
 */
@Timeout(30)
class ResumptionTest {
    @Test
    void droppedConnectionsResumeWithNothingLostOrDuplicated() throws Exception {
        Loopback.Recorder recorder = new Loopback.Recorder();
        try (ReliableServer server = Loopback.echoServer();
                ReliableClient client = Loopback.client(server.port()).listener(recorder).connect()) {
            List<CompletableFuture<Void>> sent = new ArrayList<>();
            int drops = 0;
            for (int i = 0; i < 300; i++) {
                sent.add(client.send("m" + i));
                if (i % 100 == 50) {
                    int joined = drops + 1;
                    await(() -> recorder.outcomes.size() == joined);
                    Loopback.dropServerSide(server);
                    drops++;
                }
            }
            for (int i = 0; i < 300; i++) {
                assertThat(client.receive(Duration.ofSeconds(5))).contains(Message.text("m" + i));
            }
            assertThat(client.receive(Duration.ofMillis(100))).isEmpty();
            CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
            assertThat(recorder.outcomes).extracting(SessionOutcome::kind).containsExactly(SessionOutcome.Kind.NEW,
                    SessionOutcome.Kind.RESUMED, SessionOutcome.Kind.RESUMED, SessionOutcome.Kind.RESUMED);
            assertThat(recorder.outcomes).allSatisfy(o -> {
                assertThat(o.token()).isEqualTo(client.token().orElseThrow());
                assertThat(o.unacknowledged()).isEmpty();
            });
            assertThat(server.sessions()).hasSize(1);
        }
    }

    @Test
    void clientComingBackWhileTheServerStillHoldsTheOldConnectionTakesItOver() throws Exception {
        Loopback.Recorder recorder = new Loopback.Recorder();
        try (ReliableServer server = Loopback.server(Loopback.ECHO)
                .options(Loopback.FAST.withoutKeepalive()).start();
                ChaosProxy proxy = ChaosProxy.to(server.port());
                ReliableClient client = Loopback.client(proxy.port()).listener(recorder).connect()) {
            client.send("before").get(5, TimeUnit.SECONDS);
            ServerSession session = server.sessions().iterator().next();
            WebSocket old = session.connection().orElseThrow();
            // The path goes silent: the client's keepalive gives up and reconnects; the server, without keepalive,
            // still believes in the old connection when the client comes back.
            proxy.stallOne(new java.util.SplittableRandom(), Duration.ofSeconds(30));
            CompletableFuture<Void> during = client.send("during");
            await(() -> recorder.outcomes.size() == 2);
            during.get(5, TimeUnit.SECONDS);
            assertThat(recorder.outcomes.get(1).kind()).isEqualTo(SessionOutcome.Kind.RESUMED);
            assertThat(session.connection()).get().isNotSameAs(old);
            assertThat(old.closed()).succeedsWithin(Duration.ofSeconds(5));
            assertThat(client.receive(Duration.ofSeconds(5))).contains(Message.text("before"));
            assertThat(client.receive(Duration.ofSeconds(5))).contains(Message.text("during"));
            assertThat(server.sessions()).containsExactly(session);
        }
    }

    @Test
    void serverToClientMessagesSentWhileTheClientIsAwayArriveAfterTheResume() throws Exception {
        CompletableFuture<ServerSession> onServer = new CompletableFuture<>();
        try (ReliableServer server = Loopback.server(session -> {
            onServer.complete(session);
            session.forEach(m -> { });
        }).start(); ChaosProxy proxy = ChaosProxy.to(server.port());
                ReliableClient client = Loopback.client(proxy.port()).connect()) {
            client.send("hi").get(5, TimeUnit.SECONDS);
            ServerSession session = onServer.get(5, TimeUnit.SECONDS);
            proxy.refuse(true);
            proxy.cut(ChaosProxy.Cut.RESET);
            await(() -> session.idleFor().isPresent());
            List<CompletableFuture<Void>> sent = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                sent.add(session.send("while away " + i));
            }
            assertThat(session.outboxSize()).isEqualTo(50);
            proxy.refuse(false);
            for (int i = 0; i < 50; i++) {
                assertThat(client.receive(Duration.ofSeconds(5))).contains(Message.text("while away " + i));
            }
            CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
            assertThat(session.outboxSize()).isZero();
        }
    }
}
