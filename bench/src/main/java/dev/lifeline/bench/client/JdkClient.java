package dev.lifeline.bench.client;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * The JDK's {@code java.net.http.WebSocket}. It allows one send in progress at a time, so sends are chained on the
 * previous send's future; the listener requests every message up front (the scenarios bound what is in flight).
 */
final class JdkClient implements ClientLibrary {
    private final HttpClient http = HttpClient.newHttpClient();

    @Override
    public Link connect(URI uri, Receiver receiver) throws Exception {
        WebSocket ws = http.newWebSocketBuilder().buildAsync(uri, new WebSocket.Listener() {
            private final StringBuilder parts = new StringBuilder();

            @Override
            public void onOpen(WebSocket webSocket) {
                webSocket.request(Long.MAX_VALUE);
            }

            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                if (last && parts.isEmpty()) {
                    receiver.text(data);
                } else {
                    parts.append(data);
                    if (last) {
                        receiver.text(parts);
                        parts.setLength(0);
                    }
                }
                return null;
            }

            @Override
            public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
                receiver.binary(data, last);
                return null;
            }

            @Override
            public void onError(WebSocket webSocket, Throwable error) {
                receiver.failed(error);
            }
        }).get(10, TimeUnit.SECONDS);
        return new Link() {
            private CompletableFuture<?> tail = CompletableFuture.completedFuture(null);

            @Override
            public void sendText(String text) {
                tail = tail.thenCompose(x -> ws.sendText(text, true)).whenComplete(this::check);
            }

            @Override
            public void sendBinary(ByteBuffer data) {
                tail = tail.thenCompose(x -> ws.sendBinary(data, true)).whenComplete(this::check);
            }

            private void check(Object ignored, Throwable failure) {
                if (failure != null) {
                    receiver.failed(failure);
                }
            }

            @Override
            public void abort() {
                ws.abort();
            }
        };
    }

    @Override
    public void close() {
        http.close();
    }
}
