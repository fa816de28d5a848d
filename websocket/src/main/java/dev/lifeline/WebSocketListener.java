package dev.lifeline;

import dev.lifeline.protocol.CloseStatus;

/**
 * The listener style, for servers that hold many connections ({@code WebSocketServer.builder(listener)}) and for
 * clients that prefer callbacks ({@code WebSocketClient.open(uri, listener)}): instead of a thread per connection
 * that waits in {@code receive()}, the connection's own reader thread calls {@link #onMessage} for each message, in
 * order, one at a time. An idle connection then costs one parked thread instead of two, and a reply needs no
 * hand-off between threads.
 *
 * <pre>{@code
 * WebSocketServer server = WebSocketServer.builder((ws, message) -> ws.send(message)).port(8765).start();
 * }</pre>
 *
 * <p>What runs where. {@link #onOpen} and {@link #onMessage} run on the connection's reader (a virtual thread),
 * one call at a time and in order. A server calls {@link #onOpen} as soon as the connection is open, on a virtual
 * thread that then reads until nothing is left; a server given a {@link MessageListener} that is no
 * {@code WebSocketListener} (a lambda) has no opening to call, and its connections (without TLS) take no thread until
 * their peer's first bytes. A server's connection without TLS holds no thread while its peer is quiet: its reader is
 * started anew when bytes arrive, so successive calls may come from different virtual threads (keep
 * per-connection state in the listener or an attribute of yours, not in a thread local). While a call runs,
 * nothing more is read from that connection: a slow listener holds its peer back
 * through TCP, as a full inbox does, and keepalive allows for it. Sends made by the listener are written together
 * once it returns from the messages of one read (one system call for a burst). Blocking in a listener is allowed
 * (it is a virtual thread) but blocks that connection only. Waiting there for something only the reader can bring
 * (the answer to a {@link WebSocket#ping()}) cannot work: do that from another thread. {@link WebSocket#close()}
 * called from a listener sends the Close frame and returns; the reader then completes the closing handshake.
 * {@link WebSocket#receive()} on a listener's connection throws {@code InvalidStateException}. {@link #onClose}
 * runs once, on the thread that closed the connection.
 *
 * <p>Errors. If {@link #onOpen} or {@link #onMessage} throws, the connection is closed with 1011 (no details on
 * the wire) and the exception is logged, as when a handler throws.
 */
@FunctionalInterface
public interface WebSocketListener extends MessageListener {
    /** The connection is OPEN; called once, before any message, as soon as the connection opens. */
    default void onOpen(WebSocket ws) throws Exception {
    }

    /** A whole message arrived. */
    @Override
    void onMessage(WebSocket ws, Message message) throws Exception;

    /**
     * The connection is CLOSED, with its close status (1006 when TCP ended without a closing handshake). Exceptions
     * thrown here are logged.
     */
    default void onClose(WebSocket ws, CloseStatus status) {
    }
}
