package dev.lifeline.protocol.handshake;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.Function;

/** Helpers for tests that talk wire bytes: HTTP heads are written as ISO-8859-1 text with explicit CRLFs. */
final class Wire {

    /** The RFC 6455 §1.2 client handshake. */
    static final String RFC_REQUEST = "GET /chat HTTP/1.1\r\n"
            + "Host: server.example.com\r\n"
            + "Upgrade: websocket\r\n"
            + "Connection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            + "Origin: http://example.com\r\n"
            + "Sec-WebSocket-Protocol: chat, superchat\r\n"
            + "Sec-WebSocket-Version: 13\r\n"
            + "\r\n";

    /** The RFC 6455 §1.2 server handshake. */
    static final String RFC_RESPONSE = "HTTP/1.1 101 Switching Protocols\r\n"
            + "Upgrade: websocket\r\n"
            + "Connection: Upgrade\r\n"
            + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
            + "Sec-WebSocket-Protocol: chat\r\n"
            + "\r\n";

    /** An unmasked text frame "Hello" from RFC 6455 §5.7, standing for whatever follows a head. */
    static final String FRAME = "\u0081\u0005Hello";

    private Wire() {}

    static byte[] bytes(String latin1) {
        return latin1.getBytes(StandardCharsets.ISO_8859_1);
    }

    static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    static ByteBuffer buffer(String latin1) {
        return ByteBuffer.wrap(bytes(latin1));
    }

    static String remaining(ByteBuffer in) {
        byte[] rest = new byte[in.remaining()];
        in.duplicate().get(rest);
        return text(rest);
    }

    /**
     * Feeds {@code in} one byte per call, as if each byte arrived alone, checking that every byte is consumed
     * while the result is incomplete. Leaves {@code in}'s limit as it was.
     */
    static <T> Optional<T> feedByteByByte(Function<ByteBuffer, Optional<T>> feed, ByteBuffer in) {
        int end = in.limit();
        try {
            for (int limit = in.position() + 1; limit <= end; limit++) {
                in.limit(limit);
                Optional<T> result = feed.apply(in);
                if (result.isPresent()) {
                    return result;
                }
                assertThat(in.hasRemaining()).as("byte %d consumed", limit - 1).isFalse();
            }
            return Optional.empty();
        } finally {
            in.limit(end);
        }
    }

    /** The HandshakeException {@code action} throws. */
    static HandshakeException failure(Runnable action) {
        try {
            action.run();
        } catch (HandshakeException e) {
            return e;
        }
        throw new AssertionError("expected a HandshakeException");
    }
}
