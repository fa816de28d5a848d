package dev.lifeline.internal;

import dev.lifeline.OperationInterruptedException;
import dev.lifeline.WebSocket;
import dev.lifeline.WebSocketListener;
import dev.lifeline.WebSocketOptions;
import dev.lifeline.protocol.ClientProtocol;
import dev.lifeline.protocol.Event;
import dev.lifeline.protocol.ProtocolConfig;
import dev.lifeline.protocol.handshake.Headers;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.channels.SocketChannel;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * One attempt of a {@code WebSocketClient} (a facade over it, which follows redirects) to open a connection at one
 * {@code ws://} or {@code wss://} URI: TCP connect, TLS, the opening handshake, the connection's {@link Transport},
 * then its start. The only entry point of this package for a client.
 *
 * <p>Threads: runs on the calling thread, with blocking I/O bounded by the deadline it is given (the client's
 * {@code openTimeout}: TCP, TLS and the handshake together): socket timeouts, or, for a polled connection's channel,
 * which has none, a timer that closes it at the deadline. Interrupts as {@code WebSocketClient.open} documents:
 * an interrupted thread gets {@link OperationInterruptedException} (its cause the {@code IOException}) and no
 * connection is left open.
 */
public final class ClientOpening {
    private ClientOpening() {
    }

    /**
     * Opens a connection at {@code uri}; returns once it is OPEN, its reader started.
     *
     * @param protocolConfig {@code options}' protocol configuration, made once for all the client's connections
     * @param headers added to the handshake request
     * @param subprotocols offered, in order of preference
     * @param sslContext the context for {@code wss://}; null: the JDK's default
     * @param pollIdle whether an open {@code ws://} connection goes under the poller's watch
     *     ({@link Transport#polled}) rather than keep a reader thread ({@link Transport#blocking})
     * @param deadlineNanos on {@code System.nanoTime()}: when TCP, TLS and the handshake must be done
     * @param listener the listener style's listener; null in the handler style
     * @throws dev.lifeline.protocol.handshake.HandshakeException if the server refused the handshake (a redirect
     *     among others: the caller follows it)
     */
    public static WebSocket open(URI uri, WebSocketOptions options, ProtocolConfig protocolConfig, Headers headers,
            List<String> subprotocols, SSLContext sslContext, boolean pollIdle, long deadlineNanos,
            WebSocketListener listener)
            throws IOException {
        boolean secure = "wss".equalsIgnoreCase(uri.getScheme());
        if (!secure && !"ws".equalsIgnoreCase(uri.getScheme())) {
            throw new IllegalArgumentException("not a ws:// or wss:// URI: " + uri);
        }
        String host = Objects.requireNonNull(uri.getHost(), () -> "no host in " + uri);
        int port = uri.getPort() >= 0 ? uri.getPort() : secure ? 443 : 80;
        if (Thread.currentThread().isInterrupted()) {
            throw new OperationInterruptedException("interrupted before opening " + uri,
                    new InterruptedIOException("the thread was interrupted"));
        }
        long start = System.nanoTime();
        // A connection that will go under the poller's watch (pollIdle, plain TCP) opens on a channel; the others are
        // read by a reader thread for their whole life, through a plain socket.
        boolean polled = pollIdle && !secure;
        SocketChannel channel = polled ? SocketChannel.open() : null;
        Socket tcp = polled ? null : new Socket();
        Socket socket = tcp;
        try {
            ClientProtocol protocol = new ClientProtocol(uri, subprotocols, headers, protocolConfig,
                    Handshakes.newRandom());
            protocol.holdFailureClose(true); // also for a violation that comes with the 101 (see Connection)
            protocol.sendRequest();
            InetSocketAddress address = new InetSocketAddress(host, port);
            List<Event> events;
            if (polled) {
                events = handshakeOnChannel(channel, address, protocol, deadlineNanos);
            } else {
                tcp.setTcpNoDelay(true);
                tcp.connect(address, Handshakes.millisUntil(deadlineNanos));
                if (secure) {
                    socket = startTls(tcp, sslContext, host, port, deadlineNanos);
                }
                Handshakes.writeOutbound(socket, socket.getOutputStream(), protocol);
                events = Handshakes.readHandshake(socket, socket.getInputStream(), protocol, deadlineNanos);
            }
            if (Handshakes.handshakeEvent(events) instanceof Event.HandshakeFailed failed) {
                throw failed.cause();
            }
            String id = Handshakes.nextId('c');
            Transport transport = polled ? Transport.polled(channel) : Transport.blocking(socket, tcp);
            Connection connection = new Connection(id, transport, protocol, options, events,
                    Timers.shared(), closed -> { });
            connection.telemetry.opened(start, String.valueOf(connection.remoteAddress()));
            connection.start(listener, Reader.FirstRun.NEW_THREAD); // a null listener: the handler style
            return connection;
        } catch (IOException | RuntimeException e) {
            Handshakes.closeQuietly(polled ? channel : tcp);
            if (socket != tcp) {
                Handshakes.closeQuietly(socket);
            }
            if (e instanceof IOException io && Thread.currentThread().isInterrupted()) {
                // a virtual thread's socket is closed by the interrupt; a platform thread's wait ends by itself
                throw new OperationInterruptedException("interrupted while opening " + uri, io);
            }
            throw e;
        }
    }

    /**
     * TCP and the opening handshake of a polled connection, on its channel in blocking mode rather than through the
     * channel's {@link Socket}: that adaptor, once made, stays with the channel for the connection's life (about 80
     * bytes; docs/performance.md, "Idle client connections"). A channel's blocking calls have no timeout: a timer
     * closes the channel at the deadline, which ends them, and their failure is then reported as the timeout. An
     * interrupt closes the channel as well ({@link java.nio.channels.ClosedByInterruptException}).
     *
     * @return every event of the handshake's read, as {@link Handshakes#readHandshake(SocketChannel, Protocol)}
     * @throws SocketTimeoutException when the deadline passes first
     */
    private static List<Event> handshakeOnChannel(SocketChannel channel, InetSocketAddress address,
            ClientProtocol protocol, long deadlineNanos) throws IOException {
        if (address.isUnresolved()) {
            throw new UnknownHostException(address.getHostString()); // as a Socket's connect reports it
        }
        AtomicBoolean ended = new AtomicBoolean(); // by the handshake's end or by the deadline, whichever is first
        Timers.Task deadline = Timers.schedule(() -> {
            if (ended.compareAndSet(false, true)) {
                Handshakes.closeQuietly(channel);
            }
        }, Duration.ofMillis(Handshakes.millisUntil(deadlineNanos)));
        try {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.connect(address);
            Handshakes.writeOutbound(channel, protocol);
            List<Event> events = Handshakes.readHandshake(channel, protocol);
            if (!ended.compareAndSet(false, true)) {
                throw new SocketTimeoutException("opening handshake timed out"); // the channel was closed just now
            }
            return events;
        } catch (IOException e) {
            if (ended.get() && !(e instanceof SocketTimeoutException)) {
                SocketTimeoutException timeout = new SocketTimeoutException("opening handshake timed out");
                timeout.initCause(e);
                throw timeout;
            }
            throw e;
        } finally {
            deadline.cancel();
        }
    }

    private static Socket startTls(Socket tcp, SSLContext sslContext, String host, int port, long deadlineNanos)
            throws IOException {
        SSLContext context = sslContext;
        if (context == null) {
            try {
                context = SSLContext.getDefault();
            } catch (NoSuchAlgorithmException e) {
                throw new IOException("no default TLS context", e);
            }
        }
        SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(tcp, host, port, true);
        SSLParameters parameters = tls.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS"); // verify the host name against the certificate
        tls.setSSLParameters(parameters);
        tls.setUseClientMode(true);
        tls.setSoTimeout(Handshakes.millisUntil(deadlineNanos));
        tls.startHandshake();
        return tls;
    }
}
