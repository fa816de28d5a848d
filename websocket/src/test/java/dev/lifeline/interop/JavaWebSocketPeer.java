package dev.lifeline.interop;

import dev.lifeline.Message;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.java_websocket.WebSocket;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.enums.Opcode;
import org.java_websocket.framing.Framedata;
import org.java_websocket.framing.PingFrame;
import org.java_websocket.handshake.ServerHandshake;

/**
 * The Java-WebSocket (org.java-websocket) client. It reports a Close frame received only when the peer closed first
 * ({@code remote} true); when it closed first, its callbacks carry its own code and reason, not the answer.
 */
final class JavaWebSocketPeer extends Peer {
    private final Client client;

    private JavaWebSocketPeer(URI uri) throws InterruptedException {
        client = new Client(uri);
        client.setConnectionLostTimeout(0); // no pings of its own: the scenarios count pongs
        if (!client.connectBlocking(Interop.WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("Java-WebSocket did not connect within " + Interop.WAIT + ": " + errors());
        }
    }

    static JavaWebSocketPeer connect(URI uri) throws InterruptedException {
        return new JavaWebSocketPeer(uri);
    }

    @Override
    String library() {
        return "Java-WebSocket";
    }

    @Override
    void sendText(String text) {
        client.send(text);
    }

    @Override
    void sendBinary(byte[] data) {
        client.send(data);
    }

    @Override
    void sendTextFragments(List<String> fragments) {
        sendFragments(Opcode.TEXT, fragments.stream().map(Interop::utf8).toList());
    }

    @Override
    void sendBinaryFragments(List<byte[]> fragments) {
        sendFragments(Opcode.BINARY, fragments);
    }

    private void sendFragments(Opcode opcode, List<byte[]> fragments) {
        for (int i = 0; i < fragments.size(); i++) {
            client.sendFragmentedFrame(opcode, ByteBuffer.wrap(fragments.get(i)), i == fragments.size() - 1);
        }
    }

    @Override
    void ping(byte[] payload) {
        PingFrame ping = new PingFrame();
        ping.setPayload(ByteBuffer.wrap(payload));
        client.sendFrame(ping);
    }

    @Override
    void close(int code, String reason) {
        client.close(code, reason);
    }

    @Override
    void abort() {
        client.closeConnection(1006, "abort");
    }

    private final class Client extends WebSocketClient {
        Client(URI uri) {
            super(uri);
        }

        @Override
        public void onOpen(ServerHandshake handshake) {
        }

        @Override
        public void onMessage(String text) {
            received(Message.text(text));
        }

        @Override
        public void onMessage(ByteBuffer bytes) {
            byte[] data = new byte[bytes.remaining()];
            bytes.get(data);
            received(Message.binary(data));
        }

        @Override
        public void onWebsocketPong(WebSocket conn, Framedata frame) {
            ByteBuffer payload = frame.getPayloadData();
            byte[] data = new byte[payload.remaining()];
            payload.get(data);
            pongReceived(data);
        }

        @Override
        public void onClosing(int code, String reason, boolean remote) {
            if (remote) {
                closeReceived(code, reason);
            }
        }

        @Override
        public void onClose(int code, String reason, boolean remote) {
            connectionClosed();
        }

        @Override
        public void onError(Exception e) {
            failed(e);
        }
    }
}
