package dev.lifeline;

import static dev.lifeline.Peers.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.protocol.CloseCode;
import dev.lifeline.protocol.CloseStatus;
import dev.lifeline.testing.Await;
import dev.lifeline.testing.LogCapture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The server's handler runs once per connection on a virtual thread of its own: when it returns, the connection
 * closes with 1000; when it throws, with 1011 (RFC 6455 §7.4.1, "unexpected condition"), and a warning names the
 * connection and carries the exception. A handler ended by its own connection closing is no failure.
 */
@Timeout(20)
class HandlerTest {

    @Test
    void handlerReturningClosesWith1000() throws Exception {
        CompletableFuture<Thread> handlerThread = new CompletableFuture<>();
        try (WebSocketServer server = WebSocketServer.builder(ws -> {
            handlerThread.complete(Thread.currentThread());
            ws.send("hello and goodbye");
        }).start(); WebSocket client = WebSocketClient.connect(Peers.uri(server))) {
            List<Message> got = new ArrayList<>();
            client.forEach(got::add);

            assertThat(got).containsExactly(Message.text("hello and goodbye"));
            assertThat(await(client.closed())).isEqualTo(new CloseStatus(CloseCode.NORMAL_CLOSURE, ""));
            assertThat(await(handlerThread).isVirtual()).isTrue();
        }
    }

    @Test
    void handlerThrowingClosesWith1011AndLogsAWarningNamingTheConnection() throws Exception {
        IllegalStateException boom = new IllegalStateException("boom");
        CompletableFuture<String> serverId = new CompletableFuture<>();
        try (LogCapture log = new LogCapture(); WebSocketServer server = WebSocketServer.builder(ws -> {
            serverId.complete(ws.id());
            throw boom;
        }).start(); WebSocket client = WebSocketClient.connect(Peers.uri(server))) {
            assertThat(await(client.closed())).isEqualTo(new CloseStatus(CloseCode.INTERNAL_ERROR, ""));

            assertThat(log.records()).filteredOn(r -> r.getLevel() == Level.WARNING).singleElement()
                    .satisfies(r -> {
                        assertThat(r.getMessage()).startsWith("[" + await(serverId) + "] handler failed");
                        assertThat(r.getThrown()).isSameAs(boom);
                    });
        }
    }

    @Test
    void handlerEndedByItsConnectionClosingIsNoFailure() throws Exception {
        CompletableFuture<Void> handlerDone = new CompletableFuture<>();
        try (LogCapture log = new LogCapture(); WebSocketServer server = WebSocketServer.builder(ws -> {
            try {
                ws.forEach(ws::send);
            } finally {
                handlerDone.complete(null);
            }
        }).start()) {
            WebSocket client = WebSocketClient.connect(Peers.uri(server));
            client.abort(); // the server's iteration throws: abnormal closure

            await(handlerDone);
            Await.timeToPass(Duration.ofMillis(100), "a warning logged after the handler ended would show up");
            assertThat(log.records()).extracting(LogRecord::getLevel).doesNotContain(Level.WARNING, Level.SEVERE);
        }
    }
}
