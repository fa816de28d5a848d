package dev.lifeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeline.protocol.CloseCode;
import dev.lifeline.protocol.CloseStatus;
import dev.lifeline.protocol.InvalidStateException;
import dev.lifeline.testing.Await;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The listener style ({@link WebSocketListener}): the reader thread delivers each message to the listener, in
 * order; open and close are reported once each, without anyone calling {@code receive()}; close from inside the
 * listener does not wait for itself; a throwing listener closes with 1011 and the server serves others.
 */
@Timeout(30)
class ListenerTest {
    private static final Duration PATIENCE = Peers.PATIENCE;

    private static WebSocket connect(WebSocketServer server) throws Exception {
        return WebSocketClient.connect(URI.create("ws://127.0.0.1:" + server.port() + "/"));
    }

    @Test
    void everyMessageIsDeliveredInOrderAndEveryReplyArrives() throws Exception {
        try (WebSocketServer server = WebSocketServer.builder((ws, message) -> ws.send(message)).start();
                WebSocket client = connect(server)) {
            int count = 2_000;
            for (int i = 0; i < count; i++) {
                client.send("m" + i);
            }
            for (int i = 0; i < count; i++) {
                assertThat(client.receive(PATIENCE)).as("reply %d", i).contains(Message.text("m" + i));
            }
        }
    }

    @Test
    void openComesFirstAndCloseOnceWithTheCloseFramesWhileNobodyReceives() throws Exception {
        List<String> heard = new CopyOnWriteArrayList<>();
        CompletableFuture<CloseStatus> closed = new CompletableFuture<>();
        WebSocketListener recorder = new WebSocketListener() {
            @Override
            public void onOpen(WebSocket ws) {
                heard.add("open " + ws.state());
            }

            @Override
            public void onMessage(WebSocket ws, Message message) {
                heard.add("message " + ((Message.Text) message).text());
            }

            @Override
            public void onClose(WebSocket ws, CloseStatus status) {
                heard.add("close " + ws.state());
                closed.complete(status);
            }
        };
        try (WebSocketServer server = WebSocketServer.builder(recorder).start()) {
            WebSocket client = connect(server);
            client.send("hello");
            client.close(CloseCode.NORMAL_CLOSURE, "bye");

            assertThat(closed.get(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isEqualTo(
                    new CloseStatus(CloseCode.NORMAL_CLOSURE, "bye"));
            Await.timeToPass(Duration.ofMillis(100), "a second onClose, if any, would show up meanwhile");
            assertThat(heard).containsExactly("open OPEN", "message hello", "close CLOSED");
        }
    }

    /**
     * One listener for every connection keeps each one's state attached to it: two clients' counts stay apart, and
     * onClose (on another thread than the reader's) sees the count of its own connection.
     */
    @Test
    void aSharedListenerKeepsEachConnectionsStateAttachedToIt() throws Exception {
        BlockingQueue<String> closings = new LinkedBlockingQueue<>();
        WebSocketListener counter = new WebSocketListener() {
            @Override
            public void onOpen(WebSocket ws) {
                assertThat(ws.<int[]>attachment()).isNull();
                ws.attach(new int[1]);
            }

            @Override
            public void onMessage(WebSocket ws, Message message) {
                int[] count = ws.attachment();
                count[0]++;
                ws.send(((Message.Text) message).text() + " " + count[0]);
            }

            @Override
            public void onClose(WebSocket ws, CloseStatus status) {
                closings.add(status.reason() + " after " + ws.<int[]>attachment()[0]);
            }
        };
        try (WebSocketServer server = WebSocketServer.builder(counter).start();
                WebSocket first = connect(server);
                WebSocket second = connect(server)) {
            first.send("a");
            second.send("b");
            first.send("a");
            assertThat(first.receive(PATIENCE)).contains(Message.text("a 1"));
            assertThat(second.receive(PATIENCE)).contains(Message.text("b 1"));
            assertThat(first.receive(PATIENCE)).contains(Message.text("a 2"));
            assertThat(first.<Object>attachment()).as("the client's own, untouched").isNull();

            first.close(CloseCode.NORMAL_CLOSURE, "first");
            assertThat(closings.poll(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isEqualTo("first after 2");
            second.close(CloseCode.NORMAL_CLOSURE, "second");
            assertThat(closings.poll(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isEqualTo("second after 1");
        }
    }

    @Test
    void closingFromInsideTheListenerCompletesTheHandshakeWithoutWaitingForItself() throws Exception {
        WebSocketOptions slowClose = WebSocketOptions.DEFAULT.withCloseTimeout(Duration.ofSeconds(20));
        try (WebSocketServer server = WebSocketServer.builder((ws, message) -> ws.close(CloseCode.NORMAL_CLOSURE,
                "as asked")).options(slowClose).start(); WebSocket client = connect(server)) {
            client.send("close, please");

            // PATIENCE (5 s) is a quarter of the close timeout: done within it, it did not wait for itself
            CloseStatus status = client.closed().get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            assertThat(status).isEqualTo(new CloseStatus(CloseCode.NORMAL_CLOSURE, "as asked"));
            Await.until("the server's side closed too", PATIENCE, () -> server.connections().isEmpty());
        }
    }

    @Test
    void aListenerThatThrowsClosesItsConnectionWith1011AndTheServerServesOthers() throws Exception {
        try (WebSocketServer server = WebSocketServer.builder((ws, message) -> {
            if (message.equals(Message.text("boom"))) {
                throw new IllegalStateException("listener failed on purpose");
            }
            ws.send(message);
        }).start(); WebSocket failing = connect(server); WebSocket other = connect(server)) {
            failing.send("boom");

            assertThat(failing.closed().get(PATIENCE.toSeconds(), TimeUnit.SECONDS).code())
                    .isEqualTo(CloseCode.INTERNAL_ERROR);
            other.send("still here");
            assertThat(other.receive(PATIENCE)).contains(Message.text("still here"));
        }
    }

    @Test
    void receiveOnAListenersConnectionIsAMistake() throws Exception {
        BlockingQueue<WebSocket> opened = new LinkedBlockingQueue<>();
        WebSocketListener listener = new WebSocketListener() {
            @Override
            public void onOpen(WebSocket ws) {
                opened.add(ws);
            }

            @Override
            public void onMessage(WebSocket ws, Message message) {
            }
        };
        try (WebSocketServer server = WebSocketServer.builder(listener).start(); WebSocket client = connect(server)) {
            WebSocket onServer = opened.poll(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            assertThat(onServer).isNotNull();
            assertThatThrownBy(onServer::receive).isInstanceOf(InvalidStateException.class)
                    .hasMessageContaining("listener");
            assertThat(client.state()).isEqualTo(dev.lifeline.protocol.State.OPEN);
        }
    }

    /** While the listener blocks, nothing is read: the peer is held back by TCP, and keepalive allows for it. */
    @Test
    void aListenerThatBlocksHoldsThePeerBackWithoutFailingKeepalive() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<Message> received = new CopyOnWriteArrayList<>();
        WebSocketOptions pinging = WebSocketOptions.DEFAULT.withKeepalive(Duration.ofMillis(100),
                Duration.ofMillis(200));
        try (WebSocketServer server = WebSocketServer.builder((ws, message) -> {
            release.await();
            received.add(message);
        }).options(pinging).start(); WebSocket client = connect(server)) {
            client.send("first");
            Await.timeToPass(Duration.ofSeconds(1), "several keepalive rounds while the listener is blocked");
            assertThat(server.connections()).singleElement()
                    .satisfies(ws -> assertThat(ws.state()).isEqualTo(dev.lifeline.protocol.State.OPEN));

            release.countDown();
            client.send("second");
            Await.until("two messages received", PATIENCE, () -> received.size() >= 2);
            assertThat(received).containsExactly(Message.text("first"), Message.text("second"));
        }
    }

    @Test
    void gracefulShutdownClosesListenerConnectionsWith1001() throws Exception {
        CompletableFuture<CloseStatus> onServer = new CompletableFuture<>();
        WebSocketListener listener = new WebSocketListener() {
            @Override
            public void onMessage(WebSocket ws, Message message) {
            }

            @Override
            public void onClose(WebSocket ws, CloseStatus status) {
                onServer.complete(status);
            }
        };
        WebSocketServer server = WebSocketServer.builder(listener).start();
        try (WebSocket client = connect(server)) {
            server.close(Duration.ofSeconds(5));

            assertThat(client.closed().get(PATIENCE.toSeconds(), TimeUnit.SECONDS).code())
                    .isEqualTo(CloseCode.GOING_AWAY);
            assertThat(onServer.get(PATIENCE.toSeconds(), TimeUnit.SECONDS).code()).isEqualTo(CloseCode.GOING_AWAY);
        }
    }

    @Test
    void aClientCanListenToo() throws Exception {
        BlockingQueue<Message> heard = new LinkedBlockingQueue<>();
        try (WebSocketServer server = WebSocketServer.builder(ws -> {
            for (Message m : ws) {
                ws.send(m);
            }
        }).start(); WebSocket client = WebSocketClient.builder().build().open(
                URI.create("ws://127.0.0.1:" + server.port() + "/"), (ws, message) -> heard.add(message))) {
            for (int i = 0; i < 100; i++) {
                client.send("m" + i);
            }
            for (int i = 0; i < 100; i++) {
                assertThat(heard.poll(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isEqualTo(Message.text("m" + i));
            }
            assertThatThrownBy(() -> client.receive(Duration.ZERO)).isInstanceOf(InvalidStateException.class);
        }
    }
}
