package dev.lifeline.protocol;

import dev.lifeline.protocol.handshake.HandshakeException;
import dev.lifeline.protocol.handshake.HttpRequest;
import dev.lifeline.protocol.handshake.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Optional;

/** What {@link Protocol#takeEvents()} reports, in the order it happened on the wire. */
public sealed interface Event {
    /** Server: a valid opening handshake request arrived; answer with {@link ServerProtocol#accept} or reject it. */
    record RequestReceived(HttpRequest request) implements Event {
    }

    /** The opening handshake completed; the connection is OPEN. */
    record HandshakeCompleted(HttpRequest request, HttpResponse response) implements Event {
    }

    /** The opening handshake failed; the connection is CLOSED. */
    record HandshakeFailed(HandshakeException cause) implements Event {
    }

    /**
     * A complete text message (fragments reassembled, UTF-8 validated).
     *
     * @param size the message's length in UTF-8 bytes, as it arrived (known to the decoder, so that counting bytes
     *        costs no pass over the text)
     */
    record Text(String text, int size) implements Event {
        public Text {
            if (size < 0) {
                throw new IllegalArgumentException("size " + size + " < 0");
            }
        }

        /** A text message of {@code text}, its size found by encoding it. */
        public Text(String text) {
            this(text, text.getBytes(StandardCharsets.UTF_8).length);
        }

        @Override
        public String toString() {
            return "Text[" + Protocol.excerpt(text) + " (" + text.length() + " chars)]";
        }
    }

    /** A complete binary message (fragments reassembled). */
    record Binary(byte[] data) implements Event {
        @Override
        public String toString() {
            return "Binary[" + HexFormat.of().formatHex(data, 0, Math.min(data.length, 32))
                    + (data.length > 32 ? "…" : "") + " (" + data.length + " bytes)]";
        }
    }

    /** A Ping arrived; the protocol has already queued the Pong (§5.5.2). */
    record Ping(byte[] payload) implements Event {
        @Override
        public String toString() {
            return "Ping[" + HexFormat.of().formatHex(payload) + "]";
        }
    }

    /** A Pong arrived (§5.5.3). */
    record Pong(byte[] payload) implements Event {
        @Override
        public String toString() {
            return "Pong[" + HexFormat.of().formatHex(payload) + "]";
        }
    }

    /** A Close frame arrived; the protocol has already answered it (§5.5.1). */
    record CloseReceived(CloseStatus status) implements Event {
    }

    /** The peer broke the protocol; we sent a Close frame with the exception's code and stopped reading. */
    record Failed(ProtocolException cause) implements Event {
    }

    /**
     * The TCP connection ended; the connection is CLOSED, after sending and receiving these Close frames.
     *
     * @param receivedThenSent true when the peer's Close came first
     */
    record Closed(Optional<CloseStatus> sent, Optional<CloseStatus> received, boolean receivedThenSent)
            implements Event {
        /** How the connection ended, as the exception a late send gets (built on each call: it has a stack trace). */
        public ConnectionClosedException exception() {
            return ConnectionClosedException.of(sent, received, receivedThenSent, null);
        }
    }
}
