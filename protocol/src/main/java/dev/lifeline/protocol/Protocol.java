package dev.lifeline.protocol;

import dev.lifeline.protocol.extension.Extension;
import dev.lifeline.protocol.frame.Frame;
import dev.lifeline.protocol.frame.FrameDecoder;
import dev.lifeline.protocol.frame.FrameEncoder;
import dev.lifeline.protocol.frame.Opcode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * The RFC 6455 state machine, sans I/O: feed it bytes with {@link #receiveData} and {@link #receiveEof}, call the
 * {@code send*} methods, then collect {@link #takeEvents()} and write {@link #takeOutbound()}. It answers pings
 * and echoes Close frames by itself, validates everything it receives, and turns every violation into a Close
 * frame with the right code. It never touches a socket, a thread or a clock; a client's mask keys come from the
 * injected random source (a server has none: it never masks).
 *
 * <p>Not thread-safe: one owner at a time (the connection layer guards it with a lock). {@link #state()} has one
 * writer, {@link #setState}.
 */
public abstract sealed class Protocol permits ClientProtocol, ServerProtocol {
    /** Smallest payload that {@link #sendLent} lends rather than copies: below it, a copy costs less than a buffer. */
    public static final int LEND_MIN = 16 * 1024;
    /** {@link #messageEncoding()} of a connection without extensions. */
    private static final Optional<List<Object>> WITHOUT_EXTENSIONS = Optional.of(List.of());
    /**
     * The concrete exceptions of the abstract ones that code around a connection catches, loaded with the first
     * protocol: long before such code is hot. HotSpot's C2 (seen with JDK 25.0.3) compiles a {@code catch} of an
     * abstract exception class that has no concrete subclass loaded yet as a handler that cannot match; when the
     * first {@link ConnectionClosedOkException} was then loaded and thrown (a hot reliable client's reader, at its
     * first close), it skipped the compiled {@code catch (ConnectionClosedException e)} and ended the thread. With
     * these loaded first, the compiled handlers are there from the start.
     */
    static final List<Class<? extends WebSocketException>> LOADED_EARLY = List.of(
            ConnectionClosedOkException.class, ConnectionClosedErrorException.class, ProtocolException.class,
            InvalidStateException.class);

    private final Side side;
    private final ProtocolConfig config;
    /** The client's source of mask keys; null for a server. */
    private final RandomGenerator random;
    private final FrameDecoder decoder;
    /**
     * Made on the first data frame (or at the opening with extensions, whose limits it adds), so that a connection
     * that only answers keepalive Pings, which may live for days, keeps none.
     */
    private MessageAssembler assembler;

    private State state;
    private List<Extension> extensions = List.of();
    /** The payload of the control frame being read (§5.5: at most 125 bytes), sized by its header. */
    private byte[] control;
    private int controlLength;
    private boolean readingControl;
    /** True between a frame's header and the end of its payload. */
    private boolean inFrame;
    /** The opcode of the fragmented message we are sending, or null. */
    private Opcode sending;

    private CloseStatus closeSent;
    private CloseStatus closeReceived;
    private boolean receivedThenSent;
    private ProtocolException failure;
    /** Whether the Close of a peer's violation waits for {@link #releaseFailureClose()} (see {@link #holdFailureClose}). */
    private boolean holdFailureClose;
    private boolean failureCloseHeld;
    private boolean discardInput;
    private boolean eofSent;

    /**
     * What {@link #takeEvents()} and {@link #takeOutbound()} hand over: an empty immutable list until the first
     * addition, so that an idle connection (which may live for days) keeps no array for them, then an immutable list
     * of that one item (a send's frame, a broadcast's on each of its connections), a growing list from the second.
     */
    private List<Event> events = List.of();
    private List<Outbound> outbound = List.of();

    Protocol(Side side, ProtocolConfig config, RandomGenerator random) {
        this.side = side;
        this.config = config;
        this.random = random;
        this.decoder = new FrameDecoder(side == Side.SERVER, config.maxFrameSize());
        this.state = State.CONNECTING;
    }

    public final Side side() {
        return side;
    }

    public final State state() {
        return state;
    }

    public final ProtocolConfig config() {
        return config;
    }

    /** The extensions negotiated in the opening handshake, in the order they apply. */
    public final List<Extension> extensions() {
        return extensions;
    }

    /** The Close frame we sent, if any. */
    public final Optional<CloseStatus> closeSent() {
        return Optional.ofNullable(closeSent);
    }

    /** The Close frame we received, if any. */
    public final Optional<CloseStatus> closeReceived() {
        return Optional.ofNullable(closeReceived);
    }

    /** True when both Close frames were exchanged and the peer's came first. */
    public final boolean receivedThenSent() {
        return receivedThenSent;
    }

    /** The type of the fragmented message we are sending, until its last fragment is sent. */
    public final Optional<Opcode> fragmentedMessage() {
        return Optional.ofNullable(sending);
    }

    /** The protocol violation that made us fail the connection, if any. */
    public final Optional<ProtocolException> failure() {
        return Optional.ofNullable(failure);
    }

    /**
     * Whether we are waiting for the peer to close TCP: after we sent a Close frame or failed the handshake. The
     * connection layer then bounds the wait with its close timeout (§7.1.1: the server closes TCP first). A server
     * whose closing handshake is done ({@link #closingHandshakeDone()}) waits for nothing: it closes TCP itself.
     */
    public final boolean closeExpected() {
        return closeSent != null || eofSent;
    }

    /**
     * Whether both Close frames have crossed, ours sent and the peer's received, in either order. §5.5.1: "After both
     * sending and receiving a Close message, an endpoint considers the WebSocket connection closed and MUST close the
     * underlying TCP connection"; §7.1.1: a server initiates that TCP close immediately (the half-close queued with
     * its Close frame, then a full close, without waiting for the peer's FIN), while a client waits for the server's,
     * bounded by its close timeout. The state stays CLOSING until {@link #receiveEof()} reports TCP gone.
     */
    public final boolean closingHandshakeDone() {
        return closeSent != null && closeReceived != null;
    }

    /**
     * The exception that describes how this connection ended (or is ending), for a send that came too late.
     */
    public final ConnectionClosedException closedException(Throwable cause) {
        return ConnectionClosedException.of(closeSent(), closeReceived(), receivedThenSent, cause);
    }

    // ---------------------------------------------------------------- receiving

    /** Feeds bytes received from the network. Consumes all of {@code data}. */
    public final void receiveData(ByteBuffer data) {
        try {
            if (state == State.CONNECTING) {
                receiveHandshake(data);
                if (state != State.OPEN) {
                    return;
                }
            }
            if (state == State.CLOSED || discardInput) {
                data.position(data.limit());
                return;
            }
            receiveFrames(data);
        } catch (ProtocolException e) {
            failed(e);
            data.position(data.limit());
        } catch (RuntimeException e) {
            // Anything unexpected (a bug, an extension's failure) is an internal error: no details on the wire.
            ProtocolException internal = new ProtocolException(CloseCode.INTERNAL_ERROR, "internal error: " + e, e);
            failure = internal;
            event(new Event.Failed(internal));
            fail(CloseCode.INTERNAL_ERROR, "");
            data.position(data.limit());
        }
    }

    private void failed(ProtocolException e) {
        failure = e;
        event(new Event.Failed(e));
        if (holdFailureClose && state == State.OPEN) {
            // §7.1.7: no more of the peer's data is processed; the Close waits for releaseFailureClose().
            discardInput = true;
            failureCloseHeld = true;
        } else {
            fail(e.closeCode(), e.reason());
        }
    }

    /** The peer closed its side of TCP (or the connection was lost): the connection is CLOSED. */
    public final void receiveEof() {
        if (state == State.CLOSED) {
            return;
        }
        failureCloseHeld = false; // too late for a Close frame
        if (!eofSent) {
            sendEof();
        }
        setState(State.CLOSED);
        event(new Event.Closed(closeSent(), closeReceived(), receivedThenSent));
    }

    private void receiveFrames(ByteBuffer data) {
        while (!discardInput) {
            if (!inFrame) {
                if (!decoder.readHeader(data)) {
                    return;
                }
                inFrame = true;
                frameStarted();
            }
            if (readingControl) {
                controlLength += decoder.readPayload(data, control, controlLength, control.length - controlLength);
            } else {
                assembler.readPayload(decoder, data);
            }
            if (decoder.remaining() > 0) {
                return;
            }
            inFrame = false;
            frameEnded();
        }
        data.position(data.limit());
    }

    private void frameStarted() {
        readingControl = decoder.opcode().isControl();
        if (readingControl) {
            controlLength = 0;
            control = new byte[(int) decoder.length()];
        } else {
            if (assembler == null) {
                assembler = newAssembler();
            }
            assembler.frameStarted(decoder);
        }
    }

    private void frameEnded() {
        if (!readingControl) {
            Event message = assembler.frameEnded();
            if (message != null) {
                event(message);
            }
            return;
        }
        readingControl = false;
        byte[] payload = control;
        control = null;
        switch (decoder.opcode()) {
            case PING -> {
                event(new Event.Ping(payload));
                // §5.5.2: upon receipt of a Ping, an endpoint MUST send a Pong in response with the same payload.
                if (closeSent == null) {
                    sendFrame(Frame.of(Opcode.PONG, ByteBuffer.wrap(payload)));
                }
            }
            case PONG -> event(new Event.Pong(payload));
            case CLOSE -> closeFrameReceived(CloseStatus.parse(ByteBuffer.wrap(payload)));
            default -> throw new IllegalStateException("not a control opcode: " + decoder.opcode());
        }
    }

    private void closeFrameReceived(CloseStatus status) {
        closeReceived = status;
        event(new Event.CloseReceived(status));
        // §5.5.1: after receiving a Close frame, no more data is processed.
        discardInput = true;
        if (closeSent == null) {
            // §5.5.1: an endpoint that receives a Close frame MUST send a Close frame in response, typically
            // echoing the status code it received.
            receivedThenSent = true;
            CloseStatus echo = new CloseStatus(status.code(), "");
            closeSent = echo;
            sendFrame(Frame.of(Opcode.CLOSE, echo.toPayload()));
        }
        setState(State.CLOSING);
        // §7.1.1: the server closes the TCP connection first, once the closing handshake is done.
        if (side == Side.SERVER) {
            sendEof();
        }
    }

    // ---------------------------------------------------------------- sending

    /** Sends a whole text message. */
    public final void sendText(String text) {
        sendData(Opcode.TEXT, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), true, true);
    }

    /** Sends a text frame: a whole message when {@code fin}, else the first fragment. {@code utf8} must be UTF-8. */
    public final void sendText(ByteBuffer utf8, boolean fin) {
        sendData(Opcode.TEXT, utf8, fin, false);
    }

    /** Sends a binary frame: a whole message when {@code fin}, else the first fragment. */
    public final void sendBinary(ByteBuffer data, boolean fin) {
        sendData(Opcode.BINARY, data, fin, false);
    }

    /**
     * Sends a whole text or binary message like {@link #sendText(ByteBuffer, boolean)} or
     * {@link #sendBinary(ByteBuffer, boolean)}, but <em>lends</em> {@code payload} instead of copying it where that
     * saves work: a server's frame of at least {@value #LEND_MIN} bytes that no extension transforms goes out as a
     * small header buffer followed by {@code payload} itself. The caller keeps {@code payload}'s bytes unchanged
     * until every buffer that {@link #takeOutbound()} returns after this call is written (or dropped).
     */
    public final void sendLent(Opcode opcode, ByteBuffer payload) {
        if (opcode != Opcode.TEXT && opcode != Opcode.BINARY) {
            throw new IllegalArgumentException("only TEXT and BINARY messages can be lent, not " + opcode);
        }
        sendData(opcode, payload, true, true);
    }

    /**
     * Sends a whole message that other connections send too (a broadcast), encoded once for all of them where the
     * encoding allows it. A server's frames are not masked (RFC 6455 §5.1), so the frame that one connection
     * encodes serves every connection whose extensions transform the message alike: the bytes {@link #takeOutbound()}
     * returns are then a view of the frame that {@code message} keeps. An extension that carries state from message
     * to message (permessage-deflate with context takeover) makes this connection encode it alone, as
     * {@link #sendBinary} would. The message's payload is read during this call only, never kept.
     *
     * @throws IllegalStateException on a client, which masks each frame with a key of its own (§5.3)
     */
    public final void sendShared(SharedMessage message) {
        Outbound.Data shared = sendSharedFrame(message);
        if (shared != null) {
            write(shared.bytes().duplicate());
        }
    }

    /**
     * {@link #sendShared}, handing the shared frame back instead of adding it to {@link #takeOutbound()}, for a
     * caller that queues one message for many connections and wants to allocate nothing per connection. Returns the
     * frame to write after whatever {@link #takeOutbound()} holds now: the same instance for every connection of
     * this encoding, whose bytes nobody may change and whose buffer's position nobody may move (a writer reads them
     * by absolute index or through a view). Returns null when this connection encoded the message alone (an
     * extension with state between messages): its frame is then in {@link #takeOutbound()}.
     *
     * @throws IllegalStateException on a client, which masks each frame with a key of its own (§5.3)
     */
    public final Outbound.Data sendSharedFrame(SharedMessage message) {
        if (side != Side.SERVER) {
            throw new IllegalStateException("a client masks each frame with a new key (RFC 6455 §5.3): it cannot "
                    + "send a frame shared with other connections");
        }
        Optional<List<Object>> encoding = messageEncoding();
        if (encoding.isEmpty()) {
            sendData(message.opcode(), message.payload(), true, false);
            return null;
        }
        checkCanSendMessage(message.opcode());
        Outbound.Data frame = message.frame(encoding.get());
        if (frame == null) { // the first connection of this encoding encodes the frame for all of them
            frame = message.addFrame(encoding.get(), FrameEncoder.encode(encodeWhole(message.opcode(),
                    message.payload()), false, 0));
        }
        return frame;
    }

    /**
     * What this connection's encoding of a whole message depends on besides the message (its extensions'
     * {@link Extension#messageEncoding()}, in order), or empty when an extension keeps state between messages.
     */
    private Optional<List<Object>> messageEncoding() {
        if (extensions.isEmpty()) {
            return WITHOUT_EXTENSIONS; // a broadcast asks each connection: nothing to allocate for the common case
        }
        List<Object> keys = new ArrayList<>(extensions.size());
        for (Extension extension : extensions) {
            Optional<Object> key = extension.messageEncoding();
            if (key.isEmpty()) {
                return Optional.empty();
            }
            keys.add(key.get());
        }
        return Optional.of(keys);
    }

    /** Sends the next fragment of the message started with {@code sendText} or {@code sendBinary}. */
    public final void sendContinuation(ByteBuffer data, boolean fin) {
        sendData(Opcode.CONTINUATION, data, fin, false);
    }

    /** Sends a Ping (§5.5.2); the payload is at most 125 bytes. */
    public final void sendPing(ByteBuffer payload) {
        sendControl(Opcode.PING, payload);
    }

    /** Sends an unsolicited Pong (§5.5.3: a unidirectional heartbeat). */
    public final void sendPong(ByteBuffer payload) {
        sendControl(Opcode.PONG, payload);
    }

    /**
     * Starts the closing handshake (§7.1.2): sends a Close frame; the connection is CLOSING. While the Close of a
     * peer's violation is held ({@link #failureCloseHeld()}), that Close is sent instead.
     *
     * @param code a code valid on the wire, or 1005 to send a Close frame with no payload
     */
    public final void sendClose(CloseCode code, String reason) {
        if (failureCloseHeld) {
            releaseFailureClose();
            return;
        }
        checkCanSend();
        CloseStatus status = new CloseStatus(code, reason);
        ByteBuffer payload = status.toPayload();
        closeSent = status;
        sendFrame(Frame.of(Opcode.CLOSE, payload));
        setState(State.CLOSING);
    }

    /**
     * Fails the connection (§7.1.7): sends a Close frame with {@code code} if the connection is OPEN, stops
     * processing input, and (server side) closes TCP at once; a client waits for the server to close it. Before
     * the opening handshake completes there is no Close frame to send: TCP is closed and the state is CLOSED.
     * Safe to call in any state. A reason longer than 123 bytes is cut at a character boundary. While the Close of a
     * peer's violation is held ({@link #failureCloseHeld()}), that Close is sent instead.
     */
    public final void fail(CloseCode code, String reason) {
        if (failureCloseHeld) {
            failureCloseHeld = false;
            fail(failure.closeCode(), failure.reason());
            return;
        }
        // 1006 means "no Close frame" (§7.4.1); 1005 is sent as an empty Close frame.
        if (state == State.OPEN && !code.equals(CloseCode.ABNORMAL_CLOSURE)) {
            String text = code.equals(CloseCode.NO_STATUS_RECEIVED) ? "" : truncate(reason);
            CloseStatus status = new CloseStatus(code, text);
            closeSent = status;
            sendFrame(Frame.of(Opcode.CLOSE, status.toPayload()));
            setState(State.CLOSING);
        }
        discardInput = true;
        if (state == State.CONNECTING) {
            // No WebSocket connection yet, so no Close frame to send: the handshake is over, close TCP.
            abortHandshake();
        } else if (side == Side.SERVER) {
            sendEof();
        }
    }

    /**
     * Whether to hold the Close frame of a peer's protocol violation until {@link #releaseFailureClose()}, for an I/O
     * layer that hands messages to an application: the messages that arrived before the violation are still
     * reported, and what the application sends in answer to them goes out before the Close (what was sent before
     * the failure was sent before it). Meanwhile the violation is reported ({@link Event.Failed},
     * {@link #failure()}), no more input is processed (§7.1.7), the state stays OPEN and sends work. Off by default:
     * the Close is queued as soon as the violation is seen.
     */
    public final void holdFailureClose(boolean hold) {
        this.holdFailureClose = hold;
    }

    /** Whether the Close of a peer's violation waits for {@link #releaseFailureClose()}. */
    public final boolean failureCloseHeld() {
        return failureCloseHeld;
    }

    /** Sends the Close frame of the peer's violation if it is held (see {@link #holdFailureClose}); else nothing. */
    public final void releaseFailureClose() {
        if (failureCloseHeld) {
            fail(failure.closeCode(), failure.reason());
        }
    }

    /** Events since the last call, in order (a list the caller may keep, not change). */
    public final List<Event> takeEvents() {
        List<Event> taken = events;
        events = List.of();
        return taken;
    }

    /**
     * Bytes to write and the half-close signal since the last call, in order (a list the caller may keep, not
     * change). The caller owns the buffers.
     */
    public final List<Outbound> takeOutbound() {
        List<Outbound> taken = outbound;
        outbound = List.of();
        return taken;
    }

    /** True when {@link #takeOutbound()} has something. */
    public final boolean hasOutbound() {
        return !outbound.isEmpty();
    }

    /**
     * The subprotocol the opening handshake settled on, if any: the server's choice among the client's offers. It no
     * longer changes once the connection is open.
     */
    public abstract Optional<String> subprotocol();

    // ---------------------------------------------------------------- for the handshake subclasses

    abstract void receiveHandshake(ByteBuffer data);

    final RandomGenerator random() {
        return random;
    }

    final void event(Event event) {
        events = appended(events, event);
    }

    final void write(ByteBuffer bytes) {
        outbound = appended(outbound, new Outbound.Data(bytes));
    }

    /** {@code list} with {@code item} added: a new list in place of the shared empty one or of a single item. */
    private static <T> List<T> appended(List<T> list, T item) {
        if (list.isEmpty()) {
            return List.of(item);
        }
        List<T> growing = list instanceof ArrayList<T> ? list : new ArrayList<>(list);
        growing.add(item);
        return growing;
    }

    /** The opening handshake succeeded with these extensions. */
    final void open(List<Extension> negotiated) {
        extensions = List.copyOf(negotiated);
        decoder.allowRsv(rsvBits(extensions));
        if (!extensions.isEmpty()) {
            assembler = newAssembler();
            decoder.allowExpansion(assembler.useExtensions(extensions));
        }
        setState(State.OPEN);
    }

    private MessageAssembler newAssembler() {
        return new MessageAssembler(config.maxMessageSize(), config.maxFrameSize());
    }

    /** The RSV bits that these extensions use together. */
    static int rsvBits(List<Extension> extensions) {
        int rsv = 0;
        for (Extension extension : extensions) {
            rsv |= extension.rsvBits();
        }
        return rsv;
    }

    /** The opening handshake failed: close TCP; nothing more happens on this connection. */
    final void abortHandshake() {
        sendEof();
        setState(State.CLOSED);
    }

    final void sendEof() {
        if (!eofSent) {
            eofSent = true;
            outbound = appended(outbound, Outbound.EOF);
        }
    }

    // ---------------------------------------------------------------- internals

    private void setState(State next) {
        state = next;
    }

    private void checkCanSend() {
        if (state == State.CONNECTING) {
            throw new InvalidStateException("cannot send before the opening handshake completes");
        }
        if (state != State.OPEN) {
            throw closedException(null);
        }
    }

    private void sendData(Opcode opcode, ByteBuffer payload, boolean fin, boolean lent) {
        checkCanSendMessage(opcode);
        Frame plain = new Frame(opcode, fin, 0, payload);
        Frame frame = plain;
        for (Extension extension : extensions) {
            frame = extension.encode(frame, opcode != Opcode.CONTINUATION);
        }
        if (opcode != Opcode.CONTINUATION) {
            sending = opcode;
        }
        if (fin) {
            sending = null;
        }
        if (lent && side == Side.SERVER && frame == plain && payload.remaining() >= LEND_MIN) {
            write(FrameEncoder.encodeHeader(frame));
            write(payload.duplicate());
            return;
        }
        sendFrame(frame);
    }

    /** Checks that a frame of {@code opcode} may be sent now: OPEN, and continuing a fragmented message or not. */
    private void checkCanSendMessage(Opcode opcode) {
        checkCanSend();
        if (opcode == Opcode.CONTINUATION) {
            if (sending == null) {
                throw new InvalidStateException("no fragmented message to continue");
            }
        } else if (sending != null) {
            throw new InvalidStateException("cannot start a " + opcode + " message inside a fragmented " + sending
                    + " message; send its continuation first");
        }
    }

    /** A whole message's frame, transformed by the extensions. */
    private Frame encodeWhole(Opcode opcode, ByteBuffer payload) {
        Frame frame = new Frame(opcode, true, 0, payload);
        for (Extension extension : extensions) {
            frame = extension.encode(frame, true);
        }
        return frame;
    }

    private void sendControl(Opcode opcode, ByteBuffer payload) {
        checkCanSend();
        if (payload.remaining() > 125) {
            throw new IllegalArgumentException(opcode + " payload of " + payload.remaining() + " bytes exceeds 125");
        }
        sendFrame(Frame.of(opcode, payload));
    }

    private void sendFrame(Frame frame) {
        boolean mask = side == Side.CLIENT;
        write(FrameEncoder.encode(frame, mask, mask ? random.nextInt() : 0));
    }

    private static String truncate(String reason) {
        byte[] bytes = reason.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= CloseStatus.MAX_REASON_BYTES) {
            return reason;
        }
        int end = CloseStatus.MAX_REASON_BYTES;
        while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
            end--;
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }

    static String excerpt(String text) {
        String shown = text.length() > 60 ? text.substring(0, 60) + "…" : text;
        return "'" + shown.replace("\n", "\\n") + "'";
    }

    @Override
    public String toString() {
        return side + " " + state;
    }
}
