package dev.lifeline.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeline.Message;
import dev.lifeline.redis.testing.RedisProcess;
import dev.lifeline.reliable.ReliableClient;
import dev.lifeline.reliable.ReliableServer;
import dev.lifeline.testing.TestCertificates;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code rediss://}: a real {@code redis-server} that speaks only TLS, with a certificate signed by a CA made for the
 * test. The session store and the broadcast hub work through it when the CA is trusted; a certificate that is not
 * trusted is refused at connect with a message that says so.
 */
@Timeout(60)
class RedisTlsTest {
    private static RedisProcess redis;

    @BeforeAll
    static void startRedis() {
        redis = RedisProcess.startTls();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @Test
    void theSessionStoreAndTheHubWorkOverRedissWithTheCaTrusted() throws Exception {
        assertThat(redis.url()).startsWith("rediss://");
        try (RedisConnector connector = RedisConnector.builder(redis.url())
                .trustedCertificates(redis.certificates().ca()).connect()) {
            assertThat(connector.ping().up()).isTrue();
            RedisBroadcastHub hub = RedisBroadcastHub.builder(connector).build();
            RedisSessionStore store = RedisSessionStore.builder(connector).build();
            try (ReliableServer server = Nodes.server(session -> {
                hub.subscribe("news", session);
                for (Message m : session) {
                    session.send(m);
                }
            }).hub(hub).store(store).start();
                    ReliableClient client = Nodes.client(server.port()).connect()) {
                client.send("over TLS").get(10, TimeUnit.SECONDS);
                assertThat(client.receive(Duration.ofSeconds(10))).contains(Message.text("over TLS"));
                Nodes.await(() -> !hub.subscribers("news").isEmpty());
                Map<?, ?> delivered = hub.publish("news", Message.text("published over TLS"));
                assertThat(delivered).hasSize(1);
                assertThat(client.receive(Duration.ofSeconds(10))).contains(Message.text("published over TLS"));
                // the session is in the Redis behind TLS: its keys are there
                assertThat(connector.commands().keys("*").get(10, TimeUnit.SECONDS)).isNotEmpty();
            } finally {
                hub.close();
            }
        }
    }

    @Test
    void aCertificateFromAnotherCaIsRefusedWithAClearError() throws Exception {
        TestCertificates other = TestCertificates.create(Files.createTempDirectory("lifeline-tls"), "other");
        assertThatThrownBy(() -> RedisConnector.builder(redis.url()).trustedCertificates(other.ca()).connect())
                .isInstanceOf(RedisUnavailableException.class)
                .hasMessageContaining("rediss://127.0.0.1:" + redis.port())
                .hasMessageContaining("TLS handshake failed, the server's certificate is not trusted by the"
                        + " certificates in " + other.ca());
        assertThatThrownBy(() -> RedisSessionStore.builder(redis.url()).build())
                .isInstanceOf(RedisUnavailableException.class)
                .hasMessageContaining("not trusted by the JVM's default trust store");
    }

    @Test
    void aMissingCaFileIsRefusedBeforeConnecting() {
        assertThatThrownBy(() -> RedisConnector.builder(redis.url())
                .trustedCertificates(redis.dir().resolve("no-such-ca.pem")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no-such-ca.pem");
    }
}
