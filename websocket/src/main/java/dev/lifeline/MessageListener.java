package dev.lifeline;

/**
 * The listener style reduced to its messages: what a lambda given to
 * {@code WebSocketServer.builder((ws, message) -> ...)} is. It has no {@code onOpen} and no {@code onClose}, so a
 * server connection served by one (without TLS) holds no thread from its accept until its peer's first bytes: the
 * server's selecting thread answers the handshake, and the connection's reader starts with what arrives. A
 * {@link WebSocketListener} is a message listener with an opening and a closing: the server calls its
 * {@link WebSocketListener#onOpen} as soon as the connection opens. Which of the two the server got is the whole
 * choice: it never looks at which methods an object overrides.
 */
@FunctionalInterface
public interface MessageListener {
    /** A whole message arrived; on the connection's reader, one call at a time, in order. */
    void onMessage(WebSocket ws, Message message) throws Exception;
}
