package dev.lifeline.redis;

import dev.lifeline.Message;
import dev.lifeline.reliable.ReliableServer;
import java.time.Duration;

/**
 * A node of a service whose sessions and chat are shared through Redis, for the node-death test, run as a child JVM
 * by {@link dev.lifeline.redis.testing.NodeProcess}: a {@link ReliableServer} with a {@link RedisSessionStore} and a
 * {@link RedisBroadcastHub}. Each session subscribes to the topic {@code chat}; a text starting with {@code chat:} is
 * published there, anything else is echoed to its sender.
 */
final class SharedNode {
    static final String TOPIC = "chat";
    static final String CHAT = "chat:";

    private SharedNode() {
    }

    /**
     * {@code SharedNode REDIS_URL PORT}: prints {@code listening on port N}, then serves until killed; stopped with
     * SIGTERM, it closes the server and prints what became of its send futures ({@link SendLedger#line()}).
     */
    public static void main(String[] args) throws Exception {
        String url = args[0];
        RedisConnector redis = RedisConnector.connect(url);
        RedisBroadcastHub hub = RedisBroadcastHub.builder(redis).probeInterval(Duration.ofMillis(200)).build();
        SendLedger ledger = new SendLedger();
        ReliableServer server = ReliableServer.builder(session -> {
            hub.subscribe(TOPIC, session);
            for (Message m : session) {
                if (m instanceof Message.Text t && t.text().startsWith(CHAT)) {
                    hub.publish(TOPIC, m).values().forEach(ledger::track);
                } else {
                    ledger.track(session.send(m));
                }
            }
        }).port(Integer.parseInt(args[1])).options(ChatNode.FAST)
                .reliable(ChatNode.RELIABLE.withSendTimeout(Duration.ofSeconds(60)))
                .hub(hub).store(RedisSessionStore.builder(url).build()).start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close(); // ends every session: what is still unacknowledged fails, it does not stay pending
            try {
                ledger.awaitSettled(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            System.out.println(ledger.line());
            System.out.flush();
            redis.close();
        }, "shared-node-stop"));
        System.out.println("listening on port " + server.port());
        System.out.flush();
        server.awaitClosed();
    }
}
