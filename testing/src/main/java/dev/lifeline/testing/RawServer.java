package dev.lifeline.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * A listening socket on 127.0.0.1 for the server side of raw tests: accept TCP and say nothing, accept and answer
 * the handshake with a {@link RawPeer}, or answer every request with a fixed HTTP response (redirects).
 */
public final class RawServer implements AutoCloseable {
    private final ServerSocket listener;
    private final Set<Socket> accepted = ConcurrentHashMap.newKeySet();

    private RawServer() throws IOException {
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    }

    public static RawServer start() throws IOException {
        return new RawServer();
    }

    public int port() {
        return listener.getLocalPort();
    }

    public URI uri(String path) {
        return URI.create("ws://127.0.0.1:" + port() + path);
    }

    /** Accepts one TCP connection and leaves it to the caller, who may never answer on it. */
    public Socket acceptSocket(Duration timeout) throws IOException {
        listener.setSoTimeout((int) timeout.toMillis());
        Socket socket = listener.accept();
        accepted.add(socket);
        return socket;
    }

    /** Accepts one connection and answers its opening handshake with 101. */
    public RawPeer accept(Duration timeout) throws IOException {
        return RawPeer.answer(acceptSocket(timeout));
    }

    /**
     * From now on, answers every request with the response {@code responder} gives for the request's head, then
     * closes the connection.
     */
    public void answerEach(UnaryOperator<String> responder) {
        Thread.ofVirtual().name("raw-server-" + port()).start(() -> {
            while (!listener.isClosed()) {
                try {
                    Socket socket = listener.accept();
                    accepted.add(socket);
                    Thread.ofVirtual().start(() -> answer(socket, responder));
                } catch (IOException e) {
                    return; // closed
                }
            }
        });
    }

    private static void answer(Socket socket, UnaryOperator<String> responder) {
        try (socket) {
            socket.setSoTimeout(5_000);
            InputStream in = socket.getInputStream();
            String head = RawPeer.readHead(in);
            socket.getOutputStream().write(responder.apply(head).getBytes(StandardCharsets.ISO_8859_1));
            socket.shutdownOutput();
            in.readAllBytes(); // until the client closes: closing with unread input would reset the connection
        } catch (IOException e) {
            // the client went away first; nothing to answer
        }
    }

    /** The address a client connecting here would use. */
    public InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", port());
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (Socket socket : accepted) {
            try {
                socket.close();
            } catch (SocketException e) {
                // already gone
            }
        }
    }
}
