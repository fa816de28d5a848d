package dev.lifeline.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.Message;
import dev.lifeline.WebSocket;
import dev.lifeline.WebSocketClient;
import dev.lifeline.WebSocketServer;
import dev.lifeline.testing.Await;
import java.lang.reflect.Field;
import java.net.URI;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The write watchdog looks only at connections with a write under way or deferred, so that thousands of idle
 * connections cost the timer thread nothing. (That it still drops a blocked write and writes a deferred batch is
 * shown by {@code PeerThatNeverReadsTest} and {@code BatchedRepliesTest}.)
 */
@Timeout(30)
class WatchdogTest {
    @Test
    void connectionsStopBeingWatchedOnceTheirWritesAreDone() throws Exception {
        try (WebSocketServer server = WebSocketServer.builder(ws -> {
            for (Message m : ws) {
                ws.send(m);
            }
        }).port(0).start();
                WebSocket client = WebSocketClient.connect(URI.create("ws://127.0.0.1:" + server.port() + "/"))) {
            for (int i = 0; i < 100; i++) {
                client.send("m" + i);
            }
            for (int i = 0; i < 100; i++) {
                assertThat(client.receive(Duration.ofSeconds(5))).contains(Message.text("m" + i));
            }
            Connection connection = (Connection) client;
            WebSocket accepted = server.connections().iterator().next();
            Await.holds(Duration.ofSeconds(5), () -> !watched(connection) && !watched((Connection) accepted));
            assertThat(watched(connection)).as("client watched while idle").isFalse();
            assertThat(watched((Connection) accepted)).as("server side watched while idle").isFalse();
        }
    }

    /**
     * Whether the shared timers' write watchdog watches {@code connection}'s write side: their private set and the
     * connection's private {@link Outgoing}, read as they are (no accessor in main).
     */
    private static boolean watched(Connection connection) {
        try {
            Field outgoing = Connection.class.getDeclaredField("outgoing");
            outgoing.setAccessible(true);
            Field watched = Timers.class.getDeclaredField("watched");
            watched.setAccessible(true);
            return ((Set<?>) watched.get(Timers.shared())).contains(outgoing.get(connection));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Timers.watched or Connection.outgoing is gone: update this test", e);
        }
    }
}
