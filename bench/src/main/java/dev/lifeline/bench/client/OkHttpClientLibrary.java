package dev.lifeline.bench.client;

import java.net.URI;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import okio.ByteString;

/** OkHttp's WebSocket: a reader thread per connection, sends queued by OkHttp's writer. */
final class OkHttpClientLibrary implements ClientLibrary {
    private final OkHttpClient client = new OkHttpClient.Builder().build();

    @Override
    public Link connect(URI uri, Receiver receiver) throws Exception {
        CompletableFuture<WebSocket> opened = new CompletableFuture<>();
        WebSocket ws = client.newWebSocket(new Request.Builder().url(uri.toString()).build(), new WebSocketListener() {
            @Override
            public void onOpen(WebSocket webSocket, Response response) {
                opened.complete(webSocket);
            }

            @Override
            public void onMessage(WebSocket webSocket, String text) {
                receiver.text(text);
            }

            @Override
            public void onMessage(WebSocket webSocket, ByteString bytes) {
                receiver.binary(bytes.asByteBuffer(), true);
            }

            @Override
            public void onFailure(WebSocket webSocket, Throwable t, Response response) {
                opened.completeExceptionally(t);
                receiver.failed(t);
            }
        });
        opened.get(10, TimeUnit.SECONDS);
        return new Link() {
            @Override
            public void sendText(String text) {
                queued(ws.send(text));
            }

            @Override
            public void sendBinary(ByteBuffer data) {
                queued(ws.send(ByteString.of(data)));
            }

            private void queued(boolean ok) {
                if (!ok) {
                    receiver.failed(new IllegalStateException("OkHttp refused a send (closed or queue full)"));
                }
            }

            @Override
            public void abort() {
                ws.cancel();
            }
        };
    }

    @Override
    public void close() {
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
    }
}
