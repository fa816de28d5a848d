package dev.lifeline;

import java.util.List;
import java.util.Optional;
import java.util.Set;
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
 * @param sslContext the context for {@code wss://}; empty: plain {@code ws://}
 */
record ServerConfig(WebSocketServer.Handler handler, WebSocketListener listener, String host, int port, int backlog,
        WebSocketOptions options, Optional<WebSocketServer.RequestProcessor> processRequest,
        Optional<Set<String>> allowedOrigins, boolean allowMissingOrigin, List<String> subprotocols,
        Optional<SSLContext> sslContext, int maxHandshakes, boolean closeOnShutdown) {
    ServerConfig {
        if ((handler == null) == (listener == null)) {
            throw new IllegalArgumentException("a server has a handler or a listener, not both");
        }
        allowedOrigins = allowedOrigins.map(Set::copyOf);
        subprotocols = List.copyOf(subprotocols);
    }

    /** Whether the connections are served in the listener style. */
    boolean listenerStyle() {
        return listener != null;
    }

    /** Whether a valid WebSocket handshake goes to {@link #processRequest} before it is answered. */
    boolean processesHandshakes() {
        return processRequest.map(WebSocketServer.RequestProcessor::seesHandshakes).orElse(false);
    }

    /** Whether a handshake from {@code origin} (absent: no Origin header) is allowed. */
    boolean originAllowed(Optional<String> origin) {
        return allowedOrigins.map(allowed -> origin.map(allowed::contains).orElse(allowMissingOrigin)).orElse(true);
    }
}
