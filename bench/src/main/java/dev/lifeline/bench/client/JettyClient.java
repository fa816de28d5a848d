package dev.lifeline.bench.client;

import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/** Jetty 12's WebSocket client with its own API: an auto-demanding listener and asynchronous sends. */
final class JettyClient implements ClientLibrary {
    private final WebSocketClient client = new WebSocketClient();

    JettyClient() throws Exception {
        client.setMaxTextMessageSize(MAX_MESSAGE);
        client.setMaxBinaryMessageSize(MAX_MESSAGE);
        client.setIdleTimeout(Duration.ofMinutes(10));
        client.start();
    }

    @Override
    public Link connect(URI uri, Receiver receiver) throws Exception {
        Session session = client.connect(new Endpoint(receiver), uri).get(10, TimeUnit.SECONDS);
        Callback failures = Callback.from(() -> { }, receiver::failed);
        return new Link() {
            @Override
            public void sendText(String text) {
                session.sendText(text, failures);
            }

            @Override
            public void sendBinary(ByteBuffer data) {
                session.sendBinary(data, failures);
            }

            @Override
            public void abort() {
                session.disconnect();
            }
        };
    }

    @Override
    public void close() throws Exception {
        client.stop();
    }

    /** One per connection; public because Jetty calls it through method handles. */
    public static final class Endpoint implements Session.Listener.AutoDemanding {
        private final Receiver receiver;

        Endpoint(Receiver receiver) {
            this.receiver = receiver;
        }

        @Override
        public void onWebSocketText(String text) {
            receiver.text(text);
        }

        @Override
        public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
            receiver.binary(payload, true);
            callback.succeed();
        }

        @Override
        public void onWebSocketError(Throwable cause) {
            receiver.failed(cause);
        }
    }
}
