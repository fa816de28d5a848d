package dev.lifeline;

import dev.lifeline.internal.ClientOpening;
import dev.lifeline.protocol.ProtocolConfig;
import dev.lifeline.protocol.handshake.HandshakeException;
import dev.lifeline.protocol.handshake.Headers;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLContext;

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
    /** Made once: every connection's protocol shares it (the options make a new one on each call). */
    private final ProtocolConfig protocolConfig;
    private final Headers headers;
    private final List<String> subprotocols;
    private final SSLContext sslContext;
    private final int maxRedirects;
    private final boolean pollIdle;

    private WebSocketClient(Builder b) {
        this.options = b.options;
        this.protocolConfig = options.protocolConfig();
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
                return ClientOpening.open(target, options, protocolConfig, headers, subprotocols, sslContext, pollIdle,
                        deadline, listener);
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
