package dev.lifeline.internal;

import dev.lifeline.protocol.Event;
import dev.lifeline.protocol.Outbound;
import dev.lifeline.protocol.Protocol;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.security.SecureRandom;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;

/** Drives the opening handshake over a socket, before a {@link Connection} exists. */
final class Handshakes {
    private static final SecureRandom SEEDS = new SecureRandom();
    private static final AtomicLong IDS = new AtomicLong();
    /**
     * Bytes read at a time during the opening handshake: most requests and responses fit; larger ones take more
     * reads. Small, because every connection allocates one.
     */
    private static final int HANDSHAKE_BUFFER = 1024;

    private Handshakes() {
    }

    /** A short id for logs, unique in this process. */
    static String nextId(char side) {
        return side + Long.toString(IDS.incrementAndGet(), 36);
    }

    /**
     * The peer of an accepted socket as people write it, {@code 127.0.0.1:40312} or {@code [::1]:40312} (no
     * leading {@code /}): what the server's logs call a handshake before it is a connection with an id.
     */
    static String peer(SocketChannel channel) {
        try {
            if (channel.getRemoteAddress() instanceof InetSocketAddress remote) {
                return address(remote.getAddress(), remote.getPort());
            }
        } catch (IOException closed) {
            // named as an unknown peer, as below
        }
        return address(null, 0);
    }

    /** {@link #peer} for a socket address: {@code 127.0.0.1:40312}, where its toString() says /127.0.0.1:40312. */
    static String address(InetAddress address, int port) {
        String host = address == null ? "?" : address.getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /**
     * A fast random source for one connection, seeded from {@link SecureRandom}: mask keys must be unpredictable
     * to the application (RFC 6455 §10.3), and a per-connection seed keeps {@code SecureRandom} off the hot path.
     */
    static RandomGenerator newRandom() {
        return new SplittableRandom(SEEDS.nextLong());
    }

    /**
     * Reads until the protocol reports a handshake event (request received, handshake completed or failed), or
     * the deadline passes.
     *
     * @return every event seen, the handshake event among them; messages that came right behind it must be handed
     *         to the connection
     * @throws SocketTimeoutException when the deadline passes first
     */
    static List<Event> readHandshake(Socket socket, InputStream in, Protocol protocol, long deadlineNanos)
            throws IOException {
        List<Event> events = readHandshake(protocol, buffer -> {
            socket.setSoTimeout(millisUntil(deadlineNanos));
            return in.read(buffer);
        });
        socket.setSoTimeout(0);
        return events;
    }

    /**
     * {@link #readHandshake(Socket, InputStream, Protocol, long)} from a channel in blocking mode, whose reads have no
     * timeout: the caller bounds them (by closing the channel at its deadline).
     */
    static List<Event> readHandshake(SocketChannel channel, Protocol protocol) throws IOException {
        return readHandshake(protocol, buffer -> channel.read(ByteBuffer.wrap(buffer)));
    }

    /** One blocking read of the handshake into {@code buffer}: how many bytes, -1 at the end of the input. */
    private interface HandshakeRead {
        int into(byte[] buffer) throws IOException;
    }

    private static List<Event> readHandshake(Protocol protocol, HandshakeRead read) throws IOException {
        byte[] buffer = new byte[HANDSHAKE_BUFFER];
        while (true) {
            int n = read.into(buffer);
            if (n < 0) {
                protocol.receiveEof();
                throw new IOException("connection closed during the opening handshake");
            }
            protocol.receiveData(ByteBuffer.wrap(buffer, 0, n));
            List<Event> events = protocol.takeEvents();
            if (hasHandshakeEvent(events)) {
                return events;
            }
        }
    }

    /**
     * The milliseconds left until {@code deadlineNanos} (of {@link System#nanoTime}), for a socket timeout: rounded
     * up, so that a timed read never ends before the deadline (truncating made it up to 1 ms early).
     *
     * @throws SocketTimeoutException when the deadline has passed
     */
    static int millisUntil(long deadlineNanos) throws SocketTimeoutException {
        long remaining = Math.ceilDiv(deadlineNanos - System.nanoTime(), 1_000_000);
        if (remaining <= 0) {
            throw new SocketTimeoutException("opening handshake timed out");
        }
        return (int) Math.min(Integer.MAX_VALUE, remaining);
    }

    /** Writes the protocol's pending output directly (during the handshake, no one else writes). */
    static void writeOutbound(Socket socket, OutputStream out, Protocol protocol) throws IOException {
        for (Outbound item : protocol.takeOutbound()) {
            switch (item) {
                case Outbound.Data d -> out.write(d.bytes().array(), d.bytes().arrayOffset() + d.bytes().position(),
                        d.bytes().remaining());
                case Outbound.Eof e -> {
                    out.flush();
                    shutdownOutput(socket);
                }
            }
        }
        out.flush();
    }

    /** {@link #writeOutbound(Socket, OutputStream, Protocol)} to a channel in blocking mode, whose writes take all. */
    static void writeOutbound(SocketChannel channel, Protocol protocol) throws IOException {
        for (Outbound item : protocol.takeOutbound()) {
            switch (item) {
                case Outbound.Data d -> channel.write(d.bytes());
                case Outbound.Eof e -> channel.shutdownOutput();
            }
        }
    }

    /** Half-closes: our FIN (or, for a TLS socket that cannot half-close, a full close). */
    static void shutdownOutput(Socket socket) {
        try {
            socket.shutdownOutput();
        } catch (IOException | UnsupportedOperationException e) {
            closeQuietly(socket);
        }
    }

    /** Makes a read blocked on this socket (or a TLS socket over it) return the end of the stream. */
    static void shutdownInput(SocketChannel socket) {
        try {
            socket.shutdownInput();
        } catch (IOException e) {
            closeQuietly(socket);
        }
    }

    /** Closes a socket or its channel, ignoring a failure. */
    static void closeQuietly(Closeable socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing more to do with a socket we are dropping
        }
    }

    static boolean isHandshakeEvent(Event e) {
        return e instanceof Event.RequestReceived || e instanceof Event.HandshakeCompleted
                || e instanceof Event.HandshakeFailed;
    }

    /** Whether the handshake event is among {@code events}. */
    static boolean hasHandshakeEvent(List<Event> events) {
        return findHandshakeEvent(events) != null;
    }

    /** The handshake event among {@code events}. */
    static Event handshakeEvent(List<Event> events) {
        Event event = findHandshakeEvent(events);
        if (event == null) {
            throw new NoSuchElementException("no handshake event among " + events);
        }
        return event;
    }

    private static Event findHandshakeEvent(List<Event> events) {
        for (Event event : events) {
            if (isHandshakeEvent(event)) {
                return event;
            }
        }
        return null;
    }
}
