package dev.lifeline.reliable;

import static dev.lifeline.reliable.Loopback.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.Failure;
import dev.lifeline.Message;
import dev.lifeline.testing.ChaosProxy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * When the server no longer has a session (the client stayed away past the resume window, the store evicted it,
 * the server restarted), the client's return gets NEW, and both applications learn exactly which of their
 * messages were never acknowledged: nothing is hidden.
 */
@Timeout(30)
class ExpiryTest {
    private static final Duration WINDOW = Duration.ofMillis(300);

    private static UnacknowledgedException unacknowledged(CompletableFuture<Void> future) throws Exception {
        try {
            future.get(5, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return (UnacknowledgedException) e.getCause();
        }
        throw new AssertionError("the send future completed normally");
    }

    @Test
    void clientAwayPastTheWindowGetsNewAndBothSidesLearnWhatWasLost() throws Exception {
        BlockingQueue<ServerSession> sessions = new LinkedBlockingQueue<>();
        BlockingQueue<Message> serverReceived = new LinkedBlockingQueue<>();
        Loopback.Recorder recorder = new Loopback.Recorder();
        try (ReliableServer server = Loopback.server(session -> {
            sessions.add(session);
            for (Message m : session) {
                serverReceived.add(m);
            }
        }).resumeWindow(WINDOW, 100).start(); ChaosProxy proxy = ChaosProxy.to(server.port());
                ReliableClient client = Loopback.client(proxy.port()).listener(recorder).connect()) {
            client.send("delivered").get(5, TimeUnit.SECONDS);
            ServerSession first = sessions.poll(5, TimeUnit.SECONDS);

            proxy.refuse(true);
            proxy.cut(ChaosProxy.Cut.RESET);
            await(() -> first.idleFor().isPresent());
            CompletableFuture<Void> serverLost = first.send("to a client that never came back");
            CompletableFuture<Void> lost1 = client.send("lost 1");
            CompletableFuture<Void> lost2 = client.send(new byte[] {4, 2});

            assertThat(first.closed().get(5, TimeUnit.SECONDS).kind()).isEqualTo(CloseReason.Kind.EXPIRED);
            UnacknowledgedException onServer = unacknowledged(serverLost);
            assertThat(onServer.unacknowledged()).isEqualTo(Message.text("to a client that never came back"));
            assertThat(onServer.reason().kind()).isEqualTo(CloseReason.Kind.EXPIRED);
            await(() -> server.store().find(first.token().orElseThrow()).isEmpty());

            proxy.refuse(false);
            await(() -> recorder.outcomes.size() == 2);
            SessionOutcome outcome = recorder.outcomes.get(1);
            assertThat(outcome.kind()).isEqualTo(SessionOutcome.Kind.NEW);
            assertThat(outcome.unacknowledged()).containsExactly(Message.text("lost 1"),
                    Message.binary(new byte[] {4, 2}));
            assertThat(outcome.token()).isNotEqualTo(first.token().orElseThrow()).isEqualTo(client.token().get());
            assertThat(unacknowledged(lost1).reason().kind()).isEqualTo(CloseReason.Kind.LOST);
            assertThat(unacknowledged(lost2).seq()).isEqualTo(3);

            client.send("fresh").get(5, TimeUnit.SECONDS);
            ServerSession second = sessions.poll(5, TimeUnit.SECONDS);
            assertThat(second.token()).isEqualTo(client.token());
            assertThat(serverReceived).containsExactly(Message.text("delivered"), Message.text("fresh"));
            assertThat(client.state()).isEqualTo(ReliableClient.State.OPEN);
        }
    }

    @Test
    void clientBackWithinTheWindowResumes() throws Exception {
        Loopback.Recorder recorder = new Loopback.Recorder();
        try (ReliableServer server = Loopback.server(Loopback.ECHO).resumeWindow(Duration.ofSeconds(10), 100)
                .start(); ChaosProxy proxy = ChaosProxy.to(server.port());
                ReliableClient client = Loopback.client(proxy.port()).listener(recorder).connect()) {
            client.send("a").get(5, TimeUnit.SECONDS);
            proxy.refuse(true);
            proxy.cut(ChaosProxy.Cut.RESET);
            CompletableFuture<Void> meanwhile = client.send("b");
            await(() -> !recorder.failures.isEmpty()); // it tried to come back, and was refused
            proxy.refuse(false);
            meanwhile.get(5, TimeUnit.SECONDS);
            assertThat(recorder.outcomes).extracting(SessionOutcome::kind)
                    .containsExactly(SessionOutcome.Kind.NEW, SessionOutcome.Kind.RESUMED);
        }
    }

    @Test
    void serverRestartLooksLikeALostSession() throws Exception {
        Loopback.Recorder recorder = new Loopback.Recorder();
        ReliableServer before = Loopback.echoServer();
        try (ChaosProxy proxy = ChaosProxy.to(before.port());
                ReliableClient client = Loopback.client(proxy.port()).listener(recorder).connect()) {
            client.send("a").get(5, TimeUnit.SECONDS);
            ServerSession old = before.sessions().iterator().next();
            before.close();
            assertThat(old.closed().get(5, TimeUnit.SECONDS).kind()).isEqualTo(CloseReason.Kind.SERVER_STOPPED);
            CompletableFuture<Void> inBetween = client.send("b");
            try (ReliableServer after = Loopback.echoServer()) {
                proxy.retarget(after.port());
                await(() -> recorder.outcomes.size() == 2);
                assertThat(recorder.outcomes.get(1).kind()).isEqualTo(SessionOutcome.Kind.NEW);
                assertThat(recorder.outcomes.get(1).unacknowledged()).containsExactly(Message.text("b"));
                assertThat(unacknowledged(inBetween).reason().kind()).isEqualTo(CloseReason.Kind.LOST);
                assertThat(recorder.failures).first().isInstanceOfSatisfying(Failure.Disconnected.class,
                        d -> assertThat(d.code().value()).isEqualTo(1001));
                client.send("c").get(5, TimeUnit.SECONDS);
                assertThat(client.receive(Duration.ofSeconds(5))).contains(Message.text("a"));
                assertThat(client.receive(Duration.ofSeconds(5))).contains(Message.text("c"));
            }
        }
    }

    @Test
    void fullStoreEvictsTheSessionDetachedLongestAndRefusesWhenEverySessionIsAttached() throws Exception {
        Loopback.Recorder first = new Loopback.Recorder();
        try (ReliableServer server = Loopback.server(Loopback.ECHO).resumeWindow(Duration.ofMinutes(1), 1).start();
                ChaosProxy proxy = ChaosProxy.to(server.port());
                ReliableClient away = Loopback.client(proxy.port()).listener(first).connect()) {
            away.send("a").get(5, TimeUnit.SECONDS);
            ServerSession evicted = server.sessions().iterator().next();
            proxy.refuse(true);
            proxy.cut(ChaosProxy.Cut.RESET);
            await(() -> evicted.idleFor().isPresent());
            CompletableFuture<Void> lost = away.send("lost");

            ReliableClient present = Loopback.client(server.port()).connect();
            present.send("b").get(5, TimeUnit.SECONDS);
            assertThat(evicted.closed().get(5, TimeUnit.SECONDS).kind()).isEqualTo(CloseReason.Kind.EVICTED);

            proxy.refuse(false);
            await(() -> first.failures.stream().anyMatch(f -> f instanceof Failure.Disconnected d
                    && d.code().value() == 1013));
            assertThat(away.state()).isEqualTo(ReliableClient.State.RECONNECTING);
            present.close();
            await(() -> first.outcomes.size() == 2);
            assertThat(first.outcomes.get(1).kind()).isEqualTo(SessionOutcome.Kind.NEW);
            assertThat(first.outcomes.get(1).unacknowledged()).containsExactly(Message.text("lost"));
            assertThat(unacknowledged(lost).reason().kind()).isEqualTo(CloseReason.Kind.LOST);
            assertThat(server.store().size()).isEqualTo(1);
            assertThat(List.copyOf(server.sessions())).singleElement()
                    .satisfies(s -> assertThat(s.token()).isEqualTo(away.token()));
        }
    }
}
