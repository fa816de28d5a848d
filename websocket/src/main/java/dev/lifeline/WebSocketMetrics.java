package dev.lifeline;

import dev.lifeline.protocol.CloseCode;
import dev.lifeline.protocol.Side;
import java.time.Duration;
import java.util.Optional;

/**
 * Told what happens to connections, for counters and gauges: set it with {@link WebSocketOptions#withMetrics}; the
 * {@code lifeline-micrometer} module binds it to a Micrometer {@code MeterRegistry}. Every method does nothing by
 * default, and {@link #NONE} (the default) is never called for per-message work at all: a connection checks for it
 * first, so that nobody listening costs nothing.
 *
 * <p>Threading: methods are called on the connection's own threads (its reader, the sending threads, the timer),
 * concurrently for different connections and sometimes while the connection's lock is held. An implementation
 * must be thread-safe, fast and non-blocking (increment a counter, record a value), must not throw, and must not
 * call back into the connection.
 *
 * <p>Messages and bytes count application payloads (UTF-8 bytes for text) of complete messages, not frame headers;
 * a fragmented message counts once, when its last fragment goes or arrives.
 */
public interface WebSocketMetrics {
    /** Listens to nothing; connections skip their measurements for it. */
    WebSocketMetrics NONE = new WebSocketMetrics() {
        @Override
        public String toString() {
            return "WebSocketMetrics.NONE";
        }
    };

    /** The type of a data message. */
    enum Kind { TEXT, BINARY }

    /**
     * Who sent the first Close frame: {@code US}, the {@code PEER}, or {@code NEITHER} (TCP ended without one: a
     * dead peer, a dropped connection).
     */
    enum ClosedFirst { US, PEER, NEITHER }

    /** A server accepted a socket: one more opening handshake in flight. */
    default void handshakeStarted() { }

    /** A server's handshake in flight ended: opened, refused or dropped. Once per {@link #handshakeStarted()}. */
    default void handshakeEnded() { }

    /**
     * A server answered a handshake request with an HTTP error {@code status} (4xx, 5xx) instead of 101: a bad
     * request, a refused origin, the application's refusal, too many handshakes, shutting down.
     */
    default void handshakeRefused(int status) { }

    /** A connection is OPEN; {@code handshake} is how long it took from the accepted socket (server) or from the
     * start of the connect (client, TCP and TLS included) to the end of the opening handshake. */
    default void opened(Side side, Duration handshake) { }

    /**
     * A connection is CLOSED, after being open for {@code open}.
     *
     * @param sent the code of the Close frame we sent, if any
     * @param received the code of the Close frame we received, if any
     * @param first who sent the first Close frame
     */
    default void closed(Side side, Duration open, Optional<CloseCode> sent, Optional<CloseCode> received,
            ClosedFirst first) { }

    /** {@code messages} complete messages of {@code kind} arrived, {@code bytes} of payload in all. */
    default void received(Side side, Kind kind, int messages, long bytes) { }

    /**
     * {@code messages} messages of {@code kind} were sent, {@code bytes} of payload in all; a fragment that is not
     * the last of its message counts its bytes and no message.
     */
    default void sent(Side side, Kind kind, int messages, long bytes) { }

    /**
     * A server's {@code broadcast} did not queue its message of {@code bytes} for one connection: more than
     * {@code writeLimit} bytes were waiting to be written to it (a slow reader), or its application was sending a
     * fragmented message. Once per connection that missed the message.
     */
    default void broadcastDropped(Kind kind, long bytes) { }

    /** A Ping of ours (keepalive or {@code ping()}) was answered after {@code roundTrip}. */
    default void pingAnswered(Side side, Duration roundTrip) { }

    /** Keepalive found a dead peer: a Ping went unanswered for {@code pingTimeout}; the connection fails (1011). */
    default void keepaliveFailed(Side side) { }

    /** A {@code send()} call returned after {@code nanos}: waiting for room below {@code writeLimit}, and writing. */
    default void sendBlocked(Side side, long nanos) { }

    /** A write stayed blocked longer than {@code writeTimeout} (the peer does not read); TCP is dropped. */
    default void writeStalled(Side side) { }

    /** The reader stopped reading the socket because {@code maxQueue} received messages wait (backpressure). */
    default void readerPaused(Side side) { }
}
