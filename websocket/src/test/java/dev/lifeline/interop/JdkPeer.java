package dev.lifeline.interop;

import static dev.lifeline.interop.Interop.await;

import dev.lifeline.Message;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The JDK's {@code java.net.http.WebSocket} client. It delivers messages in parts, which this listener joins, and
 * allows one outstanding send at a time, so every send is awaited.
 */
final class JdkPeer extends Peer implements WebSocket.Listener {
    private final StringBuilder text = new StringBuilder();
    private final ByteArrayOutputStream binary = new ByteArrayOutputStream();
    private final WebSocket ws;

    private JdkPeer(HttpClient client, URI uri) {
        this.ws = await(client.newWebSocketBuilder().connectTimeout(Interop.WAIT).buildAsync(uri, this));
    }

    static JdkPeer connect(HttpClient client, URI uri) {
        return new JdkPeer(client, uri);
    }

    @Override
    String library() {
        return "java.net.http";
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        text.append(data);
        if (last) {
            received(Message.text(text.toString()));
            text.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        byte[] part = new byte[data.remaining()];
        data.get(part);
        binary.writeBytes(part);
        if (last) {
            received(Message.binary(binary.toByteArray()));
            binary.reset();
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
        byte[] payload = new byte[message.remaining()];
        message.get(payload);
        pongReceived(payload);
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closeReceived(statusCode, reason);
        connectionClosed();
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        failed(error);
    }

    @Override
    void sendText(String message) {
        await(ws.sendText(message, true));
    }

    @Override
    void sendBinary(byte[] data) {
        await(ws.sendBinary(ByteBuffer.wrap(data), true));
    }

    @Override
    void sendTextFragments(List<String> fragments) {
        for (int i = 0; i < fragments.size(); i++) {
            await(ws.sendText(fragments.get(i), i == fragments.size() - 1));
        }
    }

    @Override
    void sendBinaryFragments(List<byte[]> fragments) {
        for (int i = 0; i < fragments.size(); i++) {
            await(ws.sendBinary(ByteBuffer.wrap(fragments.get(i)), i == fragments.size() - 1));
        }
    }

    @Override
    void ping(byte[] payload) {
        await(ws.sendPing(ByteBuffer.wrap(payload)));
    }

    @Override
    void close(int code, String reason) {
        await(ws.sendClose(code, reason));
    }

    @Override
    void abort() {
        ws.abort();
    }
}
