package dev.lifeline.protocol;

import dev.lifeline.protocol.frame.Utf8Validator;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The content of a Close frame, RFC 6455 §5.5.1: a code and a UTF-8 reason. Prints as {@code 1000 (normal) "bye"}.
 * A Close frame with an empty body is reported as {@link CloseCode#NO_STATUS_RECEIVED} with an empty reason.
 */
public record CloseStatus(CloseCode code, String reason) {
    /** §5.5: control frame payloads are at most 125 bytes, two of which hold the code. */
    public static final int MAX_REASON_BYTES = 123;

    public CloseStatus {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(reason, "reason");
    }

    public static CloseStatus of(int code, String reason) {
        return new CloseStatus(CloseCode.of(code), reason);
    }

    /**
     * Parses a Close frame payload (§5.5.1, §7.1.5): empty means 1005; one byte is a protocol error; a code not
     * valid on the wire is a protocol error (1002); a reason that is not UTF-8 is invalid payload (1007).
     */
    public static CloseStatus parse(ByteBuffer payload) {
        int n = payload.remaining();
        if (n == 0) {
            return new CloseStatus(CloseCode.NO_STATUS_RECEIVED, "");
        }
        if (n == 1) {
            throw new ProtocolException(CloseCode.PROTOCOL_ERROR, "close frame with a 1-byte payload");
        }
        byte[] bytes = new byte[n];
        payload.duplicate().get(bytes);
        int code = ((bytes[0] & 0xFF) << 8) | (bytes[1] & 0xFF);
        if (!CloseCode.isValidOnWire(code)) {
            throw new ProtocolException(CloseCode.PROTOCOL_ERROR, "invalid close code " + code);
        }
        if (!Utf8Validator.isValid(bytes, 2, n - 2)) {
            throw new ProtocolException(CloseCode.INVALID_PAYLOAD, "close reason is not valid UTF-8");
        }
        return new CloseStatus(CloseCode.of(code), new String(bytes, 2, n - 2, StandardCharsets.UTF_8));
    }

    /**
     * The Close frame payload for this status: empty for 1005, else the code and the reason.
     *
     * @throws IllegalArgumentException if the code may not be sent or the reason exceeds 123 bytes in UTF-8
     */
    public ByteBuffer toPayload() {
        if (code.equals(CloseCode.NO_STATUS_RECEIVED) && reason.isEmpty()) {
            return ByteBuffer.allocate(0);
        }
        if (!code.isValidOnWire()) {
            throw new IllegalArgumentException("close code " + code + " may not be sent in a close frame");
        }
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        if (text.length > MAX_REASON_BYTES) {
            throw new IllegalArgumentException(
                    "close reason of " + text.length + " bytes exceeds " + MAX_REASON_BYTES + " bytes in UTF-8");
        }
        ByteBuffer buf = ByteBuffer.allocate(2 + text.length);
        buf.putShort((short) code.value()).put(text).flip();
        return buf;
    }

    @Override
    public String toString() {
        return reason.isEmpty() ? code.toString() : code + " \"" + reason + "\"";
    }
}
