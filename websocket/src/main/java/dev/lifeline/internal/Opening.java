package dev.lifeline.internal;

import dev.lifeline.WebSocketOptions;
import dev.lifeline.protocol.Event;
import dev.lifeline.protocol.Outbound;
import dev.lifeline.protocol.ServerProtocol;
import dev.lifeline.protocol.handshake.HttpResponse;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The I/O of one server opening handshake ({@link OpeningHandshake} holds its state), from the accepted socket to
 * the open {@link Connection} or the plain HTTP answer that refuses it, through the {@link Transport} the connection
 * then keeps. A plain TCP socket is polled from its accept on ({@link #watched}): the poller's thread reads the
 * request as it arrives ({@link #readAvailable}, {@link #whenReadable}), so a client that has not sent all of it yet
 * holds no thread, and may answer it there too, as long as nothing waits: a 101 that does not fit in TCP's buffer at
 * once is finished by a thread that may wait ({@link #tryWriteOutbound}). A TLS socket stays blocking
 * ({@link #blocking}) and is read by a worker with blocking reads ({@link #read}), until the open timeout closes it.
 */
final class Opening {
    /** How long a refused client may keep sending before we close anyway. */
    private static final Duration LINGER = Duration.ofSeconds(1);
    private static final int LINGER_BYTES = 64 * 1024;

    private final Transport transport;
    /** The TCP socket under the transport (for the server's telemetry). */
    private final SocketChannel tcp;
    private final ServerProtocol protocol;
    private final ReadBuffer buffer;
    /**
     * Output {@link #tryWriteOutbound} took from the protocol and could not write at once; set before the thread
     * that writes it ({@link #writeOutbound}) is started.
     */
    private List<Outbound> unwritten = List.of();

    private Opening(Transport transport, SocketChannel tcp, ServerProtocol protocol) {
        this.transport = transport;
        this.tcp = tcp;
        this.protocol = protocol;
        this.buffer = transport.newReadBuffer();
    }

    /** A plain TCP socket (a server's, from its channel): from now on non-blocking, under the poller's watch. */
    static Opening watched(SocketChannel tcp, ServerProtocol protocol) throws IOException {
        return new Opening(Transport.polled(tcp), tcp, protocol);
    }

    /**
     * A blocking socket (TLS over {@code tcp}, a server's socket from its channel).
     *
     * @param protocol null when the socket is only to be answered (a refusal before anything was read)
     */
    static Opening blocking(Socket socket, Socket tcp, ServerProtocol protocol) throws IOException {
        return new Opening(Transport.blocking(socket, tcp), tcp.getChannel(), protocol);
    }

    /** The TCP socket under the transport. */
    SocketChannel tcp() {
        return tcp;
    }

    ServerProtocol protocol() {
        return protocol;
    }

    /**
     * Reads, waiting (a blocking transport), until the protocol reports the handshake event: every event seen,
     * messages that came right behind the request too. Bounded by the handshake's open timeout, which closes the
     * socket.
     *
     * @throws EOFException when the client closed first
     */
    List<Event> read() throws IOException {
        List<Event> events;
        do {
            events = fed(transport.read(buffer));
        } while (events == null);
        return events;
    }

    /**
     * Without waiting (on the poller's thread), feeds the protocol what has arrived. Returns the events once the
     * handshake event is among them (messages that came right behind it too), or null when the socket has nothing
     * more for now: then ask {@link #whenReadable}.
     *
     * @throws EOFException when the client closed first
     */
    List<Event> readAvailable() throws IOException {
        int n;
        while ((n = transport.read(buffer)) != 0) {
            List<Event> events = fed(n);
            if (events != null) {
                return events;
            }
        }
        buffer.release();
        return null;
    }

    /**
     * Feeds the protocol the {@code n} bytes a read brought: the events once the handshake event is among them,
     * else null.
     */
    private List<Event> fed(int n) throws IOException {
        if (n < 0) {
            buffer.release();
            protocol.receiveEof();
            throw new EOFException("connection closed during the opening handshake");
        }
        try {
            protocol.receiveData(buffer.filled(n));
        } finally {
            buffer.release(); // the protocol copied what it keeps
        }
        List<Event> events = protocol.takeEvents();
        return Handshakes.hasHandshakeEvent(events) ? events : null;
    }

    /**
     * Has {@code step} run when more arrives (polled: on the poller's thread, where it must not wait). The caller
     * must do nothing with the socket afterwards. False if the socket is closed.
     */
    boolean whenReadable(Runnable step) {
        return transport.whenReadable(step);
    }

    /**
     * Writes the protocol's pending output (the 101, or the answer that refuses the handshake), after what
     * {@link #tryWriteOutbound} left.
     */
    void writeOutbound() throws IOException {
        List<Outbound> items = new ArrayList<>(unwritten);
        unwritten = List.of();
        items.addAll(protocol.takeOutbound());
        for (Outbound item : items) {
            switch (item) {
                case Outbound.Data d -> transport.write(d.bytes());
                case Outbound.Eof e -> halfClose();
            }
        }
    }

    /**
     * On a thread that must not wait (the poller's): writes what fits of the protocol's pending output. False if
     * some did not fit in TCP's buffer: then {@link #writeOutbound} writes the rest.
     */
    boolean tryWriteOutbound() throws IOException {
        List<Outbound> items = protocol.takeOutbound();
        for (int i = 0; i < items.size(); i++) {
            switch (items.get(i)) {
                case Outbound.Data d -> {
                    if (!transport.tryWrite(d.bytes())) {
                        unwritten = items.subList(i, items.size());
                        return false;
                    }
                }
                case Outbound.Eof e -> halfClose();
            }
        }
        return true;
    }

    /** Our FIN (a TLS socket that cannot half-close is closed); a socket that fails it is closed. */
    private void halfClose() {
        try {
            transport.shutdownOutput();
        } catch (IOException e) {
            transport.close();
        }
    }

    /**
     * Answers plain HTTP instead of the handshake, then closes without resetting the connection: half-closes, and
     * reads and discards what the client still sends until it closes, for at most {@link #LINGER} and
     * {@link #LINGER_BYTES}. Closing with unread input at once would send a reset, which can destroy the response
     * before the client reads it.
     */
    void answerAndClose(HttpResponse response) throws IOException {
        try {
            transport.write(ByteBuffer.wrap(response.toBytes()));
            halfClose();
            long deadline = System.nanoTime() + LINGER.toNanos();
            for (int total = 0, n; total < LINGER_BYTES && (n = discard(deadline)) >= 0; total += n) {
                // discarding
            }
        } catch (SocketTimeoutException e) {
            // the linger is over
        } finally {
            closeQuietly();
        }
    }

    /** One read of input to discard: how many bytes, or -1 at the end of the input or once the deadline passed. */
    private int discard(long deadlineNanos) throws IOException {
        if (deadlineNanos - System.nanoTime() <= 0) {
            return -1;
        }
        int n = transport.read(buffer, deadlineNanos);
        buffer.release();
        return n;
    }

    /** After {@link #writeOutbound} wrote the 101: the open connection, over this transport. */
    Connection open(String id, WebSocketOptions options, List<Event> events, Timers timers,
            Consumer<Connection> onClosed) {
        return new Connection(id, transport, protocol, options, events, timers, onClosed);
    }

    void closeQuietly() {
        transport.close();
    }
}
