package dev.lifeline.protocol.extension;

import dev.lifeline.protocol.CloseCode;
import dev.lifeline.protocol.ProtocolException;
import dev.lifeline.protocol.frame.Frame;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * {@code permessage-deflate} on one connection, as negotiated (RFC 7692 §7): outgoing messages through a
 * {@link MessageDeflater}, incoming ones through a {@link MessageInflater}. Holds no zlib stream until the first
 * compressed message in each direction, and none between messages in a direction without context takeover.
 */
final class DeflateExtension implements Extension {
    private final MessageDeflater sending;
    private final MessageInflater receiving;

    DeflateExtension(MessageDeflater sending, MessageInflater receiving) {
        this.sending = sending;
        this.receiving = receiving;
    }

    @Override
    public String name() {
        return PerMessageDeflate.NAME;
    }

    /** §6: RSV1 is the "Per-Message Compressed" bit. */
    @Override
    public int rsvBits() {
        return Frame.RSV1;
    }

    @Override
    public Frame encode(Frame frame, boolean firstOfMessage) {
        return sending.encode(frame, firstOfMessage);
    }

    /** Without context takeover when sending, each message is compressed on its own (RFC 7692 §7.1.1.1). */
    @Override
    public Optional<Object> messageEncoding() {
        return sending.messageEncoding();
    }

    @Override
    public ByteBuffer decode(int rsv, ByteBuffer payload, int maxSize) {
        if (rsv != Frame.RSV1) {
            throw new ProtocolException(CloseCode.PROTOCOL_ERROR, "reserved bits 0b" + Integer.toBinaryString(rsv >> 4)
                    + " set on a message; permessage-deflate gives a meaning to RSV1 only");
        }
        return receiving.decode(payload, maxSize);
    }

    /**
     * DEFLATE stores what it cannot compress in stored blocks (RFC 1951 §3.2.4) of at most 65,535 bytes, each with
     * a 5-byte header; zlib cuts them at 16 KiB or more, and the flush that ends a message adds a few bytes. So an
     * incompressible payload grows by about 1/3,000 of its size plus a constant: 1/1024 plus 64 bytes bounds it.
     */
    @Override
    public long maxExpansion(long size) {
        return size / 1024 + 64;
    }

    /** Gives the zlib streams back to the pool (which ends those it cannot keep). Safe to call twice. */
    @Override
    public void release() {
        sending.release();
        receiving.release();
    }

    MessageDeflater sending() {
        return sending;
    }

    MessageInflater receiving() {
        return receiving;
    }

    /** E.g. {@code permessage-deflate (sending: context takeover, 2^15 window; receiving: no context takeover)}. */
    @Override
    public String toString() {
        return PerMessageDeflate.NAME + " (sending: " + takeover(sending.contextTakeover()) + ", 2^"
                + sending.windowBits() + " window; receiving: " + takeover(receiving.contextTakeover()) + ")";
    }

    private static String takeover(boolean on) {
        return on ? "context takeover" : "no context takeover";
    }
}
