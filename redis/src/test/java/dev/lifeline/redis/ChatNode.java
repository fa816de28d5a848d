package dev.lifeline.redis;

import dev.lifeline.Message;
import dev.lifeline.WebSocketOptions;
import dev.lifeline.reliable.ReliableOptions;
import dev.lifeline.reliable.ReliableServer;
import java.io.IOException;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * A chat node for tests: a {@link ReliableServer} whose sessions all subscribe to the topic {@code chat} of a
 * {@link RedisBroadcastHub} and publish there every message they receive. In process ({@link #start}) or as a child
 * JVM ({@link #main}, which {@link dev.lifeline.redis.testing.NodeProcess} runs).
 */
final class ChatNode implements AutoCloseable {
    static final String TOPIC = "chat";
    /** Keepalive finds a dead connection within about half a second; handshakes and closes are bounded by 2 s. */
    static final WebSocketOptions FAST = WebSocketOptions.DEFAULT
            .withKeepalive(Duration.ofMillis(200), Duration.ofMillis(400))
            .withOpenTimeout(Duration.ofSeconds(2))
            .withCloseTimeout(Duration.ofSeconds(2));
    static final ReliableOptions RELIABLE = ReliableOptions.DEFAULT.withSendTimeout(Duration.ofSeconds(5))
            .withCloseTimeout(Duration.ofSeconds(2));

    final RedisConnector redis;
    final RedisBroadcastHub hub;
    final ReliableServer server;

    private ChatNode(RedisConnector redis, RedisBroadcastHub hub, ReliableServer server) {
        this.redis = redis;
        this.hub = hub;
        this.server = server;
    }

    static ChatNode start(String redisUrl, int port) throws IOException {
        return start(redisUrl, port, loss -> { });
    }

    static ChatNode start(String redisUrl, int port, Consumer<BroadcastLoss> losses) throws IOException {
        RedisConnector redis = RedisConnector.connect(redisUrl);
        RedisBroadcastHub hub = RedisBroadcastHub.builder(redis).probeInterval(Duration.ofMillis(200))
                .lossListener(losses).build();
        ReliableServer server = ReliableServer.builder(session -> {
            hub.subscribe(TOPIC, session);
            for (Message m : session) {
                hub.publish(TOPIC, m);
            }
        }).port(port).options(FAST).reliable(RELIABLE).hub(hub).start();
        return new ChatNode(redis, hub, server);
    }

    int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.close(); // closes the hub too
        redis.close();
    }

    /** {@code ChatNode REDIS_URL PORT}: prints {@code listening on port N}, then serves until killed. */
    public static void main(String[] args) throws Exception {
        ChatNode node = start(args[0], Integer.parseInt(args[1]));
        System.out.println("listening on port " + node.port());
        System.out.flush();
        node.server.awaitClosed();
    }
}
