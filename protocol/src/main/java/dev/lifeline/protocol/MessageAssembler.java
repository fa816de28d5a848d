package dev.lifeline.protocol;

import dev.lifeline.protocol.extension.Extension;
import dev.lifeline.protocol.frame.FrameDecoder;
import dev.lifeline.protocol.frame.Opcode;
import dev.lifeline.protocol.frame.Utf8Validator;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Reassembles data frames into messages, RFC 6455 §5.4: a message is one TEXT or BINARY frame followed by
 * CONTINUATION frames up to the one with FIN set; control frames may come in between. Text is validated as UTF-8
 * while it arrives (§8.1), so that an invalid byte fails the connection with 1007 at once. The size limits are
 * checked against each frame's declared length before its payload is buffered (1009). An encoded (compressed)
 * message may exceed the frame and message limits by its extension's overhead ({@link Extension#maxExpansion}), so
 * that a message at the limit that the peer could not compress still fits; once decoded it is held to the message
 * limit exactly.
 */
final class MessageAssembler {
    private static final int INITIAL_FRAGMENTED_CAPACITY = 4096;

    private final int maxMessageSize;
    private final int maxFrameSize;
    /** Made for the first text message validated while it arrives: a connection may carry only binary ones. */
    private Utf8Validator utf8;
    private List<Extension> extensions = List.of();
    /** What the negotiated extensions may add to a message of {@link #maxMessageSize} bytes; 0 without any. */
    private long messageExpansion;

    /** The opcode of the message being assembled, or null between messages. */
    private Opcode opcode;
    private int rsv;
    private boolean validateWhileReceiving;
    private byte[] buffer;
    private int length;
    private boolean lastFrame;

    MessageAssembler(int maxMessageSize, int maxFrameSize) {
        this.maxMessageSize = maxMessageSize;
        this.maxFrameSize = maxFrameSize;
    }

    /** Decodes with {@code negotiated}; returns the overhead their encodings may add to a frame at the frame limit. */
    long useExtensions(List<Extension> negotiated) {
        this.extensions = negotiated;
        // an array holds at most Integer.MAX_VALUE - 8 bytes: the allowance never takes a message past that
        messageExpansion = Math.max(0, Math.min(maxExpansion(maxMessageSize), Integer.MAX_VALUE - 8L - maxMessageSize));
        return maxExpansion(maxFrameSize);
    }

    private long maxExpansion(long size) {
        long most = 0;
        for (Extension extension : extensions) {
            most = Math.max(most, extension.maxExpansion(size));
        }
        return most;
    }

    /** A data frame's header was decoded: check it against the message in progress and make room for it. */
    void frameStarted(FrameDecoder frame) {
        Opcode op = frame.opcode();
        if (op == Opcode.CONTINUATION) {
            if (opcode == null) {
                throw new ProtocolException(CloseCode.PROTOCOL_ERROR, "continuation frame without a message to continue");
            }
            if (frame.rsv() != 0) {
                throw new ProtocolException(CloseCode.PROTOCOL_ERROR, "reserved bits set on a continuation frame");
            }
        } else {
            if (opcode != null) {
                throw new ProtocolException(CloseCode.PROTOCOL_ERROR,
                        "new " + op + " message started before the fragmented " + opcode + " message ended");
            }
            opcode = op;
            rsv = frame.rsv();
            length = 0;
            validateWhileReceiving = op == Opcode.TEXT && rsv == 0;
            if (validateWhileReceiving) {
                if (utf8 == null) {
                    utf8 = new Utf8Validator();
                } else {
                    utf8.reset();
                }
            }
        }
        if (rsv == 0 && frame.length() > maxFrameSize) {
            // the decoder allowed for an encoding's overhead; this message is not encoded
            throw FrameDecoder.frameTooBig(frame.length(), maxFrameSize);
        }
        long total = length + frame.length();
        long limit = rsv == 0 ? maxMessageSize : maxMessageSize + messageExpansion;
        if (total > limit) {
            throw new ProtocolException(CloseCode.MESSAGE_TOO_BIG,
                    "message of at least " + total + " bytes exceeds the limit of " + maxMessageSize + " bytes"
                            + (rsv == 0 ? "" : " (compressed, with " + messageExpansion + " bytes allowed for overhead)"));
        }
        lastFrame = frame.fin();
        if (buffer == null || total > buffer.length) {
            int capacity = lastFrame && length == 0 ? (int) total
                    : (int) Math.min(limit, Math.max(total, Math.max(INITIAL_FRAGMENTED_CAPACITY,
                            buffer == null ? 0 : 2L * buffer.length)));
            buffer = buffer == null || length == 0 ? new byte[capacity] : Arrays.copyOf(buffer, capacity);
        }
    }

    /** Takes as much of the current frame's payload from {@code in} as is there. */
    void readPayload(FrameDecoder frame, ByteBuffer in) {
        int start = length;
        int n = frame.readPayload(in, buffer, length, buffer.length - length);
        length += n;
        if (validateWhileReceiving && n > 0) {
            int bad = utf8.feed(buffer, start, n);
            if (bad >= 0) {
                throw new ProtocolException(CloseCode.INVALID_PAYLOAD,
                        "invalid UTF-8 at byte " + bad + " of a text message");
            }
        }
    }

    /** The current frame is complete; returns the message event if it was the last frame, else null. */
    Event frameEnded() {
        if (!lastFrame) {
            return null;
        }
        Opcode op = opcode;
        opcode = null;
        byte[] data = buffer;
        int size = length;
        buffer = null;
        length = 0;
        if (rsv != 0) {
            ByteBuffer decoded = decode(ByteBuffer.wrap(data, 0, size));
            size = decoded.remaining();
            data = decoded.hasArray() && decoded.arrayOffset() == 0 && decoded.position() == 0
                    ? decoded.array() : toArray(decoded);
        }
        if (op == Opcode.TEXT) {
            boolean valid = validateWhileReceiving ? utf8.isComplete() : Utf8Validator.isValid(data, 0, size);
            if (!valid) {
                throw new ProtocolException(CloseCode.INVALID_PAYLOAD,
                        validateWhileReceiving ? "text message ends inside a UTF-8 sequence"
                                : "invalid UTF-8 in a text message");
            }
            return new Event.Text(new String(data, 0, size, StandardCharsets.UTF_8), size);
        }
        return new Event.Binary(size == data.length ? data : Arrays.copyOf(data, size));
    }

    private ByteBuffer decode(ByteBuffer payload) {
        for (Extension extension : extensions) {
            if ((rsv & extension.rsvBits()) != 0) {
                return extension.decode(rsv, payload, maxMessageSize);
            }
        }
        throw new ProtocolException(CloseCode.PROTOCOL_ERROR, "reserved bits set without a negotiated extension");
    }

    private static byte[] toArray(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }
}
