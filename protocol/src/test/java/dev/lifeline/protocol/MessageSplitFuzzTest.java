package dev.lifeline.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzz target: valid messages, as our own sender frames them (whole or fragmented, pings in between, with or
 * without {@code permessage-deflate}), arrive as exactly those messages however the bytes are cut (RFC 6455 §5.4:
 * fragments and control frames in between; §5.2: frames split anywhere by TCP). Properties:
 * <ul>
 *   <li>the receiver reports the messages sent, and the pings, in order, with no failure;
 *   <li>cut in two at every point (every 1/64th of a long stream), and byte by byte, it reports the same.
 * </ul>
 * Run longer with {@code ./lifeline fuzz MessageSplitFuzzTest 10m}; see docs/topics/fuzzing.md.
 */
public class MessageSplitFuzzTest {
    /** Streams up to this length are cut at every point; longer ones at 64 points. */
    private static final int CUT_EVERYWHERE = 512;

    @FuzzTest(maxDuration = "5s")
    void validMessagesSplitAtEveryPointArriveTheSame(FuzzedDataProvider data) {
        fuzzerTestOneInput(data);
    }

    /** The target, as Jazzer's standalone driver calls it. */
    public static void fuzzerTestOneInput(FuzzedDataProvider data) {
        ProtocolConfig config = FuzzPeers.config(data);
        config = config.withMaxFrameSize(config.maxMessageSize());
        Side receiverSide = FuzzPeers.side(data.consumeBoolean());
        long seed = data.consumeLong();
        Protocol sender = FuzzPeers.connect(config, seed).get(receiverSide == Side.SERVER ? Side.CLIENT : Side.SERVER);
        List<String> expected = new ArrayList<>();
        int messages = data.consumeInt(1, 4);
        for (int m = 0; m < messages && data.remainingBytes() > 0; m++) {
            send(sender, data, config.maxMessageSize(), expected);
        }
        byte[] stream = outbound(sender);

        List<String> whole = receive(config, seed, receiverSide, stream, new int[0]);
        assertThat(whole).as("messages sent").isEqualTo(expected);
        int step = stream.length <= CUT_EVERYWHERE ? 1 : stream.length / 64;
        for (int cut = 0; cut <= stream.length; cut += step) {
            assertThat(receive(config, seed, receiverSide, stream, new int[] {cut})).as("cut at %d", cut)
                    .isEqualTo(expected);
        }
        int[] everyByte = new int[stream.length];
        for (int i = 0; i < everyByte.length; i++) {
            everyByte[i] = i;
        }
        assertThat(receive(config, seed, receiverSide, stream, everyByte)).as("byte by byte").isEqualTo(expected);
    }

    /** Sends one message, maybe fragmented with a ping in between, and records the events it must cause. */
    private static void send(Protocol sender, FuzzedDataProvider data, int maxMessageSize, List<String> expected) {
        boolean text = data.consumeBoolean();
        // up to the limit exactly: deflate may make an incompressible message a little longer, which the limits allow
        int room = maxMessageSize;
        byte[] payload;
        if (text) {
            payload = data.consumeString(room).getBytes(StandardCharsets.UTF_8);
            if (payload.length > room) {
                payload = new byte[0];
            }
        } else {
            payload = data.consumeBytes(data.consumeInt(0, room));
        }
        int fragments = data.consumeInt(1, 3);
        int pingAfter = data.consumeInt(0, fragments);
        int from = 0;
        for (int i = 0; i < fragments; i++) {
            int to = i == fragments - 1 ? payload.length : payload.length * (i + 1) / fragments;
            ByteBuffer piece = ByteBuffer.wrap(payload, from, to - from);
            boolean fin = i == fragments - 1;
            if (i > 0) {
                sender.sendContinuation(piece, fin);
            } else if (text) {
                sender.sendText(piece, fin);
            } else {
                sender.sendBinary(piece, fin);
            }
            if (i + 1 == pingAfter && !fin) {
                sender.sendPing(ByteBuffer.wrap(new byte[] {(byte) i}));
                expected.add("Ping " + Wire.hex(new byte[] {(byte) i}));
            }
            from = to;
        }
        expected.add(Wire.describe(text ? new Event.Text(new String(payload, StandardCharsets.UTF_8))
                : new Event.Binary(payload)));
    }

    private static byte[] outbound(Protocol sender) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Outbound o : sender.takeOutbound()) {
            if (o instanceof Outbound.Data d) {
                out.writeBytes(FuzzPeers.toArray(d.bytes()));
            }
        }
        return out.toByteArray();
    }

    private static List<String> receive(ProtocolConfig config, long seed, Side side, byte[] stream, int[] cuts) {
        Protocol receiver = FuzzPeers.connect(config, seed).get(side);
        FuzzPeers.feed(receiver, stream, cuts);
        assertThat(receiver.failure()).as("failure").isEmpty();
        return Wire.events(receiver);
    }
}
