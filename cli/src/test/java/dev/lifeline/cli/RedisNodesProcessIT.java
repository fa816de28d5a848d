package dev.lifeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.Backoff;
import dev.lifeline.Message;
import dev.lifeline.ReconnectPolicy;
import dev.lifeline.redis.testing.NodeProcess;
import dev.lifeline.redis.testing.RedisProcess;
import dev.lifeline.reliable.ReliableClient;
import dev.lifeline.reliable.SessionOutcome;
import dev.lifeline.testing.ChaosProxy;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two {@code lifeline serve --reliable --redis URL} nodes run from the jar by the redis module's {@link NodeProcess}.
 * In chat mode: while the second is killed with SIGKILL and started again, a reliable subscriber of the first gets
 * every message of a publisher once and in order, and a client of the restarted node hears what is published after
 * it joined. In echo mode: a client whose node is killed moves to the other node (through a round-robin proxy) and
 * gets its session RESUMED there, every echo once and in order.
 */
@Timeout(120)
class RedisNodesProcessIT {
    private static final Duration WAIT = Duration.ofSeconds(15);

    @Test
    void reliableChatGoesOnAcrossTheDeathOfAnotherNode() throws Exception {
        try (RedisProcess redis = RedisProcess.start();
                NodeProcess one = node("node1", redis);
                NodeProcess two = node("node2", redis);
                ReliableClient subscriber = client(one.port());
                ReliableClient publisher = client(one.port());
                ReliableClient onTwo = client(two.port())) {
            hearsItself(subscriber, "hello from the subscriber");
            hearsItself(publisher, "hello from the publisher");
            List<CompletableFuture<Void>> sent = new ArrayList<>();
            for (int i = 1; i <= 100; i++) {
                sent.add(publisher.send("m" + i));
                if (i == 30) {
                    two.kill();
                }
                if (i == 60) {
                    two.restart();
                }
            }
            CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            List<Message> got = new ArrayList<>();
            while (got.size() < 100) {
                Message m = subscriber.receive(WAIT).orElseThrow(() -> new AssertionError("had " + got));
                if (!(m instanceof Message.Text t && t.text().startsWith("hello"))) {
                    got.add(m);
                }
            }
            for (int i = 1; i <= 100; i++) {
                assertThat(got.get(i - 1)).as("message %d", i).isEqualTo(Message.text("m" + i));
            }
            assertThat(subscriber.receive(Duration.ofMillis(500))).as("nothing twice").isEmpty();

            // the client of the killed node is back (its session RESUMED on a node, from Redis), subscribed again
            hearsItself(onTwo, "back on node two");
            publisher.send("after").get(10, TimeUnit.SECONDS);
            Message heard;
            do {
                heard = onTwo.receive(WAIT).orElseThrow(() -> new AssertionError("'after' did not reach node two"));
            } while (!heard.equals(Message.text("after")));
        }
    }

    @Test
    void aReliableClientWhoseNodeDiesIsResumedOnTheOtherNode() throws Exception {
        List<SessionOutcome.Kind> joined = new CopyOnWriteArrayList<>();
        try (RedisProcess redis = RedisProcess.start(List.of("--appendonly", "yes"));
                NodeProcess one = node("node1", redis, "echo");
                NodeProcess two = node("node2", redis, "echo");
                ChaosProxy proxy = ChaosProxy.roundRobin(List.of(one.port(), two.port()));
                ReliableClient client = client(proxy.port(), outcome -> joined.add(outcome.kind()))) {
            List<CompletableFuture<Void>> sent = new ArrayList<>();
            for (int i = 1; i <= 200; i++) {
                sent.add(client.send("m" + i));
                if (i == 100) {
                    assertThat(client.receive(WAIT)).as("an echo from node one").contains(Message.text("m1"));
                    one.kill(); // the proxy's first connection went to node one; the next goes to node two
                }
            }
            CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            for (int i = 2; i <= 200; i++) {
                assertThat(client.receive(WAIT)).as("echo %d", i).contains(Message.text("m" + i));
            }
            assertThat(client.receive(Duration.ofMillis(500))).as("nothing twice").isEmpty();
            assertThat(joined).containsExactly(SessionOutcome.Kind.NEW, SessionOutcome.Kind.RESUMED);
            assertThat(Http.get(URI.create("http://127.0.0.1:" + two.port() + "/healthz")).body())
                    .contains("\"connections\":1").contains("\"sessions\":{\"up\":true");
        }
    }

    /** Sends the text until it comes back (bounded): the client's session is then subscribed. */
    private static void hearsItself(ReliableClient client, String text) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            client.send(text).get(10, TimeUnit.SECONDS);
            Message m;
            while ((m = client.receive(Duration.ofMillis(300)).orElse(null)) != null) {
                if (m.equals(Message.text(text))) {
                    return;
                }
            }
        }
        throw new AssertionError("'" + text + "' did not come back within " + WAIT);
    }

    private static NodeProcess node(String name, RedisProcess redis) {
        return node(name, redis, "chat");
    }

    private static NodeProcess node(String name, RedisProcess redis, String mode) {
        String jar = System.getProperty("lifeline.jar");
        return NodeProcess.start(name, port -> List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-jar", jar, "serve", "--port", Integer.toString(port), "--reliable", "--mode", mode,
                "--quiet", "--redis", redis.url()));
    }

    private static ReliableClient client(int port) {
        return client(port, outcome -> { });
    }

    private static ReliableClient client(int port, Consumer<SessionOutcome> joined) {
        return ReliableClient.builder(URI.create("ws://127.0.0.1:" + port + "/"))
                .reconnect(ReconnectPolicy.standard(new Backoff(Duration.ofMillis(50), Duration.ofMillis(50), 2.0,
                        Duration.ofMillis(500))))
                .listener(new ReliableClient.Listener() {
                    @Override
                    public void sessionJoined(SessionOutcome outcome) {
                        joined.accept(outcome);
                    }
                })
                .connect();
    }
}
