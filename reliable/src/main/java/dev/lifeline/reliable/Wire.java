package dev.lifeline.reliable;

import dev.lifeline.Message;
import dev.lifeline.WebSocket;
import dev.lifeline.protocol.CloseCode;
import dev.lifeline.protocol.CloseStatus;
import dev.lifeline.protocol.ConnectionClosedException;
import dev.lifeline.protocol.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/** Envelopes on a {@link WebSocket}: reading them, refusing a connection, and reading how a connection ended. */
final class Wire {
    private Wire() {
    }

    /**
     * Waits at most {@code timeout} for the first envelope of a connection (HELLO or WELCOME).
     *
     * @throws ProtocolException (1002) if none came in time or it is not an envelope
     * @throws ConnectionClosedException if the connection closed first
     */
    static Envelope readHandshake(WebSocket ws, Duration timeout) {
        return decode(ws.receive(timeout).orElseThrow(() -> new ProtocolException(CloseCode.PROTOCOL_ERROR,
                "no resume handshake within " + timeout)));
    }

    /**
     * The envelope in a WebSocket message.
     *
     * @throws ProtocolException 1003 for a text message, or as {@link Envelope#decode} does
     */
    static Envelope decode(Message message) {
        return switch (message) {
            case Message.Binary b -> Envelope.decode(b.buffer());
            case Message.Text t -> throw new ProtocolException(CloseCode.UNSUPPORTED_DATA,
                    "text message received; " + Envelope.SUBPROTOCOL + " envelopes are binary");
        };
    }

    /** Closes the connection for a violation of the reliable protocol, with the code it carries. */
    static void refuse(WebSocket ws, ProtocolException e) {
        ws.close(e.closeCode(), truncate(e.getMessage()));
    }

    /** A close reason that fits in a Close frame (RFC 6455 §5.5: 123 bytes of UTF-8). */
    static String truncate(String reason) {
        byte[] utf8 = reason.getBytes(StandardCharsets.UTF_8);
        if (utf8.length <= CloseStatus.MAX_REASON_BYTES) {
            return reason;
        }
        String cut = new String(utf8, 0, CloseStatus.MAX_REASON_BYTES - 3, StandardCharsets.UTF_8);
        return cut.substring(0, Math.max(0, cut.length() - 1)) + "…";
    }
}
