package dev.lifeline.reliable;

import static dev.lifeline.reliable.Loopback.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.Failure;
import dev.lifeline.Message;
import dev.lifeline.ReconnectPolicy;
import dev.lifeline.testing.ChaosProxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Publishing through the broadcast hub: every subscriber gets the message reliably, a session leaves every topic
 * when it ends, and a subscriber whose outbox is full is reported at once instead of stalling the others.
 */
@Timeout(20)
class BroadcastTest {
    private static ReliableServer newsServer(InMemoryBroadcastHub hub, ReliableOptions reliable) throws Exception {
        return Loopback.server(session -> {
            hub.subscribe("news", session);
            session.forEach(m -> { });
        }).hub(hub).reliable(reliable).start();
    }

    @Test
    void everySubscriberReceivesAndAcknowledgesThePublishedMessage() throws Exception {
        InMemoryBroadcastHub hub = new InMemoryBroadcastHub();
        try (ReliableServer server = newsServer(hub, Loopback.RELIABLE)) {
            List<ReliableClient> clients = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                clients.add(Loopback.client(server.port()).connect());
            }
            await(() -> hub.subscribers("news").size() == 3);
            Map<ReliableSession, CompletableFuture<Void>> sent = hub.publish("news", Message.text("flash"));
            assertThat(sent).hasSize(3);
            CompletableFuture.allOf(sent.values().toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
            for (ReliableClient client : clients) {
                assertThat(client.receive(Duration.ofSeconds(5))).contains(Message.text("flash"));
            }
            assertThat(hub.publish("sports", Message.text("nobody"))).isEmpty();

            clients.getFirst().close();
            await(() -> hub.subscribers("news").size() == 2);
            clients.forEach(ReliableClient::close);
        }
    }

    @Test
    void subscriberWithAFullOutboxFailsAtOnceWhileTheOthersGetTheMessage() throws Exception {
        InMemoryBroadcastHub hub = new InMemoryBroadcastHub();
        List<String> awayHistory = new CopyOnWriteArrayList<>(); // tells what happened should it fail
        ReliableClient.Listener recorder = new ReliableClient.Listener() {
            @Override
            public void stateChanged(ReliableClient.State state, Optional<CloseReason> reason) {
                awayHistory.add(state + reason.map(r -> " " + r).orElse(""));
            }

            @Override
            public void sessionJoined(SessionOutcome outcome) {
                awayHistory.add("joined " + outcome);
            }

            @Override
            public void connectionFailed(Failure failure, ReconnectPolicy.Decision decision) {
                awayHistory.add(failure + " -> " + decision);
            }
        };
        try (ReliableServer server = newsServer(hub, Loopback.RELIABLE.withOutbox(2, 1024));
                ChaosProxy proxy = ChaosProxy.to(server.port());
                ReliableClient away = Loopback.client(proxy.port()).listener(recorder).connect();
                ReliableClient present = Loopback.client(server.port()).connect()) {
            await(() -> hub.subscribers("news").size() == 2);
            // the server subscribes a session before its WELCOME reaches the client: a cut before that leaves the
            // client no token to resume with, and it gets a NEW session without the messages published meanwhile
            await(() -> away.token().isPresent());
            proxy.refuse(true);
            proxy.cut(ChaosProxy.Cut.RESET);
            await(() -> server.sessions().stream().anyMatch(s -> s.idleFor().isPresent()));
            ServerSession absent = server.sessions().stream().filter(s -> s.idleFor().isPresent()).findFirst()
                    .orElseThrow();
            for (String early : List.of("1", "2")) {
                Map<ReliableSession, CompletableFuture<Void>> sent = hub.publish("news", Message.text(early));
                sent.entrySet().stream().filter(e -> e.getKey() != absent).findFirst().orElseThrow().getValue()
                        .get(5, TimeUnit.SECONDS);
            }
            Map<ReliableSession, CompletableFuture<Void>> third = hub.publish("news", Message.text("3"));
            assertThat(third.get(absent)).isCompletedExceptionally();
            assertThat(third.get(absent)).failsWithin(Duration.ZERO).withThrowableThat().havingCause()
                    .isInstanceOf(OutboxFullException.class);
            third.entrySet().stream().filter(e -> e.getKey() != absent).findFirst().orElseThrow().getValue()
                    .get(5, TimeUnit.SECONDS);
            for (String expected : List.of("1", "2", "3")) {
                assertThat(present.receive(Duration.ofSeconds(5))).contains(Message.text(expected));
            }
            proxy.refuse(false);
            for (String expected : List.of("1", "2")) {
                assertThat(away.receive(Duration.ofSeconds(5))).as("the away client, whose history is %s", awayHistory)
                        .contains(Message.text(expected));
            }
        }
    }
}
