package dev.lifeline.protocol.extension;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.lifeline.protocol.Allocations;
import dev.lifeline.protocol.CloseCode;
import dev.lifeline.protocol.ProtocolException;
import dev.lifeline.protocol.frame.Frame;
import dev.lifeline.protocol.frame.Opcode;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/**
 * Fuzz target for the {@code permessage-deflate} inflater (RFC 7692 §7.2.2), with and without context takeover,
 * with the peer compressing at every window size we agree to (2^8 to 2^15, §7.1.2) and every zlib level, under a
 * size limit: a sequence of messages, each either compressed by our deflater (whole or in fragments) or arbitrary
 * bytes. Properties:
 * <ul>
 *   <li>a compressed message inflates back to the very bytes compressed, when within the limit, and fails with 1009
 *       when above it; messages keep inflating correctly one after another with context takeover;
 *   <li>arbitrary bytes inflate to at most the limit, or fail with 1007 (not DEFLATE) or 1009 (too big), never with
 *       another exception;
 *   <li>the heap bytes allocated inflating one message stay within a few times the limit plus the compressed size,
 *       whatever the compression ratio (a DEFLATE bomb costs the limit, not what it would expand to).
 * </ul>
 * Run longer with {@code ./lifeline fuzz InflaterFuzzTest 10m}; see docs/topics/fuzzing.md.
 */
public class InflaterFuzzTest {
    private static final int MAX_MESSAGE = 4096;
    private static final long BASE_ALLOCATION = 64 * 1024;

    @FuzzTest(maxDuration = "5s")
    void messagesInflateToWhatWasCompressedWithinTheLimit(FuzzedDataProvider data) {
        fuzzerTestOneInput(data);
    }

    /** The target, as Jazzer's standalone driver calls it. */
    public static void fuzzerTestOneInput(FuzzedDataProvider data) {
        boolean contextTakeover = data.consumeBoolean();
        int windowBits = data.consumeInt(8, 15);
        int level = data.consumeInt(-1, 9);
        int maxSize = data.consumeInt(1, MAX_MESSAGE);
        ZlibPool pool = new ZlibPool(level, data.consumeInt(0, 2));
        MessageDeflater peer = new MessageDeflater(pool, contextTakeover, windowBits, 0);
        MessageInflater inflater = new MessageInflater(pool, contextTakeover);
        // after arbitrary bytes inflate without error, a window kept across messages no longer matches the peer's
        boolean inStep = true;
        try {
            while (data.remainingBytes() > 0) {
                if (data.consumeBoolean()) {
                    byte[] message = data.consumeBytes(data.consumeInt(0, MAX_MESSAGE + 64));
                    byte[] compressed = compress(peer, message, data.consumeInt(1, 3));
                    if (!inflate(inflater, compressed, maxSize, message, inStep)) {
                        return;
                    }
                } else {
                    byte[] arbitrary = data.consumeBytes(data.consumeInt(0, 512));
                    if (!inflate(inflater, arbitrary, maxSize, null, false)) {
                        return;
                    }
                    inStep = !contextTakeover;
                }
            }
        } finally {
            peer.release();
            inflater.release();
        }
    }

    /** Compresses a message as the peer would, in {@code fragments} frames; returns the payloads joined. */
    private static byte[] compress(MessageDeflater deflater, byte[] message, int fragments) {
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        int from = 0;
        for (int i = 0; i < fragments; i++) {
            int to = i == fragments - 1 ? message.length : message.length * (i + 1) / fragments;
            Frame frame = new Frame(i == 0 ? Opcode.BINARY : Opcode.CONTINUATION, i == fragments - 1, 0,
                    ByteBuffer.wrap(message, from, to - from));
            Frame encoded = deflater.encode(frame, i == 0);
            assertThat(encoded.rsv()).as("RSV1 on the first frame only").isEqualTo(i == 0 ? Frame.RSV1 : 0);
            byte[] payload = new byte[encoded.length()];
            encoded.payload().duplicate().get(payload);
            joined.writeBytes(payload);
            from = to;
        }
        return joined.toByteArray();
    }

    /**
     * Inflates one message and checks the outcome. When {@code original} (what the peer compressed, null for
     * arbitrary bytes) is given and the inflater is {@code inStep} with the peer: {@code original} itself within the
     * limit, 1009 above it. Returns false when the message failed the connection.
     */
    private static boolean inflate(MessageInflater inflater, byte[] payload, int maxSize, byte[] original,
            boolean inStep) {
        boolean checked = original != null && inStep;
        Allocations meter = Allocations.start();
        try {
            ByteBuffer out = inflater.decode(ByteBuffer.wrap(payload), maxSize);
            meter.allocated().ifPresent(bytes -> assertThat(bytes)
                    .as("heap bytes allocated inflating %d bytes", payload.length)
                    .isLessThanOrEqualTo(BASE_ALLOCATION + 4L * maxSize + 4L * payload.length));
            assertThat(out.remaining()).as("inflated size").isLessThanOrEqualTo(maxSize);
            if (checked) {
                byte[] inflated = new byte[out.remaining()];
                out.get(inflated);
                assertThat(inflated).as("inflated message").isEqualTo(original);
            }
            return true;
        } catch (ProtocolException e) {
            if (checked) {
                if (original.length <= maxSize || !e.closeCode().equals(CloseCode.MESSAGE_TOO_BIG)) {
                    throw new AssertionError("a message of " + original.length + " bytes compressed by the peer"
                            + " failed to inflate with a limit of " + maxSize, e);
                }
                return false;
            }
            assertThat(e.closeCode()).as(e.getMessage()).isIn(CloseCode.INVALID_PAYLOAD, CloseCode.MESSAGE_TOO_BIG);
            return false;
        }
    }
}
