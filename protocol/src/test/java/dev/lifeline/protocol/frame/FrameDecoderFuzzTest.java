package dev.lifeline.protocol.frame;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.lifeline.protocol.CloseCode;
import dev.lifeline.protocol.ProtocolException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Fuzz target for {@link FrameDecoder} (RFC 6455 §5.2) on either side, with any frame limit and any set of negotiated
 * RSV bits. Properties, for every input:
 * <ul>
 *   <li>it ends in decoded frames, then possibly a {@link ProtocolException} with 1002 or 1009 (never another
 *       exception);
 *   <li>every decoded frame obeys the rules the decoder enforces: masking by side, RSV bits allowed, data payloads
 *       within the limit, control frames final, unreserved and at most 125 bytes;
 *   <li>every decoded frame re-encodes with {@link FrameEncoder} to the very bytes it came from (the length in its
 *       shortest form, which §5.2 requires of senders; a longer form re-encodes to the shortest);
 *   <li>the same bytes cut into pieces at the fuzzer's points decode to the same frames and the same failure.
 * </ul>
 * Run longer with {@code ./lifeline fuzz FrameDecoderFuzzTest 10m}; see docs/topics/fuzzing.md.
 */
public class FrameDecoderFuzzTest {
    private static final int MAX_CUTS = 4;
    private static final int CHUNK = 512;

    /** One decoded frame and where its bytes were on the wire. */
    private record Decoded(Opcode opcode, boolean fin, int rsv, byte[] payload, int start, int end) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Decoded d && opcode == d.opcode && fin == d.fin && rsv == d.rsv
                    && Arrays.equals(payload, d.payload) && start == d.start && end == d.end;
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(payload);
        }
    }

    /** Frames, then the failure that stopped decoding (null when the input simply ran out). */
    private record Outcome(List<Decoded> frames, String failure) {
    }

    @FuzzTest(maxDuration = "5s")
    void framesDecodeWithinTheirLimitsAndReencodeToTheSameBytes(FuzzedDataProvider data) {
        fuzzerTestOneInput(data);
    }

    /** The target, as Jazzer's standalone driver calls it. */
    public static void fuzzerTestOneInput(FuzzedDataProvider data) {
        boolean server = data.consumeBoolean();
        long maxFrameSize = data.consumeBoolean() ? data.consumeLong(0, 300) : data.consumeLong(0, Long.MAX_VALUE);
        int allowedRsv = data.consumeInt(0, 7) << 4;
        int[] cuts = new int[data.consumeInt(0, MAX_CUTS)];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = data.consumeInt(0, 1 << 16);
        }
        byte[] wire = data.consumeRemainingAsBytes();

        Outcome whole = decode(wire, server, maxFrameSize, allowedRsv, new int[0]);
        for (Decoded frame : whole.frames()) {
            checkRules(frame, wire, server, maxFrameSize, allowedRsv);
            checkReencodes(frame, wire, server);
        }
        Arrays.sort(cuts);
        assertThat(decode(wire, server, maxFrameSize, allowedRsv, cuts)).as("cut at %s", Arrays.toString(cuts))
                .isEqualTo(whole);
    }

    private static Outcome decode(byte[] wire, boolean server, long maxFrameSize, int allowedRsv, int[] cuts) {
        FrameDecoder decoder = new FrameDecoder(server, maxFrameSize);
        decoder.allowRsv(allowedRsv);
        List<Decoded> frames = new ArrayList<>();
        int from = 0;
        int frameStart = 0;
        boolean inPayload = false;
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        byte[] chunk = new byte[CHUNK];
        try {
            for (int p = 0; p <= cuts.length; p++) {
                int to = p < cuts.length ? Math.min(Math.max(cuts[p], from), wire.length) : wire.length;
                ByteBuffer in = ByteBuffer.wrap(wire, from, to - from);
                while (true) {
                    if (!inPayload) {
                        if (!decoder.readHeader(in)) {
                            break;
                        }
                        payload.reset();
                        inPayload = true;
                    }
                    int n;
                    while ((n = decoder.readPayload(in, chunk, 0, chunk.length)) > 0) {
                        payload.write(chunk, 0, n);
                    }
                    if (decoder.remaining() > 0) {
                        break;
                    }
                    inPayload = false;
                    frames.add(new Decoded(decoder.opcode(), decoder.fin(), decoder.rsv(), payload.toByteArray(),
                            frameStart, in.position()));
                    frameStart = in.position();
                }
                from = to;
            }
            return new Outcome(frames, null);
        } catch (ProtocolException e) {
            assertThat(e.closeCode()).as(e.getMessage()).isIn(CloseCode.PROTOCOL_ERROR, CloseCode.MESSAGE_TOO_BIG);
            return new Outcome(frames, e.closeCode() + " " + e.getMessage());
        }
    }

    private static void checkRules(Decoded frame, byte[] wire, boolean server, long maxFrameSize, int allowedRsv) {
        assertThat(frame.rsv() & ~allowedRsv).as("RSV bits not negotiated").isZero();
        if (frame.opcode().isControl()) {
            assertThat(frame.fin()).as("control frames are not fragmented").isTrue();
            assertThat(frame.rsv()).as("no RSV bits on control frames").isZero();
            assertThat(frame.payload().length).as("control payload").isLessThanOrEqualTo(125);
        } else {
            assertThat((long) frame.payload().length).as("data payload").isLessThanOrEqualTo(maxFrameSize);
        }
        assertThat((wire[frame.start() + 1] & 0x80) != 0).as("masked").isEqualTo(server);
    }

    private static void checkReencodes(Decoded frame, byte[] wire, boolean masked) {
        byte[] original = Arrays.copyOfRange(wire, frame.start(), frame.end());
        int len7 = original[1] & 0x7F;
        int maskAt = len7 == 126 ? 4 : len7 == 127 ? 10 : 2;
        int maskKey = masked ? ByteBuffer.wrap(original, maskAt, 4).getInt() : 0;
        Frame decoded = new Frame(frame.opcode(), frame.fin(), frame.rsv(), ByteBuffer.wrap(frame.payload()));
        ByteBuffer encoded = FrameEncoder.encode(decoded, masked, maskKey);
        byte[] reencoded = new byte[encoded.remaining()];
        encoded.get(reencoded);
        int headerLength = maskAt + (masked ? 4 : 0);
        boolean shortestLength = FrameEncoder.headerLength(frame.payload().length, masked) == headerLength;
        if (shortestLength) {
            assertThat(reencoded).as("re-encoded %s", decoded).isEqualTo(original);
        } else {
            // a longer length form than needed (§5.2 forbids sending it; we accept it): the rest is identical
            int shortHeader = FrameEncoder.headerLength(frame.payload().length, masked);
            assertThat(Arrays.copyOfRange(reencoded, shortHeader, reencoded.length)).as("payload of %s", decoded)
                    .isEqualTo(Arrays.copyOfRange(original, headerLength, original.length));
            assertThat(reencoded[0]).isEqualTo(original[0]);
        }
    }
}
