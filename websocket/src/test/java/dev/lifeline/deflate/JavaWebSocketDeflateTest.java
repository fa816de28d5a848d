package dev.lifeline.deflate;

import static dev.lifeline.deflate.Scenario.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.Message;
import dev.lifeline.WebSocketServer;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.java_websocket.WebSocket;
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
@Timeout(60)
class JavaWebSocketDeflateTest {

    private static Draft_6455 draft() {
        return new Draft_6455(new PerMessageDeflateExtension());
    }

    @Test
    void ourClientExchangesCompressedMessagesWithJavaWebSocketsServer() throws Exception {
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
        try {
            assertThat(started.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            Scenario.ourClientAgainst(Scenario.uri(server.getPort()));
        } finally {
            server.stop(1000);
        }
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
