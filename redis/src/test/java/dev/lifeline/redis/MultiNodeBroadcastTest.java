package dev.lifeline.redis;

import static dev.lifeline.redis.RedisBroadcastHubTest.client;
import static dev.lifeline.redis.testing.RedisProcess.sleep;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.Message;
import dev.lifeline.ReconnectPolicy;
import dev.lifeline.redis.testing.NodeProcess;
import dev.lifeline.redis.testing.RedisProcess;
import dev.lifeline.reliable.ReliableClient;
import dev.lifeline.reliable.SessionOutcome;
import dev.lifeline.testing.Await;
import dev.lifeline.testing.ChaosProxy;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Three chat nodes (child JVMs) on one Redis, clients spread over them by a round-robin proxy, while the third node
 * is killed with SIGKILL and started again, three times: every subscriber whose node lives gets every broadcast
 * message exactly once, all in the same order; the clients of the killed node find another node through the proxy and
 * get, from then on, each message once and in order. Publishers are on the surviving nodes: across the death of the
 * publisher's own node, exactly once needs the shared session store (the sessions would otherwise be NEW).
 */
@Timeout(180)
class MultiNodeBroadcastTest {
    private static final int KILLS = 3;

    @Test
    void broadcastIsDeliveredOnceAndInOrderAcrossNodesWhileANodeIsKilledAndRestarted() throws Exception {
        try (RedisProcess redis = RedisProcess.start();
                NodeProcess one = chatNode("node1", redis);
                NodeProcess two = chatNode("node2", redis);
                NodeProcess three = chatNode("node3", redis);
                ChaosProxy proxy = ChaosProxy.roundRobin(List.of(one.port(), two.port(), three.port()))) {
            List<ReliableClient> steady = List.of(client(one.port()), client(two.port()));
            List<ReliableClient> roaming = new ArrayList<>();
            AtomicInteger newSessions = new AtomicInteger();
            for (int i = 0; i < 6; i++) { // two of them on the node that dies
                roaming.add(ReliableClient.builder(URI.create("ws://127.0.0.1:" + proxy.port() + "/"))
                        .options(ChatNode.FAST).reliable(ChatNode.RELIABLE)
                        .reconnect(ReconnectPolicy.standard(RedisBroadcastHubTest.QUICK))
                        .listener(new ReliableClient.Listener() {
                            @Override
                            public void sessionJoined(SessionOutcome outcome) {
                                if (outcome.kind() == SessionOutcome.Kind.NEW) {
                                    newSessions.incrementAndGet();
                                }
                            }
                        }).connect());
            }
            List<ReliableClient> publishers = List.of(client(one.port()), client(two.port()));
            Map<ReliableClient, List<String>> received = new HashMap<>();
            List<Thread> readers = new ArrayList<>();
            AtomicBoolean reading = new AtomicBoolean(true);
            // every session is subscribed, the publishers' too: they read what they get, as a chat client would.
            // Left unread, a publisher's inbox and its session's outbox fill up in a longer run (each publisher had
            // 2,048 broadcasts waiting, and no more, in a run with 7 kills), and the test then exercises full
            // subscribers instead of a node's death. (A CI run once found a publisher's sends unacknowledged after
            // 60 s; what was stuck is not known: the assertion below says it, should it happen again.)
            for (ReliableClient c : concat(concat(steady, roaming), publishers)) {
                List<String> got = new CopyOnWriteArrayList<>();
                received.put(c, got);
                readers.add(Thread.ofVirtual().start(() -> {
                    while (reading.get()) {
                        c.receive(Duration.ofMillis(100)).ifPresent(m -> got.add(((Message.Text) m).text()));
                    }
                }));
            }
            // each subscriber says hello through its own node, and waits until it hears itself: all are subscribed
            awaitEveryoneSubscribed(concat(steady, roaming), received);

            AtomicBoolean killing = new AtomicBoolean(true);
            List<List<CompletableFuture<Void>>> sent = new ArrayList<>();
            List<Thread> senders = new ArrayList<>();
            for (int p = 0; p < publishers.size(); p++) {
                List<CompletableFuture<Void>> futures = new CopyOnWriteArrayList<>();
                sent.add(futures);
                ReliableClient publisher = publishers.get(p);
                String name = "p" + p + "-";
                senders.add(Thread.ofVirtual().start(() -> {
                    for (int n = 1; killing.get() || n <= 50; n++) {
                        futures.add(publisher.send(name + n));
                        sleep(10); // the publishers' pace
                    }
                }));
            }
            for (int k = 0; k < KILLS; k++) {
                Await.timeToPass(Duration.ofMillis(700), "node three serves");
                three.kill();
                Await.timeToPass(Duration.ofMillis(300), "node three is down");
                three.restart();
            }
            killing.set(false);
            for (Thread sender : senders) {
                sender.join(Duration.ofSeconds(30));
            }
            List<String> all = new ArrayList<>();
            for (int p = 0; p < sent.size(); p++) {
                try {
                    CompletableFuture.allOf(sent.get(p).toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    // seen once (CI, 2026-12-04): say what was stuck, for the next time
                    long pending = sent.get(p).stream().filter(f -> !f.isDone()).count();
                    throw new AssertionError("publisher " + p + ": " + pending + " of " + sent.get(p).size()
                            + " sends unacknowledged after 60 s, client " + publishers.get(p).state()
                            + ", sender alive: " + senders.get(p).isAlive(), e);
                }
                for (int n = 1; n <= sent.get(p).size(); n++) {
                    all.add("p" + p + "-" + n);
                }
            }
            // every steady subscriber has every message: wait (bounded) until they do
            Await.holds(Duration.ofSeconds(60),
                    () -> steady.stream().allMatch(c -> published(received.get(c)).size() >= all.size()));
            Await.timeToPass(Duration.ofMillis(500), "a duplicate, if any, arrives meanwhile");
            reading.set(false);
            for (Thread reader : readers) {
                reader.join(Duration.ofSeconds(5));
            }

            List<String> order = published(received.get(steady.get(0)));
            assertThat(order).as("every message exactly once").hasSize(all.size()).containsExactlyInAnyOrderElementsOf(all);
            assertThat(published(received.get(steady.get(1)))).as("the same order on every node").isEqualTo(order);
            for (int p = 0; p < publishers.size(); p++) {
                String prefix = "p" + p + "-";
                assertThat(order.stream().filter(s -> s.startsWith(prefix)).toList()).as("publisher order")
                        .isEqualTo(all.stream().filter(s -> s.startsWith(prefix)).toList());
            }
            for (ReliableClient c : roaming) {
                List<String> got = published(received.get(c));
                assertThat(got).as("a roaming subscriber: no duplicates, and in the common order")
                        .doesNotHaveDuplicates().isSubsetOf(order);
                assertThat(got).isEqualTo(order.stream().filter(got::contains).toList());
            }
            assertThat(newSessions.get()).as("the killed node's clients started new sessions elsewhere")
                    .isGreaterThan(roaming.size());
            concat(concat(steady, roaming), publishers).forEach(ReliableClient::close);
        }
    }

    private static NodeProcess chatNode(String name, RedisProcess redis) {
        return NodeProcess.start(name, port -> NodeProcess.java(ChatNode.class,
                List.of(redis.url(), Integer.toString(port))));
    }

    /**
     * Each client sends "hello-i" until it hears itself (then it is subscribed); then one "ready" must reach every
     * client.
     */
    private static void awaitEveryoneSubscribed(List<ReliableClient> clients, Map<ReliableClient, List<String>> got)
            throws Exception {
        for (int i = 0; i < clients.size(); i++) {
            String hello = "hello-" + i;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            ReliableClient c = clients.get(i);
            while (!got.get(c).contains(hello)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("client " + i + " did not hear itself within 30 s");
                }
                c.send(hello).get(10, TimeUnit.SECONDS);
                sleep(200);
            }
        }
        clients.get(0).send("ready").get(10, TimeUnit.SECONDS);
        Await.until("every client heard 'ready'", Duration.ofSeconds(30),
                () -> clients.stream().allMatch(c -> got.get(c).contains("ready")));
    }

    /** The published messages among those received (the hellos left out). */
    private static List<String> published(List<String> received) {
        return received.stream().filter(s -> s.startsWith("p")).toList();
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
