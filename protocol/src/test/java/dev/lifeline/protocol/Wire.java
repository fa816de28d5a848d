package dev.lifeline.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.protocol.handshake.Headers;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Test helpers that talk wire bytes: feed hex, assert hex, with a fixed mask key, and protocols brought to OPEN by
 * a real opening handshake run in memory. Frames are built here by a deliberately naive encoder (byte-by-byte
 * masking), independent of {@code FrameEncoder}, so that they can serve as the oracle.
 */
final class Wire {
    /** The masking key of the RFC 6455 §5.7 examples; every client frame in these tests is masked with it. */
    static final int MASK = 0x37fa213d;
    static final URI ENDPOINT = URI.create("ws://example.com/chat");

    private static final HexFormat HEX = HexFormat.of();

    private Wire() {
    }

    /** Always the same bits: every mask key is {@code value}, and the handshake key is fixed too. */
    static final class FixedRandom implements RandomGenerator {
        private final int value;

        FixedRandom(int value) {
            this.value = value;
        }

        @Override
        public long nextLong() {
            return (long) value << 32 | (value & 0xFFFFFFFFL);
        }

        @Override
        public int nextInt() {
            return value;
        }
    }

    /** A client and a server that opened each other. */
    record Pair(ClientProtocol client, ServerProtocol server) {
        Protocol get(Side side) {
            return side == Side.CLIENT ? client : server;
        }
    }

    // ---------------------------------------------------------------- protocols

    static ClientProtocol client(ProtocolConfig config) {
        return new ClientProtocol(ENDPOINT, List.of(), Headers.empty(), config, new FixedRandom(MASK));
    }

    static ServerProtocol server(ProtocolConfig config) {
        return new ServerProtocol(config);
    }

    /** Runs the opening handshake in memory; both sides are OPEN, with no pending events or bytes. */
    static Pair connect(ProtocolConfig config) {
        return connect(client(config), server(config));
    }

    static Pair connect(ClientProtocol client, ServerProtocol server) {
        client.sendRequest();
        pipe(client, server);
        server.accept(Optional.empty(), Headers.empty());
        pipe(server, client);
        assertThat(client.state()).isEqualTo(State.OPEN);
        assertThat(server.state()).isEqualTo(State.OPEN);
        assertThat(client.takeEvents()).hasSize(1);
        assertThat(server.takeEvents()).hasSize(2);
        assertThat(client.hasOutbound()).isFalse();
        assertThat(server.hasOutbound()).isFalse();
        return new Pair(client, server);
    }

    /** A protocol on {@code side} in the OPEN state. */
    static Protocol open(Side side) {
        return open(side, ProtocolConfig.DEFAULT);
    }

    static Protocol open(Side side, ProtocolConfig config) {
        return connect(config).get(side);
    }

    static Side peer(Side side) {
        return side == Side.CLIENT ? Side.SERVER : Side.CLIENT;
    }

    /** Hands everything {@code from} wants to write to {@code to}, EOF included. */
    static void pipe(Protocol from, Protocol to) {
        for (Outbound out : from.takeOutbound()) {
            switch (out) {
                case Outbound.Data data -> to.receiveData(data.bytes());
                case Outbound.Eof eof -> to.receiveEof();
            }
        }
    }

    // ---------------------------------------------------------------- bytes in

    static byte[] bytes(String hex) {
        return HEX.parseHex(hex.replaceAll("\\s", ""));
    }

    static void receive(Protocol p, String hex) {
        p.receiveData(ByteBuffer.wrap(bytes(hex)));
    }

    static void receive(Protocol p, byte[] bytes, int from, int to) {
        p.receiveData(ByteBuffer.wrap(Arrays.copyOfRange(bytes, from, to)));
    }

    // ---------------------------------------------------------------- bytes out

    /** What a protocol asked to write, concatenated, and whether it asked to half-close after it. */
    record Sent(byte[] data, boolean eof) {
        /** Hex, then {@code EOF} when the protocol half-closed. */
        @Override
        public String toString() {
            return (hex(data) + (eof ? " EOF" : "")).strip();
        }

        String text() {
            return new String(data, StandardCharsets.ISO_8859_1);
        }
    }

    static Sent take(Protocol p) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        boolean eof = false;
        for (Outbound o : p.takeOutbound()) {
            assertThat(eof).as("nothing may follow EOF").isFalse();
            switch (o) {
                case Outbound.Data data -> {
                    ByteBuffer b = data.bytes().duplicate();
                    byte[] chunk = new byte[b.remaining()];
                    b.get(chunk);
                    out.writeBytes(chunk);
                }
                case Outbound.Eof e -> eof = true;
            }
        }
        return new Sent(out.toByteArray(), eof);
    }

    /** Asserts what {@code p} wrote since the last call: hex (spaces ignored), then {@code EOF} for a half-close. */
    static void assertSent(Protocol p, String expected) {
        assertThat(normalize(take(p).toString())).isEqualTo(normalize(expected));
    }

    private static String normalize(String wire) {
        return wire.replaceAll("\\s", "").toLowerCase(Locale.ROOT).replace("eof", " EOF");
    }

    // ---------------------------------------------------------------- frames

    /** The wire bytes, as hex, of a final-or-not frame {@code b0} sent by {@code sender} (masked by a client). */
    static String frame(Side sender, int b0, String payloadHex) {
        return frame(sender, b0, bytes(payloadHex));
    }

    static String frame(Side sender, int b0, byte[] payload) {
        return hex(frameBytes(sender, b0, payload));
    }

    static byte[] frameBytes(Side sender, int b0, byte[] payload) {
        boolean masked = sender == Side.CLIENT;
        int maskBit = masked ? 0x80 : 0;
        int n = payload.length;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(b0);
        if (n <= 125) {
            out.write(maskBit | n);
        } else if (n <= 0xFFFF) {
            out.write(maskBit | 126);
            out.write(n >>> 8);
            out.write(n);
        } else {
            out.write(maskBit | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) ((long) n >>> shift));
            }
        }
        if (masked) {
            out.writeBytes(new byte[] {(byte) (MASK >>> 24), (byte) (MASK >>> 16), (byte) (MASK >>> 8), (byte) MASK});
            out.writeBytes(maskNaively(payload, MASK, 0));
        } else {
            out.writeBytes(payload);
        }
        return out.toByteArray();
    }

    /** RFC 6455 §5.3 word for word: octet i is XORed with octet (i + offset) mod 4 of the key. */
    static byte[] maskNaively(byte[] payload, int key, long offset) {
        byte[] out = new byte[payload.length];
        for (int i = 0; i < payload.length; i++) {
            int j = (int) ((i + offset) % 4);
            out[i] = (byte) (payload[i] ^ (key >>> (24 - 8 * j)));
        }
        return out;
    }

    /** A Close frame payload: the code on two bytes, then the reason in UTF-8. */
    static String closePayload(int code, String reason) {
        return String.format("%04x", code) + utf8(reason);
    }

    static String utf8(String text) {
        return hex(text.getBytes(StandardCharsets.UTF_8));
    }

    static String hex(byte[] bytes) {
        return HEX.formatHex(bytes);
    }

    /** {@code n} bytes 00 01 02 ... ff 00 01 ... */
    static byte[] pattern(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) i;
        }
        return b;
    }

    // ---------------------------------------------------------------- events

    /** The events since the last call, each as a short line such as {@code Text Hello} or {@code Failed 1002}. */
    static List<String> events(Protocol p) {
        return p.takeEvents().stream().map(Wire::describe).toList();
    }

    static void assertEvents(Protocol p, String... expected) {
        assertThat(events(p)).containsExactly(expected);
    }

    static String describe(Event event) {
        return switch (event) {
            case Event.RequestReceived e -> "RequestReceived " + e.request().target();
            case Event.HandshakeCompleted e -> "HandshakeCompleted";
            case Event.HandshakeFailed e -> "HandshakeFailed " + e.cause().status();
            case Event.Text e -> "Text " + (e.text().length() <= 64 ? e.text()
                    : "<" + e.text().length() + " chars, hash " + e.text().hashCode() + ">");
            case Event.Binary e -> "Binary " + shown(e.data());
            case Event.Ping e -> "Ping " + shown(e.payload());
            case Event.Pong e -> "Pong " + shown(e.payload());
            case Event.CloseReceived e -> "CloseReceived " + e.status();
            case Event.Failed e -> "Failed " + e.cause().closeCode().value();
            case Event.Closed e -> "Closed " + e.exception().code().value();
        };
    }

    private static String shown(byte[] data) {
        return data.length <= 64 ? hex(data) : "<" + data.length + " bytes, hash " + Arrays.hashCode(data) + ">";
    }

    /**
     * Asserts that {@code p} just failed the connection with {@code code} (§7.1.7): a {@code Failed} event,
     * {@code failure()}, state CLOSING, and on the wire exactly one Close frame with that code and the failure's
     * reason, followed by EOF on the server side (§7.1.1: the server closes TCP first) and not on the client side.
     */
    static void assertFailedWith(Protocol p, int code) {
        assertThat(p.takeEvents()).last().isInstanceOfSatisfying(Event.Failed.class,
                failed -> assertThat(failed.cause().closeCode().value()).isEqualTo(code));
        assertThat(p.failure()).hasValueSatisfying(e -> assertThat(e.closeCode().value()).isEqualTo(code));
        assertThat(p.state()).isEqualTo(State.CLOSING);
        assertThat(p.closeSent()).hasValueSatisfying(s -> assertThat(s.code().value()).isEqualTo(code));
        String reason = p.closeSent().orElseThrow().reason();
        assertSent(p, frame(p.side(), 0x88, closePayload(code, reason)) + (p.side() == Side.SERVER ? " EOF" : ""));
    }
}
