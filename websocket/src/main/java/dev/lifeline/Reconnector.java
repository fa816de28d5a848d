package dev.lifeline;

import dev.lifeline.protocol.CloseCode;
import dev.lifeline.protocol.handshake.HandshakeException;
import dev.lifeline.protocol.handshake.Headers;
import java.io.IOException;
import java.net.URI;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The steps of a reconnect loop, shared by {@link ReconnectingWebSocket} and the reliable layer's
 * {@code ReliableClient} so that both retry, back off and give up alike: run the credentials hook and open a
 * connection ({@link #open}), count failures in a row and ask the {@link ReconnectPolicy} ({@link #next}), start
 * counting again once a connection is up ({@link #reset}).
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

    /**
     * @param uri where to connect
     * @param policy decides after each failure
     * @param credentials called before every attempt; its headers are added to that attempt's handshake
     * @param clients the client for one attempt, given the credentials hook's headers
     */
    public Reconnector(URI uri, ReconnectPolicy policy, Supplier<Headers> credentials,
            Function<Headers, WebSocketClient> clients) {
        this.uri = Objects.requireNonNull(uri, "uri");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        this.clients = Objects.requireNonNull(clients, "clients");
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
         * The server closed the connection with 1000: it ended the conversation on purpose, and a client closes
         * too (the policy is not asked, and nothing is counted).
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
        }
    }

    /** Counts {@code failure} (unless the server closed with 1000) and asks the policy what to do. */
    public Next next(Failure failure) {
        if (failure instanceof Failure.Disconnected d && d.byPeer() && d.code().equals(CloseCode.NORMAL_CLOSURE)) {
            return new Next.ClosedByPeer(d);
        }
        failures++;
        return new Next.Decided(failure, failures, policy.decide(failure, failures));
    }

    /** A connection is up (for {@code ReliableClient}: it joined the session): failures are counted from zero. */
    public void reset() {
        failures = 0;
    }

    public URI uri() {
        return uri;
    }

    /**
     * A client for one attempt: {@code options}, the subprotocols, the fixed headers then the fresh ones, then
     * whatever {@code configure} sets (TLS context, redirects...).
     */
    public static WebSocketClient client(WebSocketOptions options, Headers fixed, Headers fresh,
            Consumer<WebSocketClient.Builder> configure, String... subprotocols) {
        WebSocketClient.Builder b = WebSocketClient.builder().options(options).subprotocols(subprotocols);
        for (var h : fixed) {
            b.header(h.getKey(), h.getValue());
        }
        for (var h : fresh) {
            b.header(h.getKey(), h.getValue());
        }
        configure.accept(b);
        return b.build();
    }
}
