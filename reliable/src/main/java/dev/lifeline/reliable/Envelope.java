package dev.lifeline.reliable;

import dev.lifeline.protocol.CloseCode;
import dev.lifeline.protocol.ProtocolException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One message of the {@value #SUBPROTOCOL} wire protocol, carried in one binary WebSocket message: a type byte,
 * then fields. Sequence numbers and acknowledgements are unsigned LEB128 varints of at most 8 bytes whose value
 * is at most {@link #MAX_SEQ} (2<sup>53</sup> − 1, so that a JavaScript number holds it exactly).
 * docs/topics/reliable-protocol.md describes every byte.
 *
 * <pre>
 * DATA_TEXT   0x01 | seq | ack | UTF-8 payload (to the end)
 * DATA_BINARY 0x02 | seq | ack | payload (to the end)
 * ACK         0x03 | ack
 * HELLO       0x10 | lastReceived | tokenLength | token     (client → server, first message)
 * WELCOME     0x11 | outcome (0 NEW, 1 RESUMED) | lastReceived | tokenLength | token   (server → client)
 * </pre>
 *
 * <p>Decoding a malformed message throws {@link ProtocolException} with 1002 (1007 for a text payload that is not
 * UTF-8), the code the connection is then closed with.
 */
public sealed interface Envelope {
    /** The WebSocket subprotocol (RFC 6455 §1.9) both peers must agree on. */
    String SUBPROTOCOL = "lifeline.reliable.v1";
    /** The largest sequence number: 2<sup>53</sup> − 1. */
    long MAX_SEQ = (1L << 53) - 1;
    /** The longest session token. */
    int MAX_TOKEN_LENGTH = 64;
    /** The most bytes a DATA header (type, seq, ack) takes. */
    int MAX_DATA_OVERHEAD = 1 + 8 + 8;

    byte TYPE_TEXT = 0x01;
    byte TYPE_BINARY = 0x02;
    byte TYPE_ACK = 0x03;
    byte TYPE_HELLO = 0x10;
    byte TYPE_WELCOME = 0x11;

    /** The bytes of this envelope on the wire. */
    byte[] encode();

    /**
     * An application message: {@code seq} numbers it (from 1, one per message, per direction), {@code ack} is the
     * sender's cumulative acknowledgement of the other direction.
     */
    record Data(long seq, long ack, boolean text, byte[] payload) implements Envelope {
        public Data {
            checkSeq(seq, "seq");
            checkSeq(ack, "ack");
            if (seq == 0) {
                throw new IllegalArgumentException("sequence numbers start at 1");
            }
            Objects.requireNonNull(payload, "payload");
        }

        @Override
        public byte[] encode() {
            ByteArrayOutputStream out = new ByteArrayOutputStream(MAX_DATA_OVERHEAD + payload.length);
            out.write(text ? TYPE_TEXT : TYPE_BINARY);
            writeVarint(out, seq);
            writeVarint(out, ack);
            out.writeBytes(payload);
            return out.toByteArray();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Data d && seq == d.seq && ack == d.ack && text == d.text
                    && Arrays.equals(payload, d.payload);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(seq) * 31 + Arrays.hashCode(payload);
        }

        @Override
        public String toString() {
            return (text ? "DATA_TEXT" : "DATA_BINARY") + " seq=" + seq + " ack=" + ack + " [" + payload.length
                    + " bytes]";
        }
    }

    /** A cumulative acknowledgement: every message up to and including {@code ack} has been received. */
    record Ack(long ack) implements Envelope {
        public Ack {
            checkSeq(ack, "ack");
        }

        @Override
        public byte[] encode() {
            ByteArrayOutputStream out = new ByteArrayOutputStream(9);
            out.write(TYPE_ACK);
            writeVarint(out, ack);
            return out.toByteArray();
        }

        @Override
        public String toString() {
            return "ACK " + ack;
        }
    }

    /**
     * The client's first message on every connection: the token of the session to resume (empty for a new one)
     * and the last sequence number it received in order.
     */
    record Hello(long lastReceived, byte[] token) implements Envelope {
        public Hello {
            checkSeq(lastReceived, "lastReceived");
            checkToken(token);
            if (token.length == 0 && lastReceived != 0) {
                throw new IllegalArgumentException("a HELLO without a token must have lastReceived 0");
            }
        }

        @Override
        public byte[] encode() {
            ByteArrayOutputStream out = new ByteArrayOutputStream(16 + token.length);
            out.write(TYPE_HELLO);
            writeVarint(out, lastReceived);
            writeVarint(out, token.length);
            out.writeBytes(token);
            return out.toByteArray();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Hello h && lastReceived == h.lastReceived && Arrays.equals(token, h.token);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(lastReceived) * 31 + Arrays.hashCode(token);
        }

        @Override
        public String toString() {
            return "HELLO lastReceived=" + lastReceived + " token=" + HexFormat.of().formatHex(token);
        }
    }

    /**
     * The server's first message on every connection: whether the session was resumed or is new, the last
     * sequence number the server received in order (0 for a new session), and the session's token.
     */
    record Welcome(SessionOutcome.Kind outcome, long lastReceived, byte[] token) implements Envelope {
        public Welcome {
            Objects.requireNonNull(outcome, "outcome");
            checkSeq(lastReceived, "lastReceived");
            checkToken(token);
            if (token.length == 0) {
                throw new IllegalArgumentException("a WELCOME carries the session token");
            }
            if (outcome == SessionOutcome.Kind.NEW && lastReceived != 0) {
                throw new IllegalArgumentException("a NEW session has received nothing");
            }
        }

        @Override
        public byte[] encode() {
            ByteArrayOutputStream out = new ByteArrayOutputStream(16 + token.length);
            out.write(TYPE_WELCOME);
            out.write(outcome == SessionOutcome.Kind.RESUMED ? 1 : 0);
            writeVarint(out, lastReceived);
            writeVarint(out, token.length);
            out.writeBytes(token);
            return out.toByteArray();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Welcome w && outcome == w.outcome && lastReceived == w.lastReceived
                    && Arrays.equals(token, w.token);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(lastReceived) * 31 + Arrays.hashCode(token);
        }

        @Override
        public String toString() {
            return "WELCOME " + outcome + " lastReceived=" + lastReceived + " token="
                    + HexFormat.of().formatHex(token);
        }
    }

    /**
     * Decodes one envelope from a whole binary WebSocket message.
     *
     * @throws ProtocolException with 1002 for an unknown type, a truncated or oversized field, trailing bytes,
     *         or an out-of-range number; with 1007 for a text payload that is not UTF-8
     */
    static Envelope decode(ByteBuffer message) {
        ByteBuffer in = message.duplicate();
        if (!in.hasRemaining()) {
            throw violation("empty envelope");
        }
        byte type = in.get();
        Envelope envelope = switch (type) {
            case TYPE_TEXT, TYPE_BINARY -> decodeData(in, type == TYPE_TEXT);
            case TYPE_ACK -> new Ack(readSeq(in, "ack"));
            case TYPE_HELLO -> decodeHello(in);
            case TYPE_WELCOME -> decodeWelcome(in);
            default -> throw violation(String.format("unknown envelope type 0x%02x", type & 0xFF));
        };
        if (in.hasRemaining()) {
            throw violation(in.remaining() + " trailing bytes after " + envelope);
        }
        return envelope;
    }

    private static Data decodeData(ByteBuffer in, boolean text) {
        long seq = readSeq(in, "seq");
        if (seq == 0) {
            throw violation("DATA with sequence number 0; numbering starts at 1");
        }
        long ack = readSeq(in, "ack");
        byte[] payload = new byte[in.remaining()];
        in.get(payload);
        if (text) {
            try {
                StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(payload));
            } catch (CharacterCodingException e) {
                throw new ProtocolException(CloseCode.INVALID_PAYLOAD, "DATA_TEXT seq " + seq + " is not UTF-8");
            }
        }
        return new Data(seq, ack, text, payload);
    }

    private static Hello decodeHello(ByteBuffer in) {
        long lastReceived = readSeq(in, "lastReceived");
        byte[] token = readToken(in);
        if (token.length == 0 && lastReceived != 0) {
            throw violation("HELLO without a token but with lastReceived " + lastReceived);
        }
        return new Hello(lastReceived, token);
    }

    private static Welcome decodeWelcome(ByteBuffer in) {
        if (!in.hasRemaining()) {
            throw violation("WELCOME truncated before its outcome");
        }
        int outcome = in.get() & 0xFF;
        if (outcome > 1) {
            throw violation("WELCOME with unknown outcome " + outcome);
        }
        long lastReceived = readSeq(in, "lastReceived");
        byte[] token = readToken(in);
        if (token.length == 0) {
            throw violation("WELCOME without a token");
        }
        if (outcome == 0 && lastReceived != 0) {
            throw violation("WELCOME NEW with lastReceived " + lastReceived);
        }
        return new Welcome(outcome == 1 ? SessionOutcome.Kind.RESUMED : SessionOutcome.Kind.NEW, lastReceived,
                token);
    }

    private static byte[] readToken(ByteBuffer in) {
        long length = readVarint(in, "tokenLength");
        if (length > MAX_TOKEN_LENGTH) {
            throw violation("token length " + length + " exceeds " + MAX_TOKEN_LENGTH + " bytes");
        }
        if (length > in.remaining()) {
            throw violation("token length " + length + " but only " + in.remaining() + " bytes follow");
        }
        byte[] token = new byte[(int) length];
        in.get(token);
        return token;
    }

    private static long readSeq(ByteBuffer in, String field) {
        long value = readVarint(in, field);
        if (value > MAX_SEQ) {
            throw violation(field + " " + value + " exceeds 2^53 - 1");
        }
        return value;
    }

    /** Unsigned LEB128: 7 bits a byte, least significant group first, high bit set on all but the last byte. */
    private static long readVarint(ByteBuffer in, String field) {
        long value = 0;
        for (int i = 0; i < 8; i++) {
            if (!in.hasRemaining()) {
                throw violation("truncated " + field);
            }
            int b = in.get() & 0xFF;
            value |= (long) (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw violation(field + " is longer than 8 bytes");
    }

    private static void writeVarint(ByteArrayOutputStream out, long value) {
        long v = value;
        while (v >= 0x80) {
            out.write((int) (v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out.write((int) v);
    }

    private static void checkSeq(long value, String name) {
        if (value < 0 || value > MAX_SEQ) {
            throw new IllegalArgumentException(name + " out of range [0, 2^53 - 1]: " + value);
        }
    }

    private static void checkToken(byte[] token) {
        Objects.requireNonNull(token, "token");
        if (token.length > MAX_TOKEN_LENGTH) {
            throw new IllegalArgumentException("token of " + token.length + " bytes exceeds " + MAX_TOKEN_LENGTH);
        }
    }

    private static ProtocolException violation(String message) {
        return new ProtocolException(CloseCode.PROTOCOL_ERROR, message);
    }
}
