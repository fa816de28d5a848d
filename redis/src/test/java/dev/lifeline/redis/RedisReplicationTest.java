package dev.lifeline.redis;

import static dev.lifeline.redis.Nodes.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.Failure;
import dev.lifeline.Message;
import dev.lifeline.redis.testing.RedisProcess;
import dev.lifeline.reliable.ReliableClient;
import dev.lifeline.reliable.ReliableServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * With {@code replicas(1, ...)}, a client's message is acknowledged only once a replica has it (WAIT): while the
 * replica is down nothing more is acknowledged (the session ends on the node, its client waits and retries), and
 * once the replica is back every message arrives once and in order.
 */
@Timeout(60)
class RedisReplicationTest {
    @Test
    void aMessageIsAcknowledgedOnlyOnceAReplicaHasIt() throws Exception {
        try (RedisProcess primary = RedisProcess.start();
                RedisProcess replica = RedisProcess.start(List.of("--save", "", "--appendonly", "no",
                        "--replicaof", "127.0.0.1", Integer.toString(primary.port())))) {
            RedisClient lettuce = RedisClient.create(primary.url());
            try (StatefulRedisConnection<String, String> admin = lettuce.connect()) {
                await(() -> admin.sync().info("replication").contains("connected_slaves:1"));
                Nodes.Recorder recorder = new Nodes.Recorder();
                RedisSessionStore store = RedisSessionStore.builder(primary.url())
                        .replicas(1, Duration.ofMillis(300)).build();
                try (ReliableServer server = Nodes.server(Nodes.ECHO).store(store).start();
                        ReliableClient client = Nodes.client(server.port()).listener(recorder).connect()) {
                    client.send("replicated").get(10, TimeUnit.SECONDS);
                    assertThat(client.receive(Duration.ofSeconds(10))).contains(Message.text("replicated"));

                    replica.kill();
                    await(() -> admin.sync().info("replication").contains("connected_slaves:0"));
                    CompletableFuture<Void> unreplicated = client.send("while the replica is down");
                    // the save is in the primary but no replica has it: the node lets the session go (1013)
                    // without acknowledging it, and refuses the resumes (1013) as long as no replica has it
                    await(() -> recorder.failures.stream().filter(f -> f instanceof Failure.Disconnected d
                            && d.code().value() == 1013).count() >= 2);
                    assertThat(unreplicated).isNotDone();

                    replica.startAgain();
                    unreplicated.get(20, TimeUnit.SECONDS);
                    assertThat(client.receive(Duration.ofSeconds(20)))
                            .contains(Message.text("while the replica is down"));
                    assertThat(client.receive(Duration.ofMillis(300))).isEmpty();
                }
            } finally {
                lettuce.shutdown();
            }
        }
    }
}
