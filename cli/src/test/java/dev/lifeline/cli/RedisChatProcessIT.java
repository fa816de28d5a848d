package dev.lifeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.Message;
import dev.lifeline.WebSocket;
import dev.lifeline.WebSocketClient;
import dev.lifeline.redis.testing.RedisProcess;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two {@code lifeline serve --mode chat --redis URL} processes from the packaged jar (Lettuce and Netty shaded in) on
 * one real redis-server act as one chat: a client of node A hears a client of node B, and each node's first line says
 * what it shares.
 */
@Timeout(90)
class RedisChatProcessIT {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void twoNodesOnOneRedisAreOneChat() throws Exception {
        try (RedisProcess redis = RedisProcess.start();
                LifelineProcess a = LifelineProcess.serve("--mode", "chat", "--redis", redis.url());
                LifelineProcess b = LifelineProcess.serve("--mode", "chat", "--redis", redis.url());
                WebSocket onA = WebSocketClient.connect(a.endpoint());
                WebSocket onB = WebSocketClient.connect(b.endpoint())) {
            assertThat(a.stdout()).contains("(chat mode, shared through Redis redis://127.0.0.1:" + redis.port() + ")");
            onB.send("from b");
            assertThat(onA.receive(WAIT)).contains(Message.text("from b"));
            assertThat(onB.receive(WAIT)).contains(Message.text("from b"));
            onA.send("from a");
            assertThat(onB.receive(WAIT)).contains(Message.text("from a"));
            assertThat(Http.get(b.page().resolve("/healthz")).body()).contains("\"status\":\"ok\"")
                    .contains("\"redis\":{\"up\":true");
        }
    }

    @Test
    void twoNodesOnARedisBehindTlsAreOneChatWithItsCaGivenByRedisCa() throws Exception {
        try (RedisProcess redis = RedisProcess.startTls()) {
            String ca = redis.certificates().ca().toString();
            try (LifelineProcess a = LifelineProcess.serve("--mode", "chat", "--redis", redis.url(), "--redis-ca", ca);
                    LifelineProcess b = LifelineProcess.serve("--mode", "chat", "--redis", redis.url(),
                            "--redis-ca", ca);
                    WebSocket onA = WebSocketClient.connect(a.endpoint());
                    WebSocket onB = WebSocketClient.connect(b.endpoint())) {
                assertThat(a.stdout()).contains("shared through Redis rediss://127.0.0.1:" + redis.port() + ")");
                onB.send("from b over TLS");
                assertThat(onA.receive(WAIT)).contains(Message.text("from b over TLS"));
            }
        }
    }
}
