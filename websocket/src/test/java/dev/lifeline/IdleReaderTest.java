package dev.lifeline;

import static dev.lifeline.Peers.PATIENCE;
import static dev.lifeline.Peers.millisSince;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.testing.Census;
import java.io.IOException;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A server connection without TLS reads through a non-blocking socket: while its peer is quiet it holds no thread,
 * and its reader starts again when bytes arrive. A client (blocking reads) keeps its reader.
 */
class IdleReaderTest {
    private static final WebSocketOptions OPTIONS = WebSocketOptions.DEFAULT.withoutKeepalive()
            .withMaxMessageSize(8 << 20);

    @Test
    void aQuietServerConnectionHoldsNoReaderThreadAndWakesForEachMessage() throws Exception {
        CompletableFuture<String> serverSide = new CompletableFuture<>();
        WebSocketListener echo = new WebSocketListener() {
            @Override
            public void onOpen(WebSocket ws) {
                serverSide.complete(ws.id());
            }

            @Override
            public void onMessage(WebSocket ws, Message message) {
                ws.send(message);
            }
        };
        try (WebSocketServer server = WebSocketServer.builder(echo).options(OPTIONS).start();
                WebSocket client = WebSocketClient.builder().options(OPTIONS).build().open(Peers.uri(server))) {
            String reader = "lifeline-reader-" + Peers.await(serverSide);
            for (String text : new String[] {"one", "two", "three"}) {
                client.send(text);
                assertThat(client.receive(PATIENCE)).contains(new Message.Text(text));
                awaitThreads(reader, 0);
            }
            assertThat(threads("lifeline-reader-" + client.id())).as("the client's reader blocks in its read")
                    .isEqualTo(1);
        }
    }

    @Test
    void largeMessagesBothWaysCrossManyRunsOfTheReaderAndWaitsForRoomToWrite() throws Exception {
        byte[] big = new byte[6 << 20];
        new Random(7).nextBytes(big);
        try (WebSocketServer server = WebSocketServer.builder((ws, message) -> ws.send(message)).options(OPTIONS)
                .start();
                WebSocket client = WebSocketClient.builder().options(OPTIONS).build().open(Peers.uri(server))) {
            for (int i = 0; i < 3; i++) {
                client.send(big);
                Thread.sleep(200); // the echo fills TCP's buffers before the client reads: the server waits for room
                assertThat(client.receive(PATIENCE)).contains(new Message.Binary(big));
            }
        }
    }

    /** Waits (at most {@link Peers#PATIENCE}, with few thread dumps) until {@code count} threads are so named. */
    private static void awaitThreads(String name, long count) throws IOException, InterruptedException {
        long start = System.nanoTime();
        while (threads(name) != count && millisSince(start) < PATIENCE.toMillis()) {
            Thread.sleep(Duration.ofMillis(100));
        }
        assertThat(threads(name)).as("threads named " + name).isEqualTo(count);
    }

    private static long threads(String name) throws IOException {
        return Census.lifelineThreads().stream().filter(name::equals).count();
    }
}
