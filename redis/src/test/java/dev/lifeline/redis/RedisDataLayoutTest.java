package dev.lifeline.redis;

import static dev.lifeline.redis.Nodes.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.Message;
import dev.lifeline.redis.testing.RedisProcess;
import dev.lifeline.reliable.ReliableClient;
import dev.lifeline.reliable.ReliableServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a session looks like in Redis (docs/topics/redis-sessions.md): hash-tagged keys named after the hashed
 * token (the token itself is nowhere), a TTL of at most the resume window and a second, and streams trimmed as acknowledgements
 * and commits come (never by a length cap), so that an idle session costs its hash and two empty streams. Prints
 * the memory Redis reports for them.
 */
@Timeout(60)
class RedisDataLayoutTest {
    @Test
    void anIdleSessionIsItsHashAndTwoEmptyStreamsUnderAHashTagWithoutItsToken() throws Exception {
        Duration window = Duration.ofMinutes(2);
        try (RedisProcess redis = RedisProcess.start();
                ReliableServer server = echo(redis, window);
                ReliableClient client = Nodes.client(server.port()).connect()) {
            for (int i = 0; i < 100; i++) {
                client.send("message " + i).get(10, TimeUnit.SECONDS);
                assertThat(client.receive(Duration.ofSeconds(10))).contains(Message.text("message " + i));
            }
            String token = client.token().orElseThrow();
            String id = RedisSessionStore.sessionId(server.sessions().iterator().next());
            RedisClient lettuce = RedisClient.create(redis.url());
            try (StatefulRedisConnection<String, String> connection = lettuce.connect()) {
                RedisCommands<String, String> redisCommands = connection.sync();
                String base = "lifeline:{" + id + "}:";
                // the last acknowledgement and commit are saved a moment after the echo arrives
                await(() -> redisCommands.xlen(base + "out") == 0 && redisCommands.xlen(base + "in") == 0);
                assertThat(redisCommands.keys("*")).containsExactlyInAnyOrder(base + "s", base + "out", base + "in");
                assertThat(redisCommands.hgetall(base + "s")).containsEntry("next", "101")
                        .containsEntry("acked", "100").containsEntry("recv", "100").containsEntry("used", "100")
                        .containsEntry("epoch", "1");
                for (String key : List.of(base + "s", base + "out", base + "in")) {
                    // renewed to the window and a second of slack, only when less than the window was left
                    assertThat(redisCommands.pttl(key)).isPositive().isLessThanOrEqualTo(window.toMillis() + 1000);
                    assertThat(new String(redisCommands.dump(key), StandardCharsets.ISO_8859_1)).doesNotContain(token);
                }
                long total = 0;
                for (String key : List.of(base + "s", base + "out", base + "in")) {
                    long bytes = redisCommands.memoryUsage(key);
                    total += bytes;
                    System.out.println("MEMORY USAGE " + key + " = " + bytes + " bytes");
                }
                System.out.println("an idle session: " + total + " bytes in Redis " + redisCommands.info("server")
                        .lines().filter(l -> l.startsWith("redis_version")).findFirst().orElse(""));
            } finally {
                lettuce.shutdown();
            }
        }
    }

    /**
     * The saves renew the TTL only when the hash has less than the window left, so every key must have one from the
     * session's creation on (the streams are created empty with it), and a save must renew all of them once the
     * hash's is below the window.
     */
    @Test
    void everyKeyHasItsTtlFromCreationAndASaveRenewsThemAllBelowTheWindow() throws Exception {
        Duration window = Duration.ofMinutes(2);
        try (RedisProcess redis = RedisProcess.start();
                ReliableServer server = echo(redis, window);
                ReliableClient client = Nodes.client(server.port()).connect()) {
            await(() -> !server.sessions().isEmpty()); // registered a moment after its WELCOME left
            String id = RedisSessionStore.sessionId(server.sessions().iterator().next());
            RedisClient lettuce = RedisClient.create(redis.url());
            try (StatefulRedisConnection<String, String> connection = lettuce.connect()) {
                RedisCommands<String, String> redisCommands = connection.sync();
                String base = "lifeline:{" + id + "}:";
                List<String> keys = List.of(base + "s", base + "out", base + "in");
                for (String key : keys) {
                    assertThat(redisCommands.exists(key)).as(key).isOne();
                    assertThat(redisCommands.pttl(key)).as(key).isPositive();
                }
                for (String key : keys) {
                    redisCommands.pexpire(key, window.toMillis() / 2);
                }
                client.send("renews").get(10, TimeUnit.SECONDS);
                assertThat(client.receive(Duration.ofSeconds(10))).contains(Message.text("renews"));
                for (String key : keys) {
                    // the save after the PEXPIRE saw less than the window left, and renewed every key
                    assertThat(redisCommands.pttl(key)).as(key).isGreaterThan(window.toMillis() / 2 + 1000);
                }
            } finally {
                lettuce.shutdown();
            }
        }
    }

    private static ReliableServer echo(RedisProcess redis, Duration window) throws java.io.IOException {
        return Nodes.server(Nodes.ECHO).store(RedisSessionStore.builder(redis.url()).window(window).build()).start();
    }
}
