package dev.lifeline.interop;

import static dev.lifeline.interop.Interop.await;

import dev.lifeline.Message;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.Consumer;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/**
 * Jetty 12's WebSocket API, the same endpoint on its server and its client. {@code onWebSocketClose} reports the
 * Close frame received when the peer closed first; when Jetty closed first it reports the answer, except after 1001,
 * which Jetty counts as abnormal: it drops TCP without waiting for the answer and reports its own status.
 */
public final class JettyPeer extends Peer implements Session.Listener.AutoDemanding {
    private final Consumer<JettyPeer> onOpen;
    private volatile Session session;

    /** @param onOpen told when the connection is open and the peer can send */
    JettyPeer(Consumer<JettyPeer> onOpen) {
        this.onOpen = onOpen;
    }

    @Override
    String library() {
        return "Jetty";
    }

    @Override
    public void onWebSocketOpen(Session session) {
        this.session = session;
        onOpen.accept(this);
    }

    @Override
    public void onWebSocketPong(ByteBuffer payload) {
        pongReceived(bytes(payload));
    }

    @Override
    public void onWebSocketClose(int code, String reason, Callback callback) {
        closeReceived(code, reason);
        connectionClosed();
        callback.succeed();
    }

    @Override
    public void onWebSocketText(String text) {
        received(Message.text(text));
    }

    @Override
    public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
        received(Message.binary(bytes(payload)));
        callback.succeed();
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        failed(cause);
    }

    private static byte[] bytes(ByteBuffer payload) {
        byte[] data = new byte[payload.remaining()];
        payload.get(data);
        return data;
    }

    @Override
    void sendText(String text) {
        await(Callback.Completable.with(done -> session.sendText(text, done)));
    }

    @Override
    void sendBinary(byte[] data) {
        await(Callback.Completable.with(done -> session.sendBinary(ByteBuffer.wrap(data), done)));
    }

    @Override
    void sendTextFragments(List<String> fragments) {
        for (int i = 0; i < fragments.size(); i++) {
            boolean last = i == fragments.size() - 1;
            String fragment = fragments.get(i);
            await(Callback.Completable.with(done -> session.sendPartialText(fragment, last, done)));
        }
    }

    @Override
    void sendBinaryFragments(List<byte[]> fragments) {
        for (int i = 0; i < fragments.size(); i++) {
            boolean last = i == fragments.size() - 1;
            ByteBuffer fragment = ByteBuffer.wrap(fragments.get(i));
            await(Callback.Completable.with(done -> session.sendPartialBinary(fragment, last, done)));
        }
    }

    @Override
    void ping(byte[] payload) {
        await(Callback.Completable.with(done -> session.sendPing(ByteBuffer.wrap(payload), done)));
    }

    @Override
    void close(int code, String reason) {
        session.close(code, reason, Callback.NOOP);
    }

    @Override
    void abort() {
        session.disconnect();
    }
}
