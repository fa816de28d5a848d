package dev.lifeline.deflate;

import static dev.lifeline.deflate.Scenario.MIB;
import static dev.lifeline.deflate.Scenario.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.Message;
import dev.lifeline.WebSocketServer;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.ExtensionConfig;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * permessage-deflate with Jetty 12, which negotiates it by default on its server and when asked on its client:
 * our client against Jetty's echo server, Jetty's client against ours. On the class path (tag {@code classpath}):
 * Jetty reaches endpoint methods only in unconditionally exported packages.
 */
@Tag("classpath")
@Timeout(60)
class JettyDeflateTest {

    /** Echoes every message back. */
    public static final class Echo implements Session.Listener.AutoDemanding {
        private Session session;

        @Override
        public void onWebSocketOpen(Session session) {
            this.session = session;
        }

        @Override
        public void onWebSocketText(String text) {
            session.sendText(text, Callback.NOOP);
        }

        @Override
        public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
            session.sendBinary(payload, callback);
        }
    }

    /** Hands what it receives to an inbox. */
    public static final class Receiver implements Session.Listener.AutoDemanding {
        final Scenario.Inbox inbox = new Scenario.Inbox();

        @Override
        public void onWebSocketText(String text) {
            inbox.text(text);
        }

        @Override
        public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
            inbox.binary(payload);
            callback.succeed();
        }

        @Override
        public void onWebSocketError(Throwable cause) {
            inbox.failed(cause);
        }
    }

    @Test
    void ourClientExchangesCompressedMessagesWithJettysServer() throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(WebSocketUpgradeHandler.from(server, container -> {
            container.setMaxTextMessageSize(2 * MIB);
            container.setMaxBinaryMessageSize(2 * MIB);
            container.addMapping("/", (request, response, callback) -> new Echo());
        }));
        server.start();
        try {
            Scenario.ourClientAgainst(Scenario.uri(connector.getLocalPort()));
        } finally {
            server.stop();
        }
    }

    @Test
    void jettysClientExchangesCompressedMessagesWithOurServer() throws Exception {
        WebSocketClient client = new WebSocketClient();
        client.setMaxTextMessageSize(2 * MIB);
        client.setMaxBinaryMessageSize(2 * MIB);
        client.start();
        try (WebSocketServer server = Scenario.echoServer(Scenario.COMPRESSING)) {
            Receiver receiver = new Receiver();
            ClientUpgradeRequest request = new ClientUpgradeRequest(Scenario.uri(server.port()));
            request.addExtensions("permessage-deflate");
            Session session = client.connect(receiver, request).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(session.getUpgradeResponse().getExtensions()).map(ExtensionConfig::getName)
                    .containsExactly("permessage-deflate");
            Scenario.assertCompressionNegotiated(server);
            Scenario.echoThrough(new Scenario.Peer() {
                @Override
                public void send(Message message) throws Exception {
                    CompletableFuture<Void> sent = new CompletableFuture<>();
                    Callback callback = Callback.from(() -> sent.complete(null), sent::completeExceptionally);
                    switch (message) {
                        case Message.Text t -> session.sendText(t.text(), callback);
                        case Message.Binary b -> session.sendBinary(ByteBuffer.wrap(b.data()), callback);
                    }
                    sent.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                }

                @Override
                public Message receive() throws InterruptedException {
                    return receiver.inbox.take();
                }
            });
            session.close();
        } finally {
            client.stop();
        }
    }
}
