package dev.lifeline.bench.server;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.java_websocket.WebSocket;
import org.java_websocket.drafts.Draft;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.extensions.permessage_deflate.PerMessageDeflateExtension;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.server.WebSocketServer;

/**
 * Java-WebSocket's echo: its default server, with its lost-connection pings off like every server here (but in
 * {@link #keepingAlive}); compressing, its draft carries its {@code PerMessageDeflateExtension} (which always negotiates no context takeover).
 */
final class JavaWebSocketEcho implements EchoServer {
    private final CountDownLatch started = new CountDownLatch(1);
    private final WebSocketServer server;

    private final boolean broadcast;

    JavaWebSocketEcho(boolean deflate) throws InterruptedException {
        this(deflate, false, false);
    }

    /** With its lost-connection check as it ships: a Ping every 60 s, the connection closed if none was answered. */
    static JavaWebSocketEcho keepingAlive() throws InterruptedException {
        return new JavaWebSocketEcho(false, false, true);
    }

    /** Its own {@code broadcast(String)}, which encodes the frame once for all connections. */
    static JavaWebSocketEcho broadcasting() throws InterruptedException {
        return new JavaWebSocketEcho(false, true, false);
    }

    private JavaWebSocketEcho(boolean deflate, boolean broadcast, boolean keepalive) throws InterruptedException {
        this.broadcast = broadcast;
        InetSocketAddress address = new InetSocketAddress("127.0.0.1", 0);
        server = deflate ? new Echo(address, List.of(new Draft_6455(new PerMessageDeflateExtension())))
                : new Echo(address, null);
        server.setReuseAddr(true);
        server.setTcpNoDelay(true);
        if (!keepalive) {
            server.setConnectionLostTimeout(0);
        }
        server.start();
        if (!started.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("Java-WebSocket did not start within 10 s");
        }
    }

    @Override
    public int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        try {
            server.stop(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private final class Echo extends WebSocketServer {
        Echo(InetSocketAddress address, List<Draft> drafts) {
            super(address, drafts);
        }

        @Override
        public void onOpen(WebSocket conn, ClientHandshake handshake) {
        }

        @Override
        public void onClose(WebSocket conn, int code, String reason, boolean remote) {
        }

        @Override
        public void onMessage(WebSocket conn, String message) {
            if (broadcast) {
                broadcast(message);
            } else {
                conn.send(message);
            }
        }

        @Override
        public void onMessage(WebSocket conn, ByteBuffer message) {
            conn.send(message);
        }

        @Override
        public void onError(WebSocket conn, Exception ex) {
        }

        @Override
        public void onStart() {
            started.countDown();
        }
    }
}
