package dev.lifeline.bench.client;

import dev.lifeline.Message;
import dev.lifeline.WebSocket;
import dev.lifeline.WebSocketClient;
import dev.lifeline.WebSocketOptions;
import dev.lifeline.protocol.ConnectionClosedException;
import java.net.URI;
import java.nio.ByteBuffer;

/** Lifeline's client as a user writes it: a virtual thread per connection loops on {@code receive()}. */
final class LifelineClient implements ClientLibrary {
    private final WebSocketClient client = WebSocketClient.builder()
            .options(WebSocketOptions.DEFAULT.withoutKeepalive().withMaxMessageSize(MAX_MESSAGE).withBatchedReplies(true)).build();

    @Override
    public Link connect(URI uri, Receiver receiver) throws Exception {
        WebSocket ws = client.open(uri);
        Thread.ofVirtual().name("bench-receive-" + ws.id()).start(() -> {
            try {
                while (true) {
                    switch (ws.receive()) {
                        case Message.Text t -> receiver.text(t.text());
                        case Message.Binary b -> receiver.binary(ByteBuffer.wrap(b.data()), true);
                    }
                }
            } catch (ConnectionClosedException e) {
                receiver.failed(e);
            }
        });
        return new Link() {
            @Override
            public void sendText(String text) {
                ws.send(text);
            }

            @Override
            public void sendBinary(ByteBuffer data) {
                ws.send(data);
            }

            @Override
            public void abort() {
                ws.abort();
            }
        };
    }

    @Override
    public void close() {
        // nothing shared: each connection owns its threads
    }
}
