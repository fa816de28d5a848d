package dev.lifeline.internal;

import dev.lifeline.WebSocketOptions;
import dev.lifeline.protocol.Event;
import dev.lifeline.protocol.Outbound;
import dev.lifeline.protocol.ServerProtocol;
import dev.lifeline.protocol.handshake.HttpRequest;
import dev.lifeline.protocol.handshake.HttpResponse;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The I/O of one server opening handshake ({@link OpeningHandshake} holds its state), from the accepted socket to
 * the open {@link Connection} or the plain HTTP answer that refuses it. A plain TCP socket is non-blocking and under
 * the {@link Poller}'s watch from its accept on ({@link #watched}): the poller's thread reads the request as it
 * arrives ({@link #whenReadable}), so a client that has not sent all of it yet holds no thread, and may answer it
 * there too, as long as nothing waits: a
 * 101 that does not fit in TCP's buffer at once is finished by a thread that may wait ({@link #tryWriteOutbound}).
 * The connection keeps the same watch. A TLS socket stays blocking ({@link #blocking}) and is read with a deadline
 * ({@link #read}).
 */
final class Opening {
    /** How long a refused client may keep sending before we close anyway. */
    private static final Duration LINGER = Duration.ofSeconds(1);
    private static final int LINGER_BYTES = 64 * 1024;

    private final Socket socket;
    private final Socket tcp;
    private final ServerProtocol protocol;
    /** The watch of a non-blocking socket; null for a blocking one. */
    private final Poller.Watch watch;
    /** Reads of a watched socket borrow a pooled buffer; null for a blocking socket. */
    private final ReadBuffer buffer;
    /**
     * Output {@link #tryWriteOutbound} took from the protocol and could not write at once; set before the thread
     * that writes it ({@link #writeOutbound}) is started.
     */
    private List<Outbound> unwritten = List.of();

    private Opening(Socket socket, Socket tcp, ServerProtocol protocol, Poller.Watch watch) {
        this.socket = socket;
        this.tcp = tcp;
        this.protocol = protocol;
        this.watch = watch;
        this.buffer = watch == null ? null : new ReadBuffer(true);
    }

    /** A plain TCP socket (a server's, from its channel): from now on non-blocking, under the poller's watch. */
    static Opening watched(Socket tcp, ServerProtocol protocol) throws IOException {
        return new Opening(tcp, tcp, protocol, Poller.watch(tcp.getChannel()));
    }

    /**
     * A blocking socket (TLS over {@code tcp}).
     *
     * @param protocol null when the socket is only to be answered (a refusal before anything was read)
     */
    static Opening blocking(Socket socket, Socket tcp, ServerProtocol protocol) {
        return new Opening(socket, tcp, protocol, null);
    }

    Socket socket() {
        return socket;
    }

    /** The TCP socket under {@link #socket()} (the same one without TLS). */
    Socket tcp() {
        return tcp;
    }

    ServerProtocol protocol() {
        return protocol;
    }

    /** A blocking socket: reads until the protocol reports the handshake event (see {@link Handshakes}). */
    List<Event> read(long deadlineNanos) throws IOException {
        return Handshakes.readHandshake(socket, socket.getInputStream(), protocol, deadlineNanos);
    }

    /**
     * A watched socket: feeds the protocol what has arrived. Returns the events once the handshake event is among
     * them (messages that came right behind it too), or null when the socket has nothing more for now: then ask
     * {@link #whenReadable}.
     *
     * @throws EOFException when the client closed first
     */
    List<Event> readAvailable() throws IOException {
        while (true) {
            int n = buffer.read(watch.channel(), null);
            if (n <= 0) {
                buffer.release();
                if (n == 0) {
                    return null;
                }
                protocol.receiveEof();
                throw new EOFException("connection closed during the opening handshake");
            }
            try {
                protocol.receiveData(buffer.filled(n));
            } finally {
                buffer.release(); // the protocol copied what it keeps
            }
            List<Event> events = protocol.takeEvents();
            if (Handshakes.hasHandshakeEvent(events)) {
                return events;
            }
        }
    }

    /**
     * A watched socket: has {@code step} run when more arrives (it runs on the poller's thread and must not wait).
     * The caller must do nothing with the socket afterwards. False if the socket is closed.
     */
    boolean whenReadable(Runnable step) {
        watch.onReadable(step);
        return watch.whenReadable();
    }

    /**
     * Writes the protocol's pending output (the 101, or the answer that refuses the handshake), after what
     * {@link #tryWriteOutbound} left.
     */
    void writeOutbound() throws IOException {
        if (watch == null) {
            Handshakes.writeOutbound(socket, socket.getOutputStream(), protocol);
            return;
        }
        List<Outbound> items = new ArrayList<>(unwritten);
        unwritten = List.of();
        items.addAll(protocol.takeOutbound());
        for (Outbound item : items) {
            switch (item) {
                case Outbound.Data d -> watch.write(d.bytes());
                case Outbound.Eof e -> Handshakes.shutdownOutput(socket);
            }
        }
    }

    /**
     * A watched socket, on a thread that must not wait (the poller's): writes what fits of the protocol's pending
     * output. False if some did not fit in TCP's buffer: then {@link #writeOutbound} writes the rest.
     */
    boolean tryWriteOutbound() throws IOException {
        List<Outbound> items = protocol.takeOutbound();
        for (int i = 0; i < items.size(); i++) {
            switch (items.get(i)) {
                case Outbound.Data d -> {
                    if (!watch.tryWrite(d.bytes())) {
                        unwritten = items.subList(i, items.size());
                        return false;
                    }
                }
                case Outbound.Eof e -> Handshakes.shutdownOutput(socket);
            }
        }
        return true;
    }

    /**
     * Answers plain HTTP instead of the handshake, then closes without resetting the connection: half-closes, and
     * reads and discards what the client still sends until it closes, for at most {@link #LINGER} and
     * {@link #LINGER_BYTES}. Closing with unread input at once would send a reset, which can destroy the response
     * before the client reads it.
     */
    void answerAndClose(HttpResponse response) throws IOException {
        try {
            if (watch == null) {
                socket.getOutputStream().write(response.toBytes());
                socket.getOutputStream().flush();
            } else {
                watch.write(ByteBuffer.wrap(response.toBytes()));
            }
            Handshakes.shutdownOutput(socket);
            long deadline = System.nanoTime() + LINGER.toNanos();
            byte[] sink = watch == null ? new byte[4096] : null;
            for (int total = 0, n; total < LINGER_BYTES && (n = discard(sink, deadline)) >= 0; total += n) {
                // discarding
            }
        } catch (SocketTimeoutException e) {
            // the linger is over
        } finally {
            closeQuietly();
        }
    }

    /** One read of input to discard: how many bytes, or -1 at the end of the input or once the deadline passed. */
    private int discard(byte[] sink, long deadlineNanos) throws IOException {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
            return -1;
        }
        if (watch == null) {
            socket.setSoTimeout((int) Math.max(1, left / 1_000_000));
            return socket.getInputStream().read(sink);
        }
        int n = buffer.read(watch.channel(), null);
        buffer.release();
        if (n == 0 && !watch.awaitReadable(deadlineNanos)) {
            return -1;
        }
        return n;
    }

    /** After {@link #writeOutbound} wrote the 101: the open connection, over this socket and its watch. */
    Connection open(String id, WebSocketOptions options, HttpRequest request, HttpResponse response,
            Optional<String> subprotocol, List<Event> events, Consumer<Connection> onClosed) throws IOException {
        InputStream in = watch == null ? socket.getInputStream() : null;
        return new Connection(id, socket, tcp, in, watch, protocol, options, request, response, subprotocol, events,
                onClosed);
    }

    void closeQuietly() {
        Handshakes.closeQuietly(tcp);
        Handshakes.closeQuietly(socket);
        if (watch != null) {
            watch.closed();
        }
    }
}
