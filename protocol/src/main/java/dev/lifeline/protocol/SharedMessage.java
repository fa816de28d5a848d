package dev.lifeline.protocol;

import dev.lifeline.protocol.frame.Opcode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A whole TEXT or BINARY message that a server sends to many connections (a broadcast) with
 * {@link Protocol#sendShared}: its frame is encoded once per distinct encoding among those connections, not once per
 * connection. Connections without extensions share one frame; so do those with permessage-deflate without context
 * takeover on the server's side and the same level, window and minimum size, since each message is then compressed
 * on its own (RFC 7692 §7.1.1.1); each connection writes a view of the same bytes, which nobody writes into (the
 * views are plain heap buffers, not read-only ones, so that a writer can hand their array to the socket).
 *
 * <p>Not thread-safe: one thread hands it to the connections (each under its own lock), one after the other.
 */
public final class SharedMessage {
    private final Opcode opcode;
    private final ByteBuffer payload;
    /** The encodings met so far and their frames; a broadcast meets one to a few. */
    private final List<Object> encodings = new ArrayList<>(2);
    /** One per encoding, shared by its connections: its buffer's position is never moved (writers read views). */
    private final List<Outbound.Data> frames = new ArrayList<>(2);

    private SharedMessage(Opcode opcode, ByteBuffer payload) {
        this.opcode = opcode;
        this.payload = payload;
    }

    /** A text message. */
    public static SharedMessage text(String text) {
        return new SharedMessage(Opcode.TEXT, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * A binary message of {@code data}'s remaining bytes, which are not copied: the caller keeps them unchanged until
     * the last {@link Protocol#sendShared} of this message returned (each send copies them into a frame).
     */
    public static SharedMessage binary(ByteBuffer data) {
        return new SharedMessage(Opcode.BINARY, data.duplicate());
    }

    public Opcode opcode() {
        return opcode;
    }

    /** The payload's length in bytes (UTF-8 for text), before any extension transforms it. */
    public int size() {
        return payload.remaining();
    }

    /** How many frames were encoded for it so far: one per distinct encoding among the connections it went to. */
    public int encodings() {
        return frames.size();
    }

    /** A view of the payload, for a connection that must encode the message itself. */
    ByteBuffer payload() {
        return payload.duplicate();
    }

    /** The frame for connections whose encoding is {@code encoding} (shared by them all), or null if none yet. */
    Outbound.Data frame(Object encoding) {
        int i = encodings.indexOf(encoding);
        return i < 0 ? null : frames.get(i);
    }

    /** Keeps {@code frame}, just encoded, for the connections whose encoding is {@code encoding}; returns it shared. */
    Outbound.Data addFrame(Object encoding, ByteBuffer frame) {
        Outbound.Data shared = new Outbound.Data(frame);
        encodings.add(encoding);
        frames.add(shared);
        return shared;
    }

    /** E.g. {@code shared TEXT [64 bytes], 2 encodings}. */
    @Override
    public String toString() {
        return "shared " + opcode + " [" + size() + (size() == 1 ? " byte], " : " bytes], ") + encodings()
                + (encodings() == 1 ? " encoding" : " encodings");
    }
}
