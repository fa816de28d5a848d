package dev.lifeline;

import static dev.lifeline.Peers.PATIENCE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.testing.Await;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A connection without TLS, server or client, reads through a non-blocking socket: while its peer is quiet it holds
 * no thread, and its reader starts again when bytes arrive. Each listener call records the thread it ran on: the
 * reader.
 */
class IdleReaderTest {
    private static final WebSocketOptions OPTIONS = WebSocketOptions.DEFAULT.withoutKeepalive()
            .withMaxMessageSize(8 << 20);

    @Test
    void quietConnectionsHoldNoReaderThreadAndWakeForEachMessage() throws Exception {
        Readers server = new Readers();
        Readers client = new Readers();
        try (WebSocketServer echo = WebSocketServer.builder(server.echoing()).options(OPTIONS).start();
                WebSocket ws = WebSocketClient.builder().options(OPTIONS).pollIdle(true).build().open(Peers.uri(echo),
                        client.collecting())) {
            for (String text : new String[] {"one", "two", "three"}) {
                ws.send(text);
                assertThat(client.messages.poll(PATIENCE.toMillis(), TimeUnit.MILLISECONDS))
                        .isEqualTo(new Message.Text(text));
                Thread reader = server.next();
                assertThat(reader.join(PATIENCE)).as("the server's reader ended after the message").isTrue();
            }
            Thread clientReader = client.next();
            assertThat(clientReader.join(PATIENCE)).as("the client's reader ended after the message too").isTrue();
        }
    }

    @Test
    void largeMessagesBothWaysCrossManyRunsOfTheReaderAndWaitsForRoomToWrite() throws Exception {
        byte[] big = new byte[6 << 20];
        new Random(7).nextBytes(big);
        Readers server = new Readers();
        try (WebSocketServer echo = WebSocketServer.builder(server.echoing()).options(OPTIONS).start();
                WebSocket client = WebSocketClient.builder().options(OPTIONS).pollIdle(true).build().open(Peers.uri(echo))) {
            for (int i = 0; i < 3; i++) {
                client.send(big);
                Await.timeToPass(Duration.ofMillis(200),
                        "the client reads late: the echo fills TCP's buffers and the server waits for room");
                assertThat(client.receive(PATIENCE)).contains(new Message.Binary(big));
                assertThat(server.next().join(PATIENCE)).as("the server's reader ended after the echo").isTrue();
            }
        }
    }

    /** Listeners that record, for each message, the thread that delivered it. */
    private static final class Readers {
        final BlockingQueue<Thread> threads = new LinkedBlockingQueue<>();
        final BlockingQueue<Message> messages = new LinkedBlockingQueue<>();

        MessageListener echoing() {
            return (ws, message) -> {
                threads.add(Thread.currentThread());
                ws.send(message);
            };
        }

        WebSocketListener collecting() {
            return (ws, message) -> {
                threads.add(Thread.currentThread());
                messages.add(message);
            };
        }

        Thread next() throws InterruptedException {
            Thread thread = threads.poll(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(thread).as("a message delivered within " + PATIENCE).isNotNull();
            return thread;
        }
    }
}
