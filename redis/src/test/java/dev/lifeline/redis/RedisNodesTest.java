package dev.lifeline.redis;

import static dev.lifeline.redis.Nodes.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.Message;
import dev.lifeline.WebSocketOptions;
import dev.lifeline.redis.testing.RedisProcess;
import dev.lifeline.reliable.CloseReason;
import dev.lifeline.reliable.ReliableClient;
import dev.lifeline.reliable.ReliableServer;
import dev.lifeline.reliable.ServerSession;
import dev.lifeline.reliable.SessionOutcome;
import dev.lifeline.reliable.UnacknowledgedException;
import dev.lifeline.testing.ChaosProxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two server nodes in one JVM sharing one real Redis, a client behind a proxy that sends each new connection to the
 * node chosen now: a session resumes on the other node with every message once and in order both ways; a node that
 * dies in the middle of handling a message has it handled again on the resuming node, each answer out once; an old
 * owner that still holds its connection after a takeover can neither deliver nor acknowledge; any node can send to
 * any session, alive on another node or waiting for its client after its node died.
 */
@Timeout(60)
class RedisNodesTest {
    private static RedisProcess redis;

    @BeforeAll
    static void startRedis() {
        redis = RedisProcess.start();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    private static RedisSessionStore store() {
        return RedisSessionStore.create(redis.url());
    }

    @Test
    void aNodeShuttingDownSendsItsClientsWith1012ToAnotherWhereTheyResumeWithEveryMessageOnce() throws Exception {
        Nodes.Recorder recorder = new Nodes.Recorder();
        try (ReliableServer b = Nodes.server(Nodes.ECHO).store(store()).start()) {
            ReliableServer a = Nodes.server(Nodes.ECHO).store(store()).start();
            try (ChaosProxy proxy = ChaosProxy.to(a.port());
                    ReliableClient client = Nodes.client(proxy.port()).listener(recorder).connect()) {
                List<CompletableFuture<Void>> sent = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    sent.add(client.send("m" + i));
                    if (i == 100) {
                        await(() -> recorder.outcomes.size() == 1);
                        proxy.retarget(b.port());
                        a.close();
                    }
                }
                for (int i = 0; i < 200; i++) {
                    assertThat(client.receive(Duration.ofSeconds(10))).contains(Message.text("m" + i));
                }
                CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
                assertThat(client.receive(Duration.ofMillis(200))).isEmpty();
                assertThat(recorder.kinds()).containsExactly(SessionOutcome.Kind.NEW, SessionOutcome.Kind.RESUMED);
                assertThat(recorder.failures).first().asString().startsWith("disconnected: 1012 (service restart)");
                assertThat(b.sessions()).hasSize(1);
            } finally {
                a.close();
            }
        }
    }

    @Test
    void aSessionMovedBackAndForthBetweenNodesUnderTrafficGetsEveryEchoOnceAndInOrder() throws Exception {
        Nodes.Recorder recorder = new Nodes.Recorder();
        try (ReliableServer a = Nodes.server(Nodes.ECHO).store(store()).start();
                ReliableServer b = Nodes.server(Nodes.ECHO).store(store()).start();
                ChaosProxy proxy = ChaosProxy.to(a.port());
                ReliableClient client = Nodes.client(proxy.port()).listener(recorder).connect()) {
            int messages = 3000;
            List<Message> echoes = new CopyOnWriteArrayList<>();
            Thread reader = Thread.ofVirtual().start(() -> {
                for (int i = 0; i < messages; i++) {
                    client.receive(Duration.ofSeconds(20)).ifPresent(echoes::add);
                }
            });
            List<CompletableFuture<Void>> sent = new ArrayList<>();
            for (int i = 0; i < messages; i++) {
                sent.add(client.send("m" + i));
                if (i % 300 == 150) {
                    // every switch is a takeover: the other node, still alive, is fenced
                    int joined = i / 300 + 1;
                    await(() -> recorder.outcomes.size() >= joined);
                    proxy.retarget(i / 300 % 2 == 0 ? b.port() : a.port());
                    proxy.cut(ChaosProxy.Cut.FIN);
                }
            }
            CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            reader.join(Duration.ofSeconds(30));
            assertThat(echoes).isEqualTo(java.util.stream.IntStream.range(0, messages)
                    .mapToObj(i -> Message.text("m" + i)).toList());
            assertThat(client.receive(Duration.ofMillis(300))).isEmpty();
            List<SessionOutcome.Kind> kinds = recorder.kinds();
            assertThat(kinds).hasSizeGreaterThanOrEqualTo(11).first().isEqualTo(SessionOutcome.Kind.NEW);
            assertThat(kinds.subList(1, kinds.size())).containsOnly(SessionOutcome.Kind.RESUMED);
        }
    }

    @Test
    void aNodeDyingInTheMiddleOfHandlingHasTheMessageHandledAgainWhereTheSessionResumes() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        List<String> handledOnA = new CopyOnWriteArrayList<>();
        ReliableServer.Handler stuckAtM5 = session -> {
            for (Message m : session) {
                String text = ((Message.Text) m).text();
                handledOnA.add(text);
                session.send("echo " + text);
                if (text.equals("m5")) {
                    never.await(); // the node dies here: the echo of m5 is sent but not committed
                }
            }
        };
        RedisSessionStore storeA = store();
        Nodes.Recorder recorder = new Nodes.Recorder();
        try (ReliableServer b = Nodes.server(session -> {
            for (Message m : session) {
                session.send("echo " + ((Message.Text) m).text());
            }
        }).store(store()).start(); ReliableServer a = Nodes.server(stuckAtM5).store(storeA).start();
                ChaosProxy proxy = ChaosProxy.to(a.port());
                ReliableClient client = Nodes.client(proxy.port()).listener(recorder).connect()) {
            List<CompletableFuture<Void>> sent = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                sent.add(client.send("m" + i));
            }
            // A acknowledged all ten (saved in Redis) and is stuck in m5's handling with m6..m9 waiting
            CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
            await(() -> handledOnA.contains("m5"));
            for (int i = 0; i < 5; i++) {
                assertThat(client.receive(Duration.ofSeconds(10))).contains(Message.text("echo m" + i));
            }
            // A dies: nothing more reaches Redis from it, its connections drop without a closing handshake
            proxy.retarget(b.port());
            storeA.close();
            a.sessions().forEach(s -> s.connection().ifPresent(dev.lifeline.WebSocket::abort));
            for (int i = 5; i < 10; i++) {
                assertThat(client.receive(Duration.ofSeconds(10))).contains(Message.text("echo m" + i));
            }
            assertThat(client.receive(Duration.ofMillis(300))).isEmpty();
            assertThat(handledOnA).containsExactly("m0", "m1", "m2", "m3", "m4", "m5");
            assertThat(recorder.kinds()).containsExactly(SessionOutcome.Kind.NEW, SessionOutcome.Kind.RESUMED);
        } finally {
            never.countDown();
        }
    }

    @Test
    void anOldOwnerStillHoldingItsConnectionAfterATakeoverCannotDeliverOrAcknowledge() throws Exception {
        List<String> handledOnA = new CopyOnWriteArrayList<>();
        List<String> handledOnB = new CopyOnWriteArrayList<>();
        RedisSessionStore storeB = store();
        // keepalive that a loaded machine cannot trip: A must still hold its connection when B takes over
        WebSocketOptions calm = Nodes.FAST.withKeepalive(Duration.ofSeconds(10), Duration.ofSeconds(20));
        try (ReliableServer a = Nodes.server(recording(handledOnA)).options(calm).store(store()).start();
                ReliableServer b = Nodes.server(recording(handledOnB)).store(storeB).start();
                ChaosProxy proxy = ChaosProxy.to(a.port());
                ReliableClient client = Nodes.client(proxy.port()).options(calm).connect()) {
            client.send("before").get(10, TimeUnit.SECONDS);
            assertThat(client.receive(Duration.ofSeconds(10))).contains(Message.text("before"));
            ServerSession onA = a.sessions().iterator().next();
            String token = client.token().orElseThrow();

            // Another node takes the session over while A still holds the client's connection.
            assertThat(storeB.resume(token, Nodes.RELIABLE)).isPresent();
            proxy.retarget(b.port());
            assertThat(onA.connection()).isPresent();

            // A cannot deliver: its send is fenced, never transmitted, and its future says why.
            CompletableFuture<Void> stale = onA.send("stale");
            assertThat(stale).failsWithin(Duration.ofSeconds(10)).withThrowableThat().havingCause()
                    .isInstanceOfSatisfying(UnacknowledgedException.class,
                            e -> assertThat(e.reason().kind()).isEqualTo(CloseReason.Kind.MOVED));
            assertThat(onA.closeReason()).get().extracting(CloseReason::kind).isEqualTo(CloseReason.Kind.MOVED);

            // The client comes back to B, which acknowledges and handles what A never had.
            client.send("after").get(10, TimeUnit.SECONDS);
            assertThat(client.receive(Duration.ofSeconds(10))).contains(Message.text("after"));
            assertThat(client.receive(Duration.ofMillis(300))).isEmpty();
            assertThat(handledOnA).containsExactly("before");
            assertThat(handledOnB).containsExactly("after");
        }
    }

    @Test
    void anOldOwnerThatReceivesAfterATakeoverNeitherAcknowledgesNorHandsItOn() throws Exception {
        List<String> handledOnA = new CopyOnWriteArrayList<>();
        List<String> handledOnB = new CopyOnWriteArrayList<>();
        RedisSessionStore storeB = store();
        Nodes.Recorder recorder = new Nodes.Recorder();
        try (ReliableServer a = Nodes.server(recording(handledOnA)).store(store()).start();
                ReliableServer b = Nodes.server(recording(handledOnB)).store(storeB).start();
                ChaosProxy proxy = ChaosProxy.to(a.port());
                ReliableClient client = Nodes.client(proxy.port()).listener(recorder).connect()) {
            client.send("before").get(10, TimeUnit.SECONDS);
            // its echo: A has committed its handling (the acknowledgement comes once it is saved, before that)
            assertThat(client.receive(Duration.ofSeconds(10))).contains(Message.text("before"));
            ServerSession onA = a.sessions().iterator().next();
            assertThat(storeB.resume(client.token().orElseThrow(), Nodes.RELIABLE)).isPresent();
            proxy.retarget(b.port());

            // The client still talks to A: A's save is fenced, so no acknowledgement and no handling there; A lets
            // the connection go with 1012 and the client resends to B.
            CompletableFuture<Void> after = client.send("after");
            assertThat(onA.closed().get(10, TimeUnit.SECONDS).kind()).isEqualTo(CloseReason.Kind.MOVED);
            after.get(10, TimeUnit.SECONDS);
            await(() -> handledOnB.contains("after"));
            assertThat(handledOnA).containsExactly("before");
            assertThat(handledOnB).containsExactly("after");
            assertThat(recorder.kinds()).containsExactly(SessionOutcome.Kind.NEW, SessionOutcome.Kind.RESUMED);
            assertThat(recorder.failures).first().asString()
                    .startsWith("disconnected: 1012 (service restart) \"another node took the session over");
        }
    }

    @Test
    void aMessageSentFromAnyNodeReachesTheSessionWhereverItRuns() throws Exception {
        RedisSessionStore storeA = store();
        RedisSessionStore storeB = store();
        Nodes.Recorder recorder = new Nodes.Recorder();
        try (ReliableServer a = Nodes.server(Nodes.ECHO).store(storeA).start();
                ReliableServer b = Nodes.server(Nodes.ECHO).store(storeB).start();
                ChaosProxy proxy = ChaosProxy.to(a.port());
                ReliableClient client = Nodes.client(proxy.port()).listener(recorder).connect()) {
            client.send("hello").get(10, TimeUnit.SECONDS);
            assertThat(client.receive(Duration.ofSeconds(10))).contains(Message.text("hello"));
            String id = RedisSessionStore.sessionId(a.sessions().iterator().next());

            // the session runs on A; B sends to it
            storeB.send(id, Message.text("from B")).toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertThat(client.receive(Duration.ofSeconds(10))).contains(Message.text("from B"));

            // A dies; B sends meanwhile; the message waits in Redis and comes with the resume on B
            proxy.retarget(b.port());
            storeA.close();
            storeB.send(id, Message.binary(new byte[] {1, 2, 3})).toCompletableFuture().get(10, TimeUnit.SECONDS);
            a.sessions().forEach(s -> s.connection().ifPresent(dev.lifeline.WebSocket::abort));
            assertThat(client.receive(Duration.ofSeconds(10))).contains(Message.binary(new byte[] {1, 2, 3}));
            assertThat(client.receive(Duration.ofMillis(300))).isEmpty();
            assertThat(recorder.kinds()).containsExactly(SessionOutcome.Kind.NEW, SessionOutcome.Kind.RESUMED);

            assertThat(storeB.send("no-such-session", Message.text("x")).toCompletableFuture())
                    .failsWithin(Duration.ofSeconds(10)).withThrowableThat().havingCause()
                    .isInstanceOf(dev.lifeline.reliable.SessionStoreException.class)
                    .withMessageContaining("no session");
        }
    }

    @Test
    void aSessionWhoseReplayBufferExceedsTheResumingNodesBoundIsReportedLostAndNotReplayedInPart() throws Exception {
        CompletableFuture<ServerSession> onA = new CompletableFuture<>();
        RedisSessionStore storeB = store();
        Nodes.Recorder recorder = new Nodes.Recorder();
        io.lettuce.core.RedisClient lettuce = io.lettuce.core.RedisClient.create(redis.url());
        try (ReliableServer a = Nodes.server(session -> {
            onA.complete(session);
            session.forEach(m -> { });
        }).store(store()).start(); ReliableServer b = Nodes.server(Nodes.ECHO)
                .reliable(Nodes.RELIABLE.withOutbox(10, 1 << 20)).store(storeB).start();
                ChaosProxy proxy = ChaosProxy.to(a.port());
                ReliableClient client = Nodes.client(proxy.port()).listener(recorder).connect();
                var redisConnection = lettuce.connect()) {
            client.send("hi").get(10, TimeUnit.SECONDS);
            ServerSession session = onA.get(10, TimeUnit.SECONDS);
            String id = RedisSessionStore.sessionId(session);
            proxy.retarget(0); // the client cannot come back for now
            proxy.cut(ChaosProxy.Cut.FIN);
            for (int i = 0; i < 20; i++) {
                session.send("while away " + i);
            }
            // all 20 saved in its replay buffer (next is the number the 21st would get)
            await(() -> "21".equals(redisConnection.sync().hget("lifeline:{" + id + "}:s", "next")));

            // B's outbox holds 10: it cannot resume this session in full, so it reports it lost instead of in part
            proxy.retarget(b.port());
            await(() -> recorder.outcomes.size() == 2);
            assertThat(recorder.kinds()).containsExactly(SessionOutcome.Kind.NEW, SessionOutcome.Kind.NEW);
            assertThat(redisConnection.sync().exists("lifeline:{" + id + "}:s")).isZero();
            assertThat(client.receive(Duration.ofMillis(300))).isEmpty();
        } finally {
            lettuce.shutdown();
        }
    }

    private static ReliableServer.Handler recording(List<String> handled) {
        return session -> {
            for (Message m : session) {
                handled.add(((Message.Text) m).text());
                session.send(m);
            }
        };
    }
}
