package dev.lifeline.redis;

import static dev.lifeline.redis.Nodes.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.Failure;
import dev.lifeline.Message;
import dev.lifeline.redis.testing.RedisProcess;
import dev.lifeline.reliable.CloseReason;
import dev.lifeline.reliable.ReliableClient;
import dev.lifeline.reliable.ReliableServer;
import dev.lifeline.reliable.ServerSession;
import dev.lifeline.reliable.SessionClosedException;
import dev.lifeline.reliable.SessionOutcome;
import dev.lifeline.reliable.UnacknowledgedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Redis killed with SIGKILL and started again (append-only file, fsync on every write), and Redis unreachable for a
 * while (SIGSTOP, then SIGCONT): the store reports itself unhealthy, new sessions are refused with 503 and
 * Retry-After, a send that cannot be saved fails with the cause, nothing acknowledged is lost, and once Redis answers again every session resumes by itself with every
 * message delivered once and in order, both ways.
 */
@Timeout(90)
class RedisOutageTest {
    private static final List<String> DURABLE = List.of("--save", "", "--appendonly", "yes", "--appendfsync",
            "always");

    @Test
    void redisKilledAndRestartedWithItsAppendOnlyFileLosesNothingAcknowledged() throws Exception {
        try (RedisProcess redis = RedisProcess.start(DURABLE)) {
            outage(redis, redis::kill, redis::startAgain);
        }
    }

    @Test
    void redisUnreachableForAWhileLosesNothingAcknowledged() throws Exception {
        try (RedisProcess redis = RedisProcess.start(DURABLE)) {
            outage(redis, redis::pause, redis::unpause);
        }
    }

    private static final Message DURING = Message.text("during the outage");

    /** The reason a send failed or was refused, which must be {@link CloseReason.Kind#STORE_FAILED}. */
    private static CloseReason storeFailure(java.util.concurrent.Callable<?> send) {
        try {
            send.call();
        } catch (SessionClosedException e) {
            assertThat(e.reason().kind()).isEqualTo(CloseReason.Kind.STORE_FAILED);
            return e.reason();
        } catch (java.util.concurrent.ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(UnacknowledgedException.class);
            CloseReason reason = ((UnacknowledgedException) e.getCause()).reason();
            assertThat(reason.kind()).isEqualTo(CloseReason.Kind.STORE_FAILED);
            return reason;
        } catch (Exception e) {
            throw new AssertionError("unexpected failure of the send", e);
        }
        throw new AssertionError("the send succeeded while Redis was down");
    }

    private static void outage(RedisProcess redis, Runnable down, Runnable up) throws Exception {
        RedisSessionStore store = RedisSessionStore.builder(redis.url()).timeout(Duration.ofMillis(500))
                .probeInterval(Duration.ofMillis(50)).build();
        Nodes.Recorder first = new Nodes.Recorder();
        Nodes.Recorder late = new Nodes.Recorder();
        try (ReliableServer server = Nodes.server(Nodes.ECHO).store(store).start();
                ReliableClient client = Nodes.client(server.port()).listener(first).connect()) {
            List<CompletableFuture<Void>> sent = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                sent.add(client.send("m" + i));
            }
            CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);

            ServerSession session = server.sessions().iterator().next();
            down.run();
            await(() -> !store.healthy());
            // What the server sends now cannot be saved: the send fails with the cause (at once if a failed save
            // ended this node's copy already), and the copy here ends.
            assertThat(storeFailure(() -> session.send("during the outage").get(10, TimeUnit.SECONDS)).detail())
                    .startsWith("Redis could not save the session");
            for (int i = 100; i < 150; i++) {
                sent.add(client.send("m" + i)); // wait in the client's outbox, or are refused a save and resent
            }
            try (ReliableClient newcomer = Nodes.client(server.port()).listener(late).connect()) {
                await(() -> late.failures.stream().anyMatch(f -> f instanceof Failure.Refused r
                        && r.status() == 503 && r.retryAfter().isPresent()));
                assertThat(late.outcomes).isEmpty();

                up.run();
                await(Duration.ofSeconds(20), store::healthy);
                await(Duration.ofSeconds(20), () -> late.outcomes.size() == 1);
                assertThat(late.kinds()).containsExactly(SessionOutcome.Kind.NEW);
            }
            // A save that timed out may still have been applied when Redis woke up: the send whose future failed
            // may then arrive after all (once at most), as any unacknowledged message may.
            List<Message> received = new ArrayList<>();
            while (received.stream().filter(m -> !m.equals(DURING)).count() < 150) {
                received.add(client.receive(Duration.ofSeconds(20)).orElseThrow());
            }
            assertThat(received.stream().filter(m -> m.equals(DURING)).count()).isLessThanOrEqualTo(1);
            assertThat(received.stream().filter(m -> !m.equals(DURING)).toList())
                    .isEqualTo(java.util.stream.IntStream.range(0, 150).mapToObj(i -> Message.text("m" + i)).toList());
            CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
            assertThat(client.receive(Duration.ofMillis(300))).isEmpty();
            List<SessionOutcome.Kind> kinds = first.kinds();
            assertThat(kinds).hasSizeGreaterThan(1).first().isEqualTo(SessionOutcome.Kind.NEW);
            assertThat(kinds.subList(1, kinds.size())).containsOnly(SessionOutcome.Kind.RESUMED);
        }
    }
}
