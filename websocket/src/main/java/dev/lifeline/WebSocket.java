package dev.lifeline;

import dev.lifeline.protocol.CloseCode;
import dev.lifeline.protocol.CloseStatus;
import dev.lifeline.protocol.ConnectionClosedException;
import dev.lifeline.protocol.State;
import dev.lifeline.protocol.handshake.HttpRequest;
import dev.lifeline.protocol.handshake.HttpResponse;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Iterator;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * An open WebSocket connection, client or server side.
 *
 * <p><b>Its state is true.</b> A reader thread of its own processes everything the peer sends, whether or not the
 * application calls {@link #receive()}: the moment a Close frame, an EOF, a reset or a protocol violation arrives,
 * {@link #state()} changes, {@link #closed()} completes when the connection is closed, and the next {@code send}
 * throws {@link ConnectionClosedException} with both Close frames attached.
 *
 * <p><b>Threads.</b> {@code send}, {@code ping}, {@code close}, {@code abort} and the getters may be called from any
 * thread; concurrent sends never interleave frames. {@code receive} and iteration allow one thread at a time
 * (a second concurrent caller gets {@link ConcurrencyException}).
 *
 * <p><b>Blocking.</b> {@code send} returns once the message is handed to TCP, and throws
 * {@link ConnectionClosedException} if the connection is closed or fails before that. It blocks while TCP's buffer
 * is full; other threads sending meanwhile queue at most {@code writeLimit} bytes, then wait too; a write blocked
 * longer than {@code writeTimeout} drops the connection. Every wait is bounded by an option.
 *
 * <p><b>Batching (on by default, {@link WebSocketOptions#withBatchedReplies}).</b> One exception to "handed to TCP": when
 * the thread that is receiving sends while more received
 * messages already wait for it (an echo or request/response loop under load), its frames are queued and written
 * together before it next waits in {@code receive}, by any other send, or within about 50 ms otherwise; and before
 * the connection is dropped when that thread calls {@code abort()}. A failure of that deferred write surfaces on the
 * next call.
 */
public interface WebSocket extends Iterable<Message>, AutoCloseable {
    /** A short identifier that prefixes every log line about this connection. */
    String id();

    /** Sends a text message. */
    void send(String text);

    /** Sends a binary message. The array is copied before {@code send} returns. */
    void send(byte[] data);

    /** Sends a binary message from the buffer's position to its limit. */
    void send(ByteBuffer data);

    /** Sends a text or binary message. */
    void send(Message message);

    /**
     * Sends one fragment of a text message (RFC 6455 §5.4); {@code last} ends the message. Until then other
     * messages cannot be sent. A surrogate pair split between fragments is kept whole.
     */
    void sendText(CharSequence fragment, boolean last);

    /** Sends one fragment of a binary message; {@code last} ends the message. */
    void sendBinary(ByteBuffer fragment, boolean last);

    /**
     * Waits for the next message.
     *
     * @throws ConnectionClosedException once every message received before the close has been returned: the
     *         {@code Ok} subtype after a normal close, the {@code Error} subtype otherwise
     */
    Message receive();

    /** Waits at most {@code timeout} for the next message; empty if none came in time. */
    Optional<Message> receive(Duration timeout);

    /**
     * The messages until the connection closes. The loop ends quietly after a normal close (1000/1001) and
     * throws {@link ConnectionClosedException} after an abnormal one.
     */
    @Override
    Iterator<Message> iterator();

    /** Sends a Ping; the future completes with the round-trip time when its Pong arrives. */
    CompletableFuture<Duration> ping();

    /** The round-trip time of the last answered Ping (keepalive or {@link #ping()}); zero before any. */
    Duration latency();

    /**
     * Bytes of frames queued for the peer and not yet handed to TCP (the browser API's {@code bufferedAmount}): what
     * a peer that reads slowly makes this side hold, at most about {@code writeLimit} plus one frame, since sends
     * beyond that wait and a broadcast skips the connection ({@link WebSocketServer#broadcast}). A snapshot: it may
     * change as soon as it is read.
     */
    long queuedBytes();

    /** Closes with 1000 and waits for the closing handshake, at most {@code closeTimeout}, then drops TCP. */
    @Override
    void close();

    /** Closes with this code and reason (at most 123 UTF-8 bytes) and waits as {@link #close()} does. */
    void close(CloseCode code, String reason);

    /**
     * Drops the TCP connection at once, without a closing handshake: when this returns, {@link #state()} is CLOSED
     * and {@link #closed()} is complete.
     */
    void abort();

    State state();

    /** The Close frame received from the peer; 1006 once closed without one; empty while open. */
    Optional<CloseStatus> closeStatus();

    /**
     * Completes when the connection is CLOSED (TCP closed), with {@link #closeStatus()}'s value. It never completes
     * exceptionally: how the connection ended is in the status and in {@link #closedException()}.
     */
    CompletableFuture<CloseStatus> closed();

    /** The exception a send would throw now: present once the connection is closing or closed. */
    Optional<ConnectionClosedException> closedException();

    Optional<String> subprotocol();

    /**
     * The opening handshake's request: the one received (server) or sent (client). A connection keeps its handshake
     * packed and builds an equal request on each call.
     */
    HttpRequest handshakeRequest();

    /** The opening handshake's response: the 101 sent (server) or received (client), built as the request is. */
    HttpResponse handshakeResponse();

    InetSocketAddress localAddress();

    InetSocketAddress remoteAddress();

    /**
     * Keeps {@code value} with this connection, replacing what was attached before ({@code null} removes it): where a
     * {@link WebSocketListener} shared by every connection keeps its state for one, without a map of its own. The
     * connection itself never reads it. What one thread attaches, any thread that calls {@link #attachment()}
     * afterwards sees.
     */
    void attach(Object value);

    /**
     * What {@link #attach} last kept with this connection, or {@code null}; cast to the type the caller attached.
     *
     * @throws ClassCastException at the caller, if what is attached is not a {@code T}
     */
    <T> T attachment();
}
