package dev.lifeline.protocol.extension;

import dev.lifeline.protocol.frame.Frame;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * A negotiated extension, RFC 6455 §9: it may give meaning to RSV bits and transform data messages. One instance
 * serves one connection and is used by one thread at a time (the protocol's owner).
 *
 * <p>The core assembles incoming messages; a message whose first frame carries RSV bits is passed whole to
 * {@link #decode}. Outgoing data frames pass through {@link #encode} one by one.
 */
public interface Extension {
    /** The registered extension token, e.g. {@code permessage-deflate}. */
    String name();

    /** The RSV bits ({@link Frame#RSV1} etc.) that this extension uses; others stay forbidden. */
    int rsvBits();

    /**
     * Transforms an outgoing data frame.
     *
     * @param firstOfMessage true for a TEXT or BINARY frame, false for a CONTINUATION
     */
    Frame encode(Frame frame, boolean firstOfMessage);

    /**
     * What this extension's transformation of a whole outgoing message depends on, if it depends on nothing else
     * but the message: two connections whose extensions give equal values encode a message to the same bytes, so a
     * broadcast encodes it once for both ({@link dev.lifeline.protocol.SharedMessage}). Empty (the default) when the
     * result depends on this connection's history, e.g. compression that refers to earlier messages.
     */
    default Optional<Object> messageEncoding() {
        return Optional.empty();
    }

    /**
     * Transforms a whole incoming message whose first frame carried {@code rsv}.
     *
     * @param maxSize the largest result allowed; producing more must fail with 1009 (MESSAGE_TOO_BIG) as soon as
     *        the limit is passed, not after
     * @throws dev.lifeline.protocol.ProtocolException when the data is invalid or too large
     */
    ByteBuffer decode(int rsv, ByteBuffer payload, int maxSize);

    /**
     * The most bytes this extension's encoding may add to a payload of {@code size} bytes: a peer's encoded frame or
     * message that carries {@code size} bytes of data may be this much longer on the wire. The core lets encoded
     * (RSV-marked) frames and messages exceed the frame and message limits by this much; the decoded message is
     * still held to the message limit exactly. 0 for an extension that never grows a payload.
     */
    default long maxExpansion(long size) {
        return 0;
    }

    /** Releases native resources (e.g. zlib streams); called once when the connection ends. */
    default void release() {
    }
}
