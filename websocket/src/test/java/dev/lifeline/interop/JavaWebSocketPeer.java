package dev.lifeline.interop;

import dev.lifeline.Message;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
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
 *
 * <p>Its reader thread leaves its loop as soon as it finds the connection CLOSING, and the connection is then torn
 * down with frames still queued for its writer thread. A {@code close()} made while that thread is between two
 * reads (just after the handshake, say) therefore loses the frames queued before it and the Close frame itself:
 * 38 of 300 "send two messages, then close" runs against our server arrived with nothing or only the first message
 * and no Close. So {@link #close} first waits until the reader sits in {@code read()}, seen through the socket
 * (then 0 of 300).
 */
final class JavaWebSocketPeer extends Peer {
    private final Client client;
    private final WatchedSocket socket = new WatchedSocket();

    @SuppressWarnings("deprecation") // setSocket: its replacement, setSocketFactory, needs five factory methods
    private JavaWebSocketPeer(URI uri) throws InterruptedException {
        client = new Client(uri);
        client.setSocket(socket);
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
        socket.awaitReader();
        client.close(code, reason);
    }

    @Override
    void abort() {
        client.closeConnection(1006, "abort");
    }

    /**
     * No: after reading our Close frame its reader thread closes the connection while its writer thread may not yet
     * have written the answer, so about one close in twenty ends with a clean TCP close and no answer (300 closes
     * against our server: 13 to 21 unanswered; the JDK, OkHttp and Jetty clients: none). We then report 1006.
     */
    @Override
    boolean answersEveryClose() {
        return false;
    }

    /** A socket that tells whether a thread is inside a read of its input stream. */
    private static final class WatchedSocket extends Socket {
        private int readers; // guarded by this

        @Override
        public InputStream getInputStream() throws IOException {
            return new FilterInputStream(super.getInputStream()) {
                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    reading(1);
                    try {
                        return super.read(b, off, len);
                    } finally {
                        reading(-1);
                    }
                }
            };
        }

        private synchronized void reading(int change) {
            readers += change;
            notifyAll();
        }

        /** Waits, at most {@link Interop#WAIT}, until a thread is reading. */
        synchronized void awaitReader() {
            long deadline = System.nanoTime() + Interop.WAIT.toNanos();
            while (readers == 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("Java-WebSocket's reader is not back in read() after " + Interop.WAIT);
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted", e);
                }
            }
        }
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
