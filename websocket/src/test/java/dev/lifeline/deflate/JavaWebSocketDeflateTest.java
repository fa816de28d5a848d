package dev.lifeline.deflate;

import static dev.lifeline.deflate.Scenario.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.Message;
import dev.lifeline.WebSocketServer;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.java_websocket.WebSocket;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.extensions.permessage_deflate.PerMessageDeflateExtension;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.handshake.ServerHandshake;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * permessage-deflate with Java-WebSocket 1.6's {@code PerMessageDeflateExtension} as it comes: our client against
 * its echo server, its client against ours. Whatever its settings, it offers and answers {@code
 * server_no_context_takeover} (and its client {@code client_no_context_takeover}); its own context takeover must
 * therefore stay off (its default), or it refers to earlier messages after agreeing not to, which a peer that resets
 * its window as agreed (this one, when pooling) rejects with 1007.
 */
@Timeout(120)
class JavaWebSocketDeflateTest {
    private static final int ROUND_TRIPS = 3_000;
    /** How long an echo may take before the test looks at where it is (then it waits up to {@code WAIT}). */
    private static final Duration LOOK = Duration.ofSeconds(1);

    private static Draft_6455 draft() {
        return new Draft_6455(new PerMessageDeflateExtension());
    }

    @Test
    void ourClientExchangesCompressedMessagesWithJavaWebSocketsServer() throws Exception {
        org.java_websocket.server.WebSocketServer server = echoServer();
        try {
            Scenario.ourClientAgainst(Scenario.uri(server.getPort()), Scenario.COMPRESSING,
                    ws -> new Nudging(ws, server));
        } finally {
            server.stop(1000);
        }
    }

    /**
     * The stall once seen when our client read through channels (cb5f06b): an echo of Java-WebSocket's server that
     * came only with the Pong of our next keepalive Ping, 20 s later. Its cause is in that server, whatever the
     * client reads with: its selector thread, done writing, sets the key's interest back to OP_READ when it found
     * its queue empty, and a worker that queued a frame in between and asked for OP_READ | OP_WRITE loses that
     * request; the frame then waits in the queue until the worker queues another. A faster client makes it likelier.
     * Many small round trips with keepalive off (nothing else would free the frame), through {@link Nudging}.
     */
    @Test
    void aLateEchoIsHeldByJavaWebSocketsServerAndAPingFreesIt() throws Exception {
        org.java_websocket.server.WebSocketServer server = echoServer();
        try (dev.lifeline.WebSocket ws = dev.lifeline.WebSocketClient.builder()
                .options(Scenario.COMPRESSING.withoutKeepalive()).build().open(Scenario.uri(server.getPort()))) {
            Nudging peer = new Nudging(ws, server);
            for (int i = 0; i < ROUND_TRIPS; i++) {
                Message message = Message.text("{\"seq\": " + i + ", \"symbol\": \"ACME\", \"bid\": 100.25}");
                peer.send(message);
                assertThat(peer.receive()).isEqualTo(message);
            }
            System.out.println("Java-WebSocket's server held " + peer.stalls + " of " + ROUND_TRIPS + " echoes");
        } finally {
            server.stop(1000);
        }
    }

    /**
     * Our connection as the scenario's peer, for Java-WebSocket's server: an echo late by {@link #LOOK} must be held
     * by the server as above (a frame queued, no interest in writing it; if it is not there, our client lost it),
     * and a Ping, whose Pong the server's worker queues, frees it.
     */
    private static final class Nudging implements Scenario.Peer {
        private final dev.lifeline.WebSocket ws;
        private final org.java_websocket.server.WebSocketServer server;
        int stalls;

        Nudging(dev.lifeline.WebSocket ws, org.java_websocket.server.WebSocketServer server) {
            this.ws = ws;
            this.server = server;
        }

        @Override
        public void send(Message message) {
            ws.send(message);
        }

        @Override
        public Message receive() {
            Optional<Message> message = ws.receive(LOOK);
            if (message.isEmpty()) {
                if (heldWithoutWriteInterest()) {
                    stalls++;
                    ws.ping();
                }
                message = ws.receive(WAIT);
            }
            return message.orElseThrow(() -> new AssertionError("no echo within " + WAIT
                    + (heldWithoutWriteInterest() ? "" : ", and the server holds none: our client lost it")));
        }

        /** Whether the server's one connection has a frame queued and no interest in writing it. */
        private boolean heldWithoutWriteInterest() {
            WebSocketImpl connection = (WebSocketImpl) server.getConnections().iterator().next();
            return !connection.outQueue.isEmpty()
                    && (connection.getSelectionKey().interestOps() & SelectionKey.OP_WRITE) == 0;
        }
    }

    private static org.java_websocket.server.WebSocketServer echoServer() throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        org.java_websocket.server.WebSocketServer server = new org.java_websocket.server.WebSocketServer(
                new InetSocketAddress("127.0.0.1", 0), List.of(draft())) {
            @Override
            public void onOpen(WebSocket conn, ClientHandshake handshake) {
            }

            @Override
            public void onClose(WebSocket conn, int code, String reason, boolean remote) {
            }

            @Override
            public void onMessage(WebSocket conn, String message) {
                conn.send(message);
            }

            @Override
            public void onMessage(WebSocket conn, ByteBuffer message) {
                conn.send(message);
            }

            @Override
            public void onError(WebSocket conn, Exception ex) {
            }

            @Override
            public void onStart() {
                started.countDown();
            }
        };
        server.setReuseAddr(true);
        server.start();
        assertThat(started.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        return server;
    }

    @Test
    void javaWebSocketsClientExchangesCompressedMessagesWithOurServer() throws Exception {
        try (WebSocketServer server = Scenario.echoServer(Scenario.COMPRESSING)) {
            Scenario.Inbox inbox = new Scenario.Inbox();
            WebSocketClient client = new WebSocketClient(Scenario.uri(server.port()), draft()) {
                @Override
                public void onOpen(ServerHandshake handshake) {
                }

                @Override
                public void onMessage(String message) {
                    inbox.text(message);
                }

                @Override
                public void onMessage(ByteBuffer bytes) {
                    inbox.binary(bytes);
                }

                @Override
                public void onClose(int code, String reason, boolean remote) {
                }

                @Override
                public void onError(Exception ex) {
                    inbox.failed(ex);
                }
            };
            assertThat(client.connectBlocking(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            Scenario.assertCompressionNegotiated(server);
            Scenario.echoThrough(new Scenario.Peer() {
                @Override
                public void send(Message message) {
                    switch (message) {
                        case Message.Text t -> client.send(t.text());
                        case Message.Binary b -> client.send(b.data());
                    }
                }

                @Override
                public Message receive() throws InterruptedException {
                    return inbox.take();
                }
            });
            client.closeBlocking();
        }
    }
}
