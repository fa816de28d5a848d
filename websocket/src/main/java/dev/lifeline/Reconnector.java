package dev.lifeline;

import dev.lifeline.protocol.handshake.HandshakeException;
import dev.lifeline.protocol.handshake.Headers;
import java.io.IOException;
import java.net.URI;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The steps of a reconnect loop, shared by {@link ReconnectingWebSocket} and the reliable layer's
 * {@code ReliableClient} so that both retry, back off and give up alike: run the credentials hook and open a
 * connection ({@link #open}), count failures in a row and ask the {@link ReconnectPolicy} ({@link #decide}; for
 * the reliable client {@link #next}, as a server's 1000 ends its session), start counting again once a connection
 * is up ({@link #reset}).
 *
 * <p>Not thread-safe: one per client, used by that client's own thread only, which is where the credentials hook
 * and the policy run.
 */
public final class Reconnector {
    private final URI uri;
    private final ReconnectPolicy policy;
    private final Supplier<Headers> credentials;
    private final Function<Headers, WebSocketClient> clients;
    /** Failures in a row since the last {@link #reset}. */
    private int failures;

    private Reconnector(Settings<?> settings, String... subprotocols) {
        this.uri = settings.uri;
        this.policy = settings.policy;
        this.credentials = settings.credentials;
        Headers fixed = settings.headers.build();
        WebSocketOptions options = settings.options;
        Consumer<WebSocketClient.Builder> configure = settings.configure;
        this.clients = fresh -> {
            WebSocketClient.Builder b = WebSocketClient.builder().options(options).subprotocols(subprotocols);
            for (var h : fixed) {
                b.header(h.getKey(), h.getValue());
            }
            for (var h : fresh) {
                b.header(h.getKey(), h.getValue());
            }
            configure.accept(b);
            return b.build();
        };
    }

    /** The outcome of one attempt: an open connection, or why there is none. */
    public sealed interface Attempt {
        record Opened(WebSocket ws) implements Attempt {
        }

        record Failed(Failure failure) implements Attempt {
        }
    }

    /** What comes after a failure. */
    public sealed interface Next {
        /**
         * The server closed the connection with 1000: it ended the session on purpose, and the client closes too
         * (the policy is not asked, and nothing is counted).
         */
        record ClosedByPeer(Failure.Disconnected failure) implements Next {
        }

        /** The policy's decision on failure number {@code attempt} in a row. */
        record Decided(Failure failure, int attempt, ReconnectPolicy.Decision decision) implements Next {
            /** Why the client gave up, for its close reason: {@code HTTP 403: ... (not retryable; 1 attempt)}. */
            public String detail() {
                String why = decision instanceof ReconnectPolicy.Decision.Stop stop ? stop.reason() + "; " : "";
                return failure + " (" + why + attempt + (attempt == 1 ? " attempt)" : " attempts)");
            }
        }
    }

    /**
     * One attempt: runs the credentials hook, then opens a connection (in the listener style when
     * {@code listener} is not null, see {@link WebSocketClient#open(URI, WebSocketListener)}).
     */
    public Attempt open(WebSocketListener listener) {
        Headers fresh;
        try {
            fresh = Objects.requireNonNull(credentials.get(), "the credentials hook returned null");
        } catch (RuntimeException e) {
            return new Attempt.Failed(new Failure.CredentialsFailed(e));
        }
        try {
            return new Attempt.Opened(clients.apply(fresh).open(uri, listener));
        } catch (HandshakeException e) {
            return new Attempt.Failed(new Failure.Refused(e.status(), e.getMessage(), e.headers()));
        } catch (IOException e) {
            return new Attempt.Failed(new Failure.Unreachable(e));
        } catch (OperationInterruptedException e) {
            // the client's own thread was interrupted: the policy sees the I/O failure the interrupt caused
            return new Attempt.Failed(new Failure.Unreachable((IOException) e.getCause()));
        }
    }

    /**
     * What {@code ReliableClient} does after a failure: a Close with 1000 from the server ends the session
     * ({@link Next.ClosedByPeer}, nothing counted); anything else goes to {@link #decide}.
     */
    public Next next(Failure failure) {
        if (failure instanceof Failure.Disconnected d && d.normalByPeer()) {
            return new Next.ClosedByPeer(d);
        }
        return decide(failure);
    }

    /**
     * Counts {@code failure} and asks the policy what to do; a policy that throws (or answers null) stops the
     * client.
     */
    public Next.Decided decide(Failure failure) {
        failures++;
        ReconnectPolicy.Decision decision;
        try {
            decision = Objects.requireNonNull(policy.decide(failure, failures), "the policy decided null");
        } catch (RuntimeException e) {
            decision = ReconnectPolicy.stop("the policy threw " + e);
        }
        return new Next.Decided(failure, failures, decision);
    }

    /** A connection is up (for {@code ReliableClient}: it joined the session): failures are counted from zero. */
    public void reset() {
        failures = 0;
    }

    public URI uri() {
        return uri;
    }

    /**
     * What the builder of every reconnecting client offers ({@code ReconnectingWebSocket.Builder},
     * {@code ReliableClient.Builder}): the connections' options, fixed headers, the credentials hook, the policy, and
     * any other {@link WebSocketClient} setting. Not thread-safe; build once.
     *
     * @param <B> the builder's own type, returned by every setter
     */
    public abstract static class Settings<B extends Settings<B>> {
        private final URI uri;
        private WebSocketOptions options = WebSocketOptions.DEFAULT;
        private final Headers.Builder headers = Headers.builder();
        private Supplier<Headers> credentials = Headers::empty;
        private ReconnectPolicy policy = ReconnectPolicy.standard();
        private Consumer<WebSocketClient.Builder> configure = b -> { };

        /** @throws IllegalArgumentException if {@code uri} is not {@code ws://} or {@code wss://} */
        protected Settings(URI uri) {
            this.uri = Objects.requireNonNull(uri, "uri");
            String scheme = String.valueOf(uri.getScheme()).toLowerCase(Locale.ROOT);
            if (!scheme.equals("ws") && !scheme.equals("wss")) {
                throw new IllegalArgumentException("not a ws:// or wss:// URI: " + uri);
            }
        }

        /** This builder, as its own type. */
        protected abstract B self();

        /** Options of each connection: timeouts, keepalive, limits, compression ({@code withExtensions}). */
        public B options(WebSocketOptions options) {
            this.options = Objects.requireNonNull(options);
            return self();
        }

        /** Adds a header to every opening handshake. */
        public B header(String name, String value) {
            headers.add(name, value);
            return self();
        }

        /**
         * Called before every connection attempt, on the client's thread; the headers it returns are added to that
         * attempt's handshake (e.g. a freshly refreshed {@code Authorization}). If it throws, the policy hears
         * {@link Failure.CredentialsFailed}.
         */
        public B credentials(Supplier<Headers> hook) {
            this.credentials = Objects.requireNonNull(hook);
            return self();
        }

        /** Decides after each failure whether and when to try again; {@link ReconnectPolicy#standard()} by default. */
        public B reconnect(ReconnectPolicy policy) {
            this.policy = Objects.requireNonNull(policy);
            return self();
        }

        /** Any other setting of the underlying {@link WebSocketClient}: TLS context, redirects, user agent... */
        public B configure(Consumer<WebSocketClient.Builder> configure) {
            this.configure = Objects.requireNonNull(configure);
            return self();
        }

        public URI uri() {
            return uri;
        }

        public WebSocketOptions options() {
            return options;
        }

        /** A reconnector with these settings that offers {@code subprotocols} on every handshake. */
        public Reconnector reconnector(String... subprotocols) {
            return new Reconnector(this, subprotocols);
        }
    }
}
