package dev.lifeline.internal;

import dev.lifeline.MessageListener;
import dev.lifeline.WebSocketListener;
import dev.lifeline.WebSocketOptions;
import dev.lifeline.WebSocketServer;
import dev.lifeline.protocol.handshake.HttpResponse;
import dev.lifeline.protocol.handshake.ServerHandshake;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLContext;

/**
 * What a {@link WebSocketServer.Builder} held when {@link WebSocketServer.Builder#start()} ran: the running server
 * reads only this (from its poller thread too), never the builder, which its caller may go on changing.
 *
 * @param handler the handler style's handler; null in the listener style
 * @param listener the listener style's listener; null in the handler style (exactly one of the two is set)
 * @param processRequest the hook that sees requests before the handshake; empty: none, and the poller's thread
 *     may answer valid handshakes itself
 * @param allowedOrigins the origins a handshake may come from; empty: any
 * @param allowMissingOrigin whether a handshake without an Origin header passes {@code allowedOrigins}
 * @param subprotocols the subprotocols spoken, in order of preference
 * @param subprotocolRequired whether a handshake that offers none of {@code subprotocols} is refused (400)
 * @param unavailable while its condition holds, valid handshakes get its answer; empty: always available
 * @param sslContext the context for {@code wss://}; empty: plain {@code ws://}
 * @param path the only path at which handshakes are accepted; empty: any
 */
public record ServerConfig(WebSocketServer.Handler handler, MessageListener listener, String host, int port,
        int backlog, WebSocketOptions options, Optional<WebSocketServer.RequestProcessor> processRequest,
        Optional<Set<String>> allowedOrigins, boolean allowMissingOrigin, List<String> subprotocols,
        boolean subprotocolRequired, Optional<Unavailable> unavailable, Optional<SSLContext> sslContext,
        int maxHandshakes, boolean closeOnShutdown, Optional<String> path) {

    /**
     * Valid handshakes are answered {@code answer} while {@code condition} holds (a dependency is down). The condition
     * is asked for every handshake, on the poller's thread: it must return at once.
     */
    public record Unavailable(BooleanSupplier condition, HttpResponse answer) {
    }

    public ServerConfig {
        if ((handler == null) == (listener == null)) {
            throw new IllegalArgumentException("a server has a handler or a listener, not both");
        }
        allowedOrigins = allowedOrigins.map(Set::copyOf);
        subprotocols = List.copyOf(subprotocols);
        if (subprotocolRequired && subprotocols.isEmpty()) {
            throw new IllegalArgumentException("a subprotocol is required, but the server speaks none");
        }
        if (path.isPresent() && !path.get().startsWith("/")) {
            throw new IllegalArgumentException("path " + path.get() + " does not start with /");
        }
    }

    /** Whether the connections are served in the listener style. */
    boolean listenerStyle() {
        return listener != null;
    }

    /**
     * Whether the listener has an opening to be called as soon as a connection opens: it is a
     * {@link WebSocketListener}, not only a {@link MessageListener} (a lambda).
     */
    boolean listenerOpens() {
        return listener instanceof WebSocketListener;
    }

    /** The listener as the connections take it: a message listener's opening and closing do nothing. */
    WebSocketListener connectionListener() {
        return listener instanceof WebSocketListener full ? full : listener::onMessage;
    }

    /** Whether a valid WebSocket handshake goes to {@link #processRequest} before it is answered. */
    boolean processesHandshakes() {
        return processRequest.map(WebSocketServer.RequestProcessor::seesHandshakes).orElse(false);
    }

    /**
     * The server's own answer to a valid handshake instead of 101, if any, in this order: 404 at another path than
     * {@link #path}, 400 without a required subprotocol, the answer of {@link #unavailable} while its condition
     * holds, 403 from an origin not allowed. Never waits (the poller's thread asks it).
     */
    Optional<HttpResponse> refusal(ServerHandshake.Offer offer) {
        String at = offer.request().path();
        if (path.isPresent() && !path.get().equals(at)) {
            return Optional.of(HttpResponse.of(404, "no WebSocket endpoint at " + at + "; connect to " + path.get()));
        }
        if (subprotocolRequired && offer.subprotocols().stream().noneMatch(subprotocols::contains)) {
            return Optional.of(HttpResponse.of(400, "this endpoint speaks the WebSocket "
                    + (subprotocols.size() == 1 ? "subprotocol " : "subprotocols ") + String.join(", ", subprotocols)
                    + "; offer " + (subprotocols.size() == 1 ? "it" : "one") + " in Sec-WebSocket-Protocol"));
        }
        if (unavailable.isPresent() && unavailable.get().condition().getAsBoolean()) {
            return Optional.of(unavailable.get().answer());
        }
        Optional<String> origin = offer.origin();
        if (!allowedOrigins.map(allowed -> origin.map(allowed::contains).orElse(allowMissingOrigin)).orElse(true)) {
            return Optional.of(HttpResponse.of(403, "origin not allowed: " + origin.orElse("(none)")));
        }
        return Optional.empty();
    }

    /** The first of {@link #subprotocols} (ours, in order of preference) that the client offered. */
    Optional<String> selectSubprotocol(List<String> offered) {
        for (String supported : subprotocols) {
            if (offered.contains(supported)) {
                return Optional.of(supported);
            }
        }
        return Optional.empty();
    }
}
