package dev.lifeline.interop;

import static dev.lifeline.interop.Interop.await;

import dev.lifeline.Message;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import okio.ByteString;

/**
 * OkHttp's WebSocket client. Its API sends whole messages only and no Pings of the application's own (it pings on
 * its own with {@code pingInterval}); sends are queued and written by OkHttp's writer thread.
 */
final class OkHttpPeer extends Peer {
    private final CompletableFuture<Void> opened = new CompletableFuture<>();
    private final WebSocket ws;

    private OkHttpPeer(OkHttpClient client, URI uri) {
        this.ws = client.newWebSocket(new Request.Builder().url(uri.toString()).build(), new Listener());
        await(opened);
    }

    static OkHttpPeer connect(OkHttpClient client, URI uri) {
        return new OkHttpPeer(client, uri);
    }

    WebSocket webSocket() {
        return ws;
    }

    @Override
    String library() {
        return "OkHttp";
    }

    @Override
    void sendText(String text) {
        check(ws.send(text));
    }

    @Override
    void sendBinary(byte[] data) {
        check(ws.send(ByteString.of(data)));
    }

    @Override
    void sendTextFragments(List<String> fragments) {
        throw new UnsupportedOperationException("OkHttp's WebSocket API sends whole messages only");
    }

    @Override
    void sendBinaryFragments(List<byte[]> fragments) {
        throw new UnsupportedOperationException("OkHttp's WebSocket API sends whole messages only");
    }

    @Override
    void ping(byte[] payload) {
        throw new UnsupportedOperationException("OkHttp's WebSocket API sends no application Pings");
    }

    @Override
    void close(int code, String reason) {
        check(ws.close(code, reason));
    }

    @Override
    void abort() {
        ws.cancel();
    }

    private void check(boolean queued) {
        if (!queued) {
            throw new IllegalStateException("OkHttp refused to queue the frame: the WebSocket is closing or failed"
                    + (errors().isEmpty() ? "" : "; errors: " + errors()));
        }
    }

    private final class Listener extends WebSocketListener {
        @Override
        public void onOpen(WebSocket webSocket, Response response) {
            opened.complete(null);
        }

        @Override
        public void onMessage(WebSocket webSocket, String text) {
            received(Message.text(text));
        }

        @Override
        public void onMessage(WebSocket webSocket, ByteString bytes) {
            received(Message.binary(bytes.toByteArray()));
        }

        /** OkHttp leaves the answer to the application: answer with the code received, as RFC 6455 §5.5.1 suggests. */
        @Override
        public void onClosing(WebSocket webSocket, int code, String reason) {
            closeReceived(code, reason);
            webSocket.close(code, null);
        }

        @Override
        public void onClosed(WebSocket webSocket, int code, String reason) {
            connectionClosed();
        }

        @Override
        public void onFailure(WebSocket webSocket, Throwable t, Response response) {
            failed(t);
            opened.completeExceptionally(t);
        }
    }
}
