package dev.lifeline.reliable;

import static dev.lifeline.reliable.Loopback.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeline.Failure;
import dev.lifeline.Message;
import dev.lifeline.ReconnectPolicy;
import dev.lifeline.protocol.CloseCode;
import dev.lifeline.protocol.handshake.Headers;
import dev.lifeline.protocol.handshake.HttpResponse;
import dev.lifeline.testing.ChaosProxy;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A reliable client's life against a reliable server over loopback: states, acknowledged sends, what it retries
 * and what makes it stop, the credentials hook, and closing from either side.
 */
@Timeout(30)
class ReliableClientTest {
    @Test
    void sendFutureCompletesWhenTheServerAcknowledgesAndTheEchoArrives() throws Exception {
        try (ReliableServer server = Loopback.echoServer();
                ReliableClient client = Loopback.client(server.port()).connect()) {
            client.send("hello").get(5, TimeUnit.SECONDS);
            client.send(new byte[] {1, 2, 3}).get(5, TimeUnit.SECONDS);
            assertThat(client.receive(Duration.ofSeconds(5))).contains(Message.text("hello"));
            assertThat(client.receive(Duration.ofSeconds(5))).contains(Message.binary(new byte[] {1, 2, 3}));
            assertThat(client.state()).isEqualTo(ReliableClient.State.OPEN);
            assertThat(client.token()).isPresent();
        }
    }

    @Test
    void stateGoesConnectingOpenReconnectingOpenClosed() throws Exception {
        Loopback.Recorder recorder = new Loopback.Recorder();
        try (ReliableServer server = Loopback.echoServer()) {
            ReliableClient client = Loopback.client(server.port()).listener(recorder).connect();
            assertThat(client.state()).isIn(ReliableClient.State.CONNECTING, ReliableClient.State.OPEN);
            client.send("one").get(5, TimeUnit.SECONDS);
            Loopback.dropServerSide(server);
            client.send("two").get(5, TimeUnit.SECONDS);
            client.close();
            assertThat(client.state()).isEqualTo(ReliableClient.State.CLOSED);
            assertThat(client.closed().get(1, TimeUnit.SECONDS)).extracting(CloseReason::kind)
                    .isEqualTo(CloseReason.Kind.CLOSED);
            assertThat(recorder.states).containsExactly(ReliableClient.State.OPEN, ReliableClient.State.RECONNECTING,
                    ReliableClient.State.OPEN, ReliableClient.State.CLOSED);
            assertThat(recorder.outcomes).extracting(SessionOutcome::kind)
                    .containsExactly(SessionOutcome.Kind.NEW, SessionOutcome.Kind.RESUMED);
            assertThat(recorder.failures).singleElement().isInstanceOfSatisfying(Failure.Disconnected.class,
                    d -> assertThat(d.code()).isEqualTo(CloseCode.ABNORMAL_CLOSURE));
        }
    }

    @Test
    void theBuilderIsNotReadOnceTheClientIsBuilt() throws Exception {
        Loopback.Recorder first = new Loopback.Recorder();
        Loopback.Recorder later = new Loopback.Recorder();
        try (ReliableServer server = Loopback.echoServer()) {
            ReliableClient.Builder builder = Loopback.client(server.port()).listener(first);
            try (ReliableClient client = builder.connect()) {
                builder.listener(later).options(Loopback.FAST.withOpenTimeout(Duration.ofMillis(1)));
                client.send("one").get(5, TimeUnit.SECONDS);
                Loopback.dropServerSide(server);
                client.send("two").get(5, TimeUnit.SECONDS);
            }
        }
        assertThat(first.states).containsExactly(ReliableClient.State.OPEN, ReliableClient.State.RECONNECTING,
                ReliableClient.State.OPEN, ReliableClient.State.CLOSED);
        assertThat(later.states).isEmpty();
        assertThat(later.outcomes).isEmpty();
    }

    @Test
    void messagesSentWhileConnectingWaitInTheOutboxAndGoOutOnceOpen() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        Loopback.Recorder recorder = new Loopback.Recorder();
        try (ReliableServer server = Loopback.server(Loopback.ECHO).processRequest(request ->
                attempts.incrementAndGet() <= 2 ? Optional.of(HttpResponse.of(503, "warming up")) : Optional.empty())
                .start()) {
            ReliableClient client = Loopback.client(server.port()).listener(recorder).connect();
            CompletableFuture<Void> sent = client.send("early");
            assertThat(client.receive(Duration.ofSeconds(5))).contains(Message.text("early"));
            sent.get(5, TimeUnit.SECONDS);
            assertThat(attempts.get()).isEqualTo(3);
            assertThat(recorder.failures).hasSize(2).allSatisfy(f -> assertThat(f)
                    .isInstanceOfSatisfying(Failure.Refused.class, r -> assertThat(r.status()).isEqualTo(503)));
            assertThat(recorder.states).startsWith(ReliableClient.State.OPEN);
            client.close();
        }
    }

    @Test
    void credentialsHookRunsBeforeEveryAttemptAndItsHeadersReachTheServer() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        AtomicInteger issued = new AtomicInteger();
        try (ReliableServer server = Loopback.server(Loopback.ECHO).processRequest(request -> {
            seen.add(request.headers().first("Authorization").orElse("(none)"));
            return Optional.empty();
        }).start(); ReliableClient client = Loopback.client(server.port())
                .header("X-Static", "always")
                .credentials(() -> Headers.of("Authorization", "Bearer " + issued.incrementAndGet()))
                .connect()) {
            client.send("a").get(5, TimeUnit.SECONDS);
            Loopback.dropServerSide(server);
            client.send("b").get(5, TimeUnit.SECONDS);
            assertThat(seen).containsExactly("Bearer 1", "Bearer 2");
            assertThat(server.sessions()).singleElement().satisfies(s -> assertThat(
                    s.connection().orElseThrow().handshakeRequest().headers().first("X-Static")).contains("always"));
        }
    }

    @Test
    void http403StopsAtOnceAndTheClientIsClosedForGood() throws Exception {
        Loopback.Recorder recorder = new Loopback.Recorder();
        CountDownLatch sent = new CountDownLatch(1);
        try (ReliableServer server = Loopback.server(Loopback.ECHO).processRequest(request -> {
            awaitQuietly(sent);
            return Optional.of(HttpResponse.of(403, "go away"));
        }).start()) {
            ReliableClient client = Loopback.client(server.port()).listener(recorder).connect();
            CompletableFuture<Void> pending = client.send("never");
            sent.countDown();
            CloseReason reason = client.closed().get(5, TimeUnit.SECONDS);
            assertThat(reason.kind()).isEqualTo(CloseReason.Kind.GAVE_UP);
            assertThat(reason.failure()).get().isInstanceOfSatisfying(Failure.Refused.class,
                    r -> assertThat(r.status()).isEqualTo(403));
            assertThat(recorder.failures).hasSize(1);
            assertThat(pending).failsWithin(Duration.ofSeconds(1)).withThrowableThat()
                    .havingCause().isInstanceOf(UnacknowledgedException.class);
            assertThatThrownBy(() -> client.send("after")).isInstanceOf(SessionClosedException.class);
            assertThatThrownBy(client::receive).isInstanceOf(SessionClosedException.class);
            await(() -> recorder.states.contains(ReliableClient.State.CLOSED));
            assertThat(client.state()).isEqualTo(ReliableClient.State.CLOSED);
        }
    }

    @Test
    void retryAfterOn503IsHonoured() throws Exception {
        List<Long> attempts = new CopyOnWriteArrayList<>();
        try (ReliableServer server = Loopback.server(Loopback.ECHO).processRequest(request -> {
            attempts.add(System.nanoTime());
            return attempts.size() == 1
                    ? Optional.of(HttpResponse.of(503, "busy", Headers.of("Retry-After", "1")))
                    : Optional.empty();
        }).start(); ReliableClient client = Loopback.client(server.port()).connect()) {
            client.send("x").get(10, TimeUnit.SECONDS);
            assertThat(attempts).hasSize(2);
            assertThat(Duration.ofNanos(attempts.get(1) - attempts.get(0))).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        }
    }

    @Test
    void closeWith1008FromTheServerStops() throws Exception {
        try (ReliableServer server = Loopback.server(session -> {
            session.receive();
            session.connection().orElseThrow().close(CloseCode.POLICY_VIOLATION, "not allowed");
        }).start(); ReliableClient client = Loopback.client(server.port()).connect()) {
            client.send("x");
            CloseReason reason = client.closed().get(5, TimeUnit.SECONDS);
            assertThat(reason.kind()).isEqualTo(CloseReason.Kind.GAVE_UP);
            assertThat(reason.failure()).get().isInstanceOfSatisfying(Failure.Disconnected.class, d -> {
                assertThat(d.code()).isEqualTo(CloseCode.POLICY_VIOLATION);
                assertThat(d.byPeer()).isTrue();
            });
        }
    }

    @Test
    void unreachableServerIsRetriedUntilThePolicySaysStop() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        AtomicInteger decisions = new AtomicInteger();
        ReconnectPolicy three = (failure, attempt) -> {
            decisions.incrementAndGet();
            return attempt >= 3 ? ReconnectPolicy.stop("enough") : ReconnectPolicy.retry(Duration.ofMillis(1));
        };
        ReliableClient client = Loopback.client(port).reconnect(three).connect();
        CloseReason reason = client.closed().get(10, TimeUnit.SECONDS);
        assertThat(reason.kind()).isEqualTo(CloseReason.Kind.GAVE_UP);
        assertThat(reason.failure()).get().isInstanceOf(Failure.Unreachable.class);
        assertThat(reason.detail()).contains("enough; 3 attempts");
        assertThat(decisions.get()).isEqualTo(3);
    }

    @Test
    void attemptCountStartsAgainOnceAConnectionJoins() throws Exception {
        List<Integer> attempts = new CopyOnWriteArrayList<>();
        ReconnectPolicy counting = (failure, attempt) -> {
            attempts.add(attempt);
            return ReconnectPolicy.standard(Loopback.QUICK).decide(failure, attempt);
        };
        AtomicInteger requests = new AtomicInteger();
        try (ReliableServer server = Loopback.server(Loopback.ECHO).processRequest(request ->
                requests.incrementAndGet() == 2 ? Optional.of(HttpResponse.of(503, "once")) : Optional.empty())
                .start(); ReliableClient client = Loopback.client(server.port()).reconnect(counting).connect()) {
            client.send("a").get(5, TimeUnit.SECONDS);
            Loopback.dropServerSide(server);
            client.send("b").get(5, TimeUnit.SECONDS);
            Loopback.dropServerSide(server);
            client.send("c").get(5, TimeUnit.SECONDS);
            assertThat(attempts).containsExactly(1, 2, 1);
        }
    }

    @Test
    void failingCredentialsHookStops() throws Exception {
        try (ReliableServer server = Loopback.echoServer()) {
            ReliableClient client = Loopback.client(server.port())
                    .credentials(() -> {
                        throw new IllegalStateException("token service down");
                    }).connect();
            CloseReason reason = client.closed().get(5, TimeUnit.SECONDS);
            assertThat(reason.failure()).get().isInstanceOfSatisfying(Failure.CredentialsFailed.class,
                    c -> assertThat(c.cause()).hasMessage("token service down"));
        }
    }

    @Test
    void serverClosingTheSessionClosesTheClientAndIterationEndsQuietly() throws Exception {
        try (ReliableServer server = Loopback.server(session -> {
            session.send("last words");
        }).start(); ReliableClient client = Loopback.client(server.port()).connect()) {
            List<Message> received = new ArrayList<>();
            for (Message m : client) {
                received.add(m);
            }
            assertThat(received).containsExactly(Message.text("last words"));
            assertThat(client.closed().get(5, TimeUnit.SECONDS).kind()).isEqualTo(CloseReason.Kind.CLOSED_BY_PEER);
        }
    }

    @Test
    void clientClosingEndsTheServerSessionAfterItsMessagesAreAcknowledged() throws Exception {
        CompletableFuture<ServerSession> onServer = new CompletableFuture<>();
        AtomicLong received = new AtomicLong();
        try (ReliableServer server = Loopback.server(session -> {
            onServer.complete(session);
            for (Message m : session) {
                received.incrementAndGet();
            }
        }).start()) {
            ReliableClient client = Loopback.client(server.port()).connect();
            List<CompletableFuture<Void>> sent = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                sent.add(client.send("m" + i));
            }
            client.close();
            assertThat(sent).allSatisfy(f -> assertThat(f).isCompleted());
            ServerSession session = onServer.get(5, TimeUnit.SECONDS);
            assertThat(session.closed().get(5, TimeUnit.SECONDS).kind()).isEqualTo(CloseReason.Kind.CLOSED_BY_PEER);
            assertThat(received.get()).isEqualTo(100);
            await(() -> server.store().size() == 0 && server.sessions().isEmpty());
        }
    }

    @Test
    void theThreadsCompletingSendFuturesEndWithTheSessionsOnBothSides() throws Exception {
        CompletableFuture<ServerSession> onServer = new CompletableFuture<>();
        try (ReliableServer server = Loopback.server(session -> {
            onServer.complete(session);
            Loopback.ECHO.handle(session);
        }).start(); ChaosProxy proxy = ChaosProxy.to(server.port())) {
            ReliableClient client = ReliableClient.builder(proxy.uri("/")).options(Loopback.FAST)
                    .reliable(Loopback.RELIABLE).connect();
            List<Thread> completedOn = new CopyOnWriteArrayList<>();
            CountDownLatch callbacksRan = new CountDownLatch(20);
            List<CompletableFuture<Void>> sent = new ArrayList<>();
            proxy.stall(); // no acknowledgement can come before every callback is registered
            for (int i = 0; i < 20; i++) {
                CompletableFuture<Void> future = client.send("m" + i);
                future.thenRun(() -> {
                    completedOn.add(Thread.currentThread());
                    callbacksRan.countDown();
                });
                sent.add(future);
            }
            assertThat(sent).noneMatch(CompletableFuture::isDone);
            proxy.resume();
            // not future.get(): a thread waiting in get() may run the future's callbacks itself
            assertThat(callbacksRan.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(sent).allMatch(CompletableFuture::isDone);
            for (int i = 0; i < 20; i++) {
                assertThat(client.receive(Duration.ofSeconds(5))).contains(Message.text("m" + i));
            }
            ServerSession session = onServer.get(5, TimeUnit.SECONDS);
            client.close();
            session.closed().get(5, TimeUnit.SECONDS);
            // every callback was registered before its future completed: each ran on the session's completer
            List<Thread> clientCompleters = completedOn.stream().distinct().toList();
            assertThat(completedOn).hasSize(20);
            assertThat(clientCompleters).isNotEmpty()
                    .allSatisfy(t -> assertThat(t.getName()).startsWith("lifeline-reliable-completer-"));
            for (Thread t : clientCompleters) {
                assertThat(t.join(Duration.ofSeconds(10))).isTrue();
            }
            Optional<Thread> serverCompleter = session.completerThread();
            if (serverCompleter.isPresent()) {
                assertThat(serverCompleter.get().join(Duration.ofSeconds(10))).isTrue();
            }
            assertThat(client.completerThread()).isEmpty();
            assertThat(session.completerThread()).isEmpty();
        }
    }

    @Test
    void closeFromASendFuturesCallbackDoesNotWaitForThatCallbackToReturn() throws Exception {
        try (ReliableServer server = Loopback.echoServer(); ChaosProxy proxy = ChaosProxy.to(server.port())) {
            // a close waiting for the futures to settle would wait this long: the callback is one of them
            ReliableClient client = ReliableClient.builder(proxy.uri("/")).options(Loopback.FAST)
                    .reliable(Loopback.RELIABLE.withCloseTimeout(Duration.ofMinutes(1))).connect();
            CompletableFuture<String> closedIn = new CompletableFuture<>();
            proxy.stall(); // the acknowledgement comes after the callback is registered (else it runs on this thread)
            CompletableFuture<Void> sent = client.send("hello");
            sent.thenRun(() -> {
                client.close();
                closedIn.complete(Thread.currentThread().getName());
            });
            assertThat(sent).isNotDone();
            proxy.resume();
            assertThat(closedIn.get(20, TimeUnit.SECONDS)).startsWith("lifeline-reliable-completer-");
            assertThat(client.closed().get(5, TimeUnit.SECONDS).kind()).isEqualTo(CloseReason.Kind.CLOSED);
        }
    }

    @Test
    void fullOutboxBlocksSendUntilTheTimeoutThenThrows() throws Exception {
        try (ReliableServer server = Loopback.server(Loopback.ECHO)
                .processRequest(request -> Optional.of(HttpResponse.of(503, "down"))).start();
                ReliableClient client = Loopback.client(server.port())
                        .reliable(Loopback.RELIABLE.withOutbox(2, 1024).withSendTimeout(Duration.ofMillis(200))
                                .withCloseTimeout(Duration.ofMillis(200)))
                        .connect()) {
            client.send("1");
            client.send("2");
            long start = System.nanoTime();
            assertThatThrownBy(() -> client.send("3")).isInstanceOf(OutboxFullException.class)
                    .hasMessageContaining("2 unacknowledged messages");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
            assertThat(client.trySend(Message.text("3"))).isCompletedExceptionally();
            assertThat(client.outboxSize()).isEqualTo(2);
            assertThat(client.outboxBytes()).isEqualTo(2);
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
