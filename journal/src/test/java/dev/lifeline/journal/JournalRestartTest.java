package dev.lifeline.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeline.Backoff;
import dev.lifeline.Failure;
import dev.lifeline.Message;
import dev.lifeline.ReconnectPolicy;
import dev.lifeline.reliable.ReliableClient;
import dev.lifeline.reliable.SessionOutcome;
import dev.lifeline.reliable.SessionStoreException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One node restarted: a {@link ChildServer} (echo, on a {@link JournalSessionStore}) killed with SIGKILL while a
 * client sends and receives, and started again on the same directory and port. {@code -Dlifeline.restart.messages}
 * sets how many messages (the run: 20,000).
 */
@Timeout(180)
class JournalRestartTest {
    private static final int COUNT = Integer.getInteger("lifeline.restart.messages", 2_000);
    /** Sends not yet acknowledged at most (the client's outbox holds 1,024). */
    private static final int IN_FLIGHT = 200;
    private static final Backoff QUICK = new Backoff(Duration.ofMillis(5), Duration.ofMillis(10), 2.0,
            Duration.ofMillis(200));

    @TempDir
    Path dir;

    @ParameterizedTest(name = "fsync {0}")
    @ValueSource(strings = {"commit", "200"})
    void aClientResumesAfterTheNodeIsKilledAndRestartedWithEveryMessageOnceAndInOrderBothWays(String fsync)
            throws Exception {
        Path state = dir.resolve("state");
        ChildServer first = ChildServer.start(state, 0, fsync, dir.resolve("first.log"));
        int port = first.port();
        AtomicReference<ChildServer> second = new AtomicReference<>();
        List<SessionOutcome.Kind> outcomes = new CopyOnWriteArrayList<>();
        try (ReliableClient client = ReliableClient.builder(URI.create("ws://127.0.0.1:" + port + "/"))
                .options(ChildServer.FAST).reliable(ChildServer.RELIABLE)
                .reconnect(ReconnectPolicy.standard(QUICK))
                .listener(new ReliableClient.Listener() {
                    @Override
                    public void sessionJoined(SessionOutcome outcome) {
                        outcomes.add(outcome.kind());
                    }

                    @Override
                    public void connectionFailed(Failure failure, ReconnectPolicy.Decision decision) {
                    }
                }).connect()) {
            // the receiver kills the node once a third of the echoes are in, while sends are under way, and
            // starts it again on the same directory and port
            CompletableFuture<List<Message>> echoes = CompletableFuture.supplyAsync(() -> {
                List<Message> got = new ArrayList<>();
                try {
                    while (got.size() < COUNT) {
                        Optional<Message> m = client.receive(Duration.ofSeconds(60));
                        if (m.isEmpty()) {
                            break;
                        }
                        got.add(m.get());
                        if (got.size() == COUNT / 3) {
                            first.kill();
                            second.set(ChildServer.start(state, port, fsync, dir.resolve("second.log")));
                        }
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                return got;
            });
            List<CompletableFuture<Void>> sent = new ArrayList<>();
            for (int i = 0; i < COUNT; i++) {
                if (i >= IN_FLIGHT) {
                    sent.get(i - IN_FLIGHT).get(60, TimeUnit.SECONDS);
                }
                sent.add(client.send("m" + i));
            }
            List<Message> got = echoes.get(150, TimeUnit.SECONDS);
            CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            List<Message> expected = new ArrayList<>();
            for (int i = 0; i < COUNT; i++) {
                expected.add(Message.text("m" + i));
            }
            assertThat(got).containsExactlyElementsOf(expected);
            assertThat(client.receive(Duration.ofMillis(300))).isEmpty();
            assertThat(outcomes.getFirst()).isEqualTo(SessionOutcome.Kind.NEW);
            assertThat(outcomes.subList(1, outcomes.size())).isNotEmpty()
                    .allMatch(k -> k == SessionOutcome.Kind.RESUMED);

            // the directory is the running node's: a second process is refused, naming it
            assertThatThrownBy(() -> JournalSessionStore.builder(state).build())
                    .isInstanceOf(SessionStoreException.class)
                    .hasMessageContaining("in use by another process (pid " + second.get().pid() + ")");
        } finally {
            first.close();
            if (second.get() != null) {
                second.get().close();
            }
        }
    }
}
