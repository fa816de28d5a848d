package dev.lifeline.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.Backoff;
import dev.lifeline.Message;
import dev.lifeline.ReconnectPolicy;
import dev.lifeline.redis.testing.RedisProcess;
import dev.lifeline.reliable.ReliableClient;
import dev.lifeline.reliable.ReliableSession;
import dev.lifeline.testing.Await;
import dev.lifeline.testing.ChaosProxy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Broadcast across two nodes sharing one real redis-server: every subscriber on either node gets every message once,
 * all in the same order; the publisher's futures complete on acknowledgement; Redis unreachable fails them with a
 * clear cause, and the hub recovers by itself, filling from the log what its subscription missed.
 */
@Timeout(60)
class RedisBroadcastHubTest {
    static final Backoff QUICK = new Backoff(Duration.ofMillis(5), Duration.ofMillis(5), 2.0, Duration.ofMillis(100));

    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : closing.reversed()) {
            c.close();
        }
    }

    private <T extends AutoCloseable> T closing(T c) {
        closing.add(c);
        return c;
    }

    static ReliableClient client(int port) {
        return ReliableClient.builder(URI.create("ws://127.0.0.1:" + port + "/")).options(ChatNode.FAST)
                .reliable(ChatNode.RELIABLE).reconnect(ReconnectPolicy.standard(QUICK)).connect();
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Await.until(what, Duration.ofSeconds(20), condition);
    }

    /** Receives {@code count} messages (each within 10 s) as text. */
    static List<String> receive(ReliableClient client, int count) {
        List<String> got = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Message m = client.receive(Duration.ofSeconds(10)).orElseThrow(
                    () -> new AssertionError("message " + (got.size() + 1) + " did not come; had " + got.size()));
            got.add(((Message.Text) m).text());
        }
        return got;
    }

    private record TwoNodes(ChatNode a, ChatNode b, ReliableClient onA, ReliableClient onB) {
    }

    /** Two chat nodes on this Redis, and a client subscribed on each. */
    private TwoNodes twoNodes(RedisProcess redis, Consumer<BroadcastLoss> losses) throws Exception {
        ChatNode a = closing(ChatNode.start(redis.url(), 0, losses));
        ChatNode b = closing(ChatNode.start(redis.url(), 0, losses));
        ReliableClient onA = closing(client(a.port()));
        ReliableClient onB = closing(client(b.port()));
        await("one subscriber on each node", () -> a.hub.subscribers(ChatNode.TOPIC).size() == 1
                && b.hub.subscribers(ChatNode.TOPIC).size() == 1);
        return new TwoNodes(a, b, onA, onB);
    }

    @Test
    void messagesPublishedOnBothNodesReachEverySubscriberOnceInOneOrder() throws Exception {
        RedisProcess redis = closing(RedisProcess.start());
        ChatNode a = closing(ChatNode.start(redis.url(), 0));
        ChatNode b = closing(ChatNode.start(redis.url(), 0));
        List<ReliableClient> clients = List.of(closing(client(a.port())), closing(client(a.port())),
                closing(client(b.port())), closing(client(b.port())));
        await("two subscribers on each node", () -> a.hub.subscribers(ChatNode.TOPIC).size() == 2
                && b.hub.subscribers(ChatNode.TOPIC).size() == 2);
        int each = 200;
        List<CompletableFuture<Void>> sends = new ArrayList<>();
        for (int i = 1; i <= each; i++) {
            sends.add(clients.get(0).send("a" + i));
            sends.add(clients.get(2).send("b" + i));
        }
        CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);

        List<String> first = receive(clients.get(0), 2 * each);
        for (ReliableClient other : clients.subList(1, clients.size())) {
            assertThat(receive(other, 2 * each)).as("the same order on every subscriber").isEqualTo(first);
        }
        assertThat(first.stream().filter(s -> s.startsWith("a")).toList()).as("each publisher's order")
                .isEqualTo(numbered("a", each));
        assertThat(first.stream().filter(s -> s.startsWith("b")).toList()).isEqualTo(numbered("b", each));
        for (ReliableClient client : clients) {
            assertThat(client.receive(Duration.ofMillis(300))).as("nothing twice").isEmpty();
        }
    }

    @Test
    void thePublishersFuturesAreThoseOfItsNodesSubscribersAndCompleteOnTheirAcknowledgement() throws Exception {
        RedisProcess redis = closing(RedisProcess.start());
        TwoNodes nodes = twoNodes(redis, loss -> { });
        ChatNode a = nodes.a();
        ReliableClient onA = nodes.onA();
        ReliableClient onB = nodes.onB();

        Map<ReliableSession, CompletableFuture<Void>> sent = a.hub.publish(ChatNode.TOPIC, Message.text("flash"));
        assertThat(sent.keySet()).isEqualTo(a.hub.subscribers(ChatNode.TOPIC));
        CompletableFuture.allOf(sent.values().toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        assertThat(receive(onA, 1)).containsExactly("flash");
        assertThat(receive(onB, 1)).containsExactly("flash");
        assertThat(a.hub.append("nobody-listens", Message.text("x")).get(5, TimeUnit.SECONDS)).isEqualTo(1L);
        assertThat(a.hub.health().up()).as(a.hub.health().detail()).isTrue();
    }

    @Test
    void redisUnreachableFailsPublishesWithACauseAndTheHubRecoversFillingWhatItsSubscriptionMissed() throws Exception {
        RedisProcess redis = closing(RedisProcess.start(List.of("--save", "", "--appendonly", "yes",
                "--appendfsync", "always")));
        List<BroadcastLoss> losses = new CopyOnWriteArrayList<>();
        TwoNodes nodes = twoNodes(redis, losses::add);
        ChatNode a = nodes.a();
        ChatNode b = nodes.b();
        ReliableClient onA = nodes.onA();
        ReliableClient onB = nodes.onB();
        onA.send("before").get(10, TimeUnit.SECONDS);
        assertThat(receive(onB, 1)).containsExactly("before");
        assertThat(receive(onA, 1)).containsExactly("before");

        redis.kill();
        Map<ReliableSession, CompletableFuture<Void>> failed = a.hub.publish(ChatNode.TOPIC, Message.text("lost"));
        CompletableFuture<Void> future = failed.values().iterator().next();
        assertThat(future).failsWithin(Duration.ofSeconds(10)).withThrowableThat().havingRootCause()
                .satisfies(e -> assertThat(e.getMessage()).isNotBlank());
        assertThat(future.handle((ok, e) -> e).get()).isInstanceOf(RedisUnavailableException.class)
                .hasMessageContaining("topic 'chat': not published").hasMessageContaining("127.0.0.1:" + redis.port());
        await("health down", () -> !a.hub.health().up());

        redis.startAgain();
        await("health up again", () -> a.hub.health().up() && b.hub.health().up());
        // published at once, before node b's subscription is known to be back: the log fills what it misses
        for (int i = 1; i <= 20; i++) {
            a.hub.append(ChatNode.TOPIC, Message.text("after" + i)).get(10, TimeUnit.SECONDS);
        }
        assertThat(receive(onB, 20)).isEqualTo(numbered("after", 20));
        assertThat(receive(onA, 20)).isEqualTo(numbered("after", 20));
        assertThat(losses).isEmpty();
    }

    @Test
    void aSubscriptionThatDiesSilentlyIsNoticedAndReplacedAndWhatItMissedIsReadFromTheLog() throws Exception {
        RedisProcess redis = closing(RedisProcess.start());
        ChaosProxy proxy = closing(ChaosProxy.to(redis.port()));
        proxy.markConnectionsSending(chunk -> new String(chunk, StandardCharsets.US_ASCII).toUpperCase(Locale.ROOT)
                .contains("SUBSCRIBE"));
        ChatNode a = closing(ChatNode.start(redis.url(), 0));
        ChatNode b = closing(ChatNode.start("redis://127.0.0.1:" + proxy.port() + "/0", 0));
        ReliableClient onA = closing(client(a.port()));
        ReliableClient onB = closing(client(b.port()));
        await("one subscriber on each node", () -> a.hub.subscribers(ChatNode.TOPIC).size() == 1
                && b.hub.subscribers(ChatNode.TOPIC).size() == 1);
        try (RedisConnector admin = RedisConnector.connect(redis.url())) {
            Set<String> before = subscriberIds(admin);
            proxy.muteMarked(); // node b's subscription: open, silent

            for (int i = 1; i <= 20; i++) {
                onA.send("m" + i).get(10, TimeUnit.SECONDS);
            }
            assertThat(receive(onB, 20)).as("read from the log").isEqualTo(numbered("m", 20));
            await("node b subscribed again on a new connection", () -> !before.containsAll(subscriberIds(admin)));
            await("node b healthy again", () -> b.hub.health().up());
            onA.send("after").get(10, TimeUnit.SECONDS);
            assertThat(receive(onB, 1)).containsExactly("after");
            assertThat(onB.receive(Duration.ofMillis(300))).as("nothing twice").isEmpty();
        }
    }

    @Test
    void aRedisThatRestartsWithoutItsDataIsReportedAsALossAndTheNewEntriesStillArrive() throws Exception {
        RedisProcess redis = closing(RedisProcess.start()); // no persistence
        List<BroadcastLoss> losses = new CopyOnWriteArrayList<>();
        TwoNodes nodes = twoNodes(redis, losses::add);
        for (int i = 1; i <= 5; i++) {
            nodes.onA().send("old" + i).get(10, TimeUnit.SECONDS);
        }
        assertThat(receive(nodes.onB(), 5)).isEqualTo(numbered("old", 5));
        redis.kill();
        redis.startAgain();
        await("both healthy", () -> nodes.a().hub.health().up() && nodes.b().hub.health().up());
        for (int i = 1; i <= 3; i++) {
            nodes.a().hub.append(ChatNode.TOPIC, Message.text("new" + i)).get(10, TimeUnit.SECONDS);
        }
        assertThat(receive(nodes.onB(), 3)).isEqualTo(numbered("new", 3));
        await("each node reported the loss", () -> losses.size() == 2);
        assertThat(losses).allSatisfy(loss -> {
            assertThat(loss.kind()).isEqualTo(BroadcastLoss.Kind.REDIS_FORGOT);
            assertThat(loss.from()).isEqualTo(5);
            assertThat(loss.to()).isEqualTo(1);
        });
        assertThat(nodes.a().hub.health().detail()).contains("1 broadcast losses reported");
    }

    /** The ids of the Redis clients subscribed to some channel. */
    private static Set<String> subscriberIds(RedisConnector admin) {
        return admin.await(admin.commands().clientList()).lines().filter(l -> l.matches(".* sub=[1-9].*"))
                .map(l -> l.substring(0, l.indexOf(' '))).collect(Collectors.toSet());
    }

    static List<String> numbered(String prefix, int count) {
        List<String> list = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            list.add(prefix + i);
        }
        return list;
    }
}
