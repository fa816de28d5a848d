package dev.lifeline;

import dev.lifeline.internal.Connection;
import dev.lifeline.internal.Handshakes;
import dev.lifeline.internal.OpeningTelemetry;
import dev.lifeline.internal.Timers;
import dev.lifeline.internal.Transport;
import dev.lifeline.protocol.ClientProtocol;
import dev.lifeline.protocol.Event;
import dev.lifeline.protocol.handshake.HandshakeException;
import dev.lifeline.protocol.handshake.Headers;
import dev.lifeline.protocol.handshake.HttpResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.channels.SocketChannel;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * Opens client connections: {@code ws://} and {@code wss://}, with {@code openTimeout} covering TCP connect, TLS and
 * the opening handshake, bounded redirects, and host name verification for TLS.
 *
 * <pre>{@code
 * try (WebSocket ws = WebSocketClient.connect("ws://127.0.0.1:8765/")) {
 *     ws.send("hello");
 *     System.out.println(ws.receive());
 * }
 * }</pre>
 *
 * <p>Immutable and thread-safe: one client may open many connections.
 *
 * <p>Threads: the opening handshake runs on the calling thread, with blocking I/O bounded by {@code openTimeout}.
 * Once open, a connection has a reader virtual thread parked in its socket's read for its whole life; with
 * {@link Builder#pollIdle}, a {@code ws://} connection instead goes under the watch of the JVM's one poller thread
 * (shared with every server and client, started on first use, a daemon that lives as long as the JVM) and holds no
 * thread while its peer is quiet, so that thousands of mostly idle client connections in one JVM cost what as many
 * server connections cost. Nothing here needs closing: once every connection is closed, no thread of theirs is
 * left.
 */
public final class WebSocketClient {
    private static final List<Integer> REDIRECTS = List.of(301, 302, 303, 307, 308);

    private final WebSocketOptions options;
    private final Headers headers;
    private final List<String> subprotocols;
    private final SSLContext sslContext;
    private final int maxRedirects;
    private final boolean pollIdle;

    private WebSocketClient(Builder b) {
        this.options = b.options;
        this.headers = b.headers.build();
        this.subprotocols = List.copyOf(b.subprotocols);
        this.sslContext = b.sslContext;
        this.maxRedirects = b.maxRedirects;
        this.pollIdle = b.pollIdle;
    }

    /** Connects with the default options. */
    public static WebSocket connect(String uri) throws IOException {
        return builder().build().open(URI.create(uri));
    }

    /** Connects with the default options. */
    public static WebSocket connect(URI uri) throws IOException {
        return builder().build().open(uri);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Opens a connection; returns once it is OPEN.
     *
     * @throws HandshakeException if the server refused the handshake (status, headers and a body excerpt inside)
     * @throws SocketTimeoutException if {@code openTimeout} passed first
     * @throws IOException if the network failed (connection refused, unknown host, TLS failure...)
     * @throws OperationInterruptedException if the calling thread is interrupted before or while it waits for TCP,
     *     TLS or the handshake response (its cause is the {@code IOException}; no connection is left open). A
     *     virtual thread's waits end at the interrupt, and so do a platform thread's on a {@code ws://} connection
     *     built with {@link Builder#pollIdle} (its socket is a channel's, which an interrupt closes); a platform
     *     thread's other socket waits do not (the JDK's sockets ignore its interrupts there): it gets this only if
     *     they fail, by {@code openTimeout} at the latest.
     */
    public WebSocket open(URI uri) throws IOException {
        return open(uri, null);
    }

    /**
     * Opens a connection in the listener style: its reader thread hands every message to {@code listener}
     * ({@link WebSocketListener#onOpen} first); the returned connection is for sending and closing, and
     * {@code receive()} on it throws {@code InvalidStateException}. Returns once it is OPEN; throws as
     * {@link #open(URI)} does, {@link OperationInterruptedException} included.
     */
    public WebSocket open(URI uri, WebSocketListener listener) throws IOException {
        long deadline = System.nanoTime() + options.openTimeout().toNanos();
        URI target = uri;
        Set<URI> visited = new HashSet<>();
        while (true) {
            visited.add(target);
            try {
                return attempt(target, deadline, listener);
            } catch (HandshakeException e) {
                Optional<String> location = e.headers().first("Location");
                if (!REDIRECTS.contains(e.status()) || location.isEmpty()) {
                    throw e;
                }
                target = redirectTarget(target, location.get(), e);
                if (visited.contains(target)) {
                    throw refused(e, "redirect loop: " + target + " was already visited");
                }
                if (visited.size() > maxRedirects) {
                    throw refused(e, "more than " + maxRedirects + " redirects; the last one to " + target);
                }
            }
        }
    }

    public WebSocket open(String uri) throws IOException {
        return open(URI.create(uri));
    }

    private WebSocket attempt(URI uri, long deadline, WebSocketListener listener) throws IOException {
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
        // A connection that will go under the poller's watch (pollIdle, plain TCP) needs a channel's socket; the
        // others are read by a reader thread for their whole life, through a plain socket.
        boolean polled = pollIdle && !secure;
        Socket tcp = polled ? SocketChannel.open().socket() : new Socket();
        Socket socket = tcp;
        try {
            tcp.setTcpNoDelay(true);
            tcp.connect(new InetSocketAddress(host, port), Handshakes.millisUntil(deadline));
            if (secure) {
                socket = startTls(tcp, host, port, deadline);
            }
            InputStream in = socket.getInputStream();
            ClientProtocol protocol = new ClientProtocol(uri, subprotocols, headers, options.protocolConfig(),
                    Handshakes.newRandom());
            protocol.sendRequest();
            Handshakes.writeOutbound(socket, socket.getOutputStream(), protocol);
            List<Event> events = Handshakes.readHandshake(socket, in, protocol, deadline);
            if (Handshakes.handshakeEvent(events) instanceof Event.HandshakeFailed failed) {
                throw failed.cause();
            }
            String id = Handshakes.nextId('c');
            HttpResponse response = protocol.response().orElseThrow();
            Transport transport = polled ? Transport.polled(tcp.getChannel()) : Transport.blocking(socket, tcp);
            Connection connection = new Connection(id, transport, protocol, options, protocol.request(), response,
                    protocol.subprotocol(), events, Timers.shared(), closed -> { });
            OpeningTelemetry.clientOpened(connection, start);
            connection.start(listener, Connection.FirstRun.NEW_THREAD); // a null listener: the handler style
            return connection;
        } catch (IOException | RuntimeException e) {
            Handshakes.closeQuietly(tcp);
            Handshakes.closeQuietly(socket);
            if (e instanceof IOException io && Thread.currentThread().isInterrupted()) {
                // a virtual thread's socket is closed by the interrupt; a platform thread's wait ends by itself
                throw new OperationInterruptedException("interrupted while opening " + uri, io);
            }
            throw e;
        }
    }

    private Socket startTls(Socket tcp, String host, int port, long deadline) throws IOException {
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
        tls.setSoTimeout(Handshakes.millisUntil(deadline));
        tls.startHandshake();
        return tls;
    }

    /**
     * Where a redirect leads, as a {@code ws://} or {@code wss://} URI. A redirect from {@code wss://} to
     * {@code ws://} is refused: it would send the request headers (credentials among them) in clear text.
     */
    private static URI redirectTarget(URI from, String location, HandshakeException redirect) {
        URI to;
        try {
            to = from.resolve(location);
        } catch (IllegalArgumentException e) {
            throw refused(redirect, "cannot follow a redirect to an invalid Location: " + e.getMessage());
        }
        String scheme = switch (String.valueOf(to.getScheme()).toLowerCase(Locale.ROOT)) {
            case "http", "ws" -> "ws";
            case "https", "wss" -> "wss";
            default -> throw refused(redirect, "cannot follow a redirect to " + to);
        };
        if (scheme.equals("ws") && from.getScheme().equalsIgnoreCase("wss")) {
            throw refused(redirect, "refusing a redirect from " + from + " to the insecure " + to);
        }
        return URI.create(scheme + to.toString().substring(to.getScheme().length()));
    }

    /** A redirect not followed: the redirect response stays attached (status, headers, body). */
    private static HandshakeException refused(HandshakeException redirect, String why) {
        HandshakeException e = redirect.response()
                .map(response -> new HandshakeException(response.status(), why, response))
                .orElseGet(() -> new HandshakeException(redirect.status(), why));
        e.addSuppressed(redirect);
        return e;
    }

    /** Options for a client; build once and reuse. */
    public static final class Builder {
        private WebSocketOptions options = WebSocketOptions.DEFAULT;
        private final Headers.Builder headers = Headers.builder();
        private final List<String> subprotocols = new ArrayList<>();
        private SSLContext sslContext;
        private int maxRedirects = 10;
        private boolean pollIdle;

        private Builder() {
        }

        public Builder options(WebSocketOptions options) {
            this.options = Objects.requireNonNull(options);
            return this;
        }

        /** Adds a header to the opening handshake request (e.g. Authorization). */
        public Builder header(String name, String value) {
            headers.add(name, value);
            return this;
        }

        public Builder origin(String origin) {
            return header("Origin", origin);
        }

        public Builder userAgent(String userAgent) {
            return header("User-Agent", userAgent);
        }

        /** Subprotocols to offer, in order of preference. */
        public Builder subprotocols(String... names) {
            subprotocols.addAll(List.of(names));
            return this;
        }

        /** The TLS context for {@code wss://}; the JDK's default (system trust store) otherwise. */
        public Builder sslContext(SSLContext context) {
            this.sslContext = context;
            return this;
        }

        /** How many HTTP redirects to follow; 10 by default, 0 to follow none. */
        public Builder maxRedirects(int count) {
            this.maxRedirects = count;
            return this;
        }

        /**
         * Whether an open {@code ws://} connection goes under the watch of the JVM's poller thread, so that it holds
         * no thread while its peer is quiet (a reader virtual thread runs only while bytes arrive, as for a server's
         * connection): for many mostly idle client connections in one JVM (a gateway, a load generator). Off by
         * default: a connection then keeps a reader virtual thread parked in its socket's read, which serves busy
         * connections at about twice the message rate (docs/performance.md, "Idle client connections"). No effect
         * on {@code wss://}, which always keeps its reader.
         */
        public Builder pollIdle(boolean poll) {
            this.pollIdle = poll;
            return this;
        }

        public WebSocketClient build() {
            return new WebSocketClient(this);
        }
    }
}
