package dev.lifeline.protocol;

import static dev.lifeline.protocol.Wire.peer;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Property: whatever one side sends through the public API, the other side reports as the same messages, pings and
 * Close, in the same order, however the bytes are split on the way (RFC 6455 §5.2-§5.5 taken together). Random
 * but seeded, so a failure names a case that can be replayed.
 */
@Timeout(120)
class RoundTripPropertyTest {
    private static final int CASES = 3000;
    private static final int[] SPECIAL_LENGTHS = {0, 1, 2, 3, 124, 125, 126, 127, 65535, 65536};
    private static final int[] CLOSE_CODES = {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013,
        1014, 3000, 4999};

    /** What to call on the sender, and the receiver's events that must follow, described by {@link Wire#describe}. */
    private record Script(List<Consumer<Protocol>> sends, List<String> expected) {
    }

    @ParameterizedTest(name = "{0} sends, its peer receives")
    @EnumSource(Side.class)
    void randomConversationsArriveIntactAndInOrder(Side sender) {
        Random random = new Random(6455L + sender.ordinal());
        int splitShort = 0;
        for (int run = 0; run < CASES; run++) {
            Script script = randomScript(random);
            byte[] stream = send(sender, script);
            String label = "case " + run + " from the " + sender;
            assertThat(receiveInPieces(sender, stream, new int[] {stream.length})).as(label)
                    .isEqualTo(script.expected());
            if (stream.length <= 300 && splitShort < 25) {
                splitShort++;
                for (int cut = 0; cut <= stream.length; cut++) {
                    assertThat(receiveInPieces(sender, stream, new int[] {cut, stream.length - cut}))
                            .as("%s cut at %d", label, cut).isEqualTo(script.expected());
                }
                int[] ones = new int[stream.length];
                Arrays.fill(ones, 1);
                assertThat(receiveInPieces(sender, stream, ones)).as("%s byte by byte", label)
                        .isEqualTo(script.expected());
            } else if (run % 10 == 0) {
                int[] pieces = randomPieces(random, stream.length);
                assertThat(receiveInPieces(sender, stream, pieces)).as("%s in pieces %s", label, Arrays.toString(pieces))
                        .isEqualTo(script.expected());
            }
        }
        assertThat(splitShort).isEqualTo(25);
    }

    /** Runs the script on a freshly opened {@code sender}; returns the bytes it wrote. */
    private static byte[] send(Side sender, Script script) {
        Protocol p = Wire.open(sender);
        script.sends().forEach(send -> send.accept(p));
        Wire.Sent sent = Wire.take(p);
        assertThat(sent.eof()).isFalse();
        return sent.data();
    }

    /** Feeds {@code stream} to a fresh peer of {@code sender} in pieces of the given sizes; returns its events. */
    private static List<String> receiveInPieces(Side sender, byte[] stream, int[] pieces) {
        Protocol receiver = Wire.open(peer(sender));
        int at = 0;
        for (int size : pieces) {
            Wire.receive(receiver, stream, at, at + size);
            at += size;
        }
        assertThat(at).isEqualTo(stream.length);
        assertThat(receiver.failure()).isEmpty();
        receiver.takeOutbound();
        return Wire.events(receiver);
    }

    private static Script randomScript(Random random) {
        List<Consumer<Protocol>> sends = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (int m = 1 + random.nextInt(4); m > 0; m--) {
            boolean text = random.nextBoolean();
            int length = randomLength(random);
            byte[] payload = text ? randomUtf8(random, length) : randomBytes(random, length);
            int fragments = random.nextInt(3) == 0 ? 2 + random.nextInt(4) : 1;
            int[] cuts = new int[fragments + 1];
            for (int k = 1; k < fragments; k++) {
                cuts[k] = random.nextInt(length + 1);
            }
            cuts[fragments] = length;
            Arrays.sort(cuts);
            for (int k = 0; k < fragments; k++) {
                ByteBuffer chunk = ByteBuffer.wrap(Arrays.copyOfRange(payload, cuts[k], cuts[k + 1]));
                boolean fin = k == fragments - 1;
                if (k > 0) {
                    sends.add(p -> p.sendContinuation(chunk, fin));
                } else if (text) {
                    sends.add(p -> p.sendText(chunk, fin));
                } else {
                    sends.add(p -> p.sendBinary(chunk, fin));
                }
                if (!fin && random.nextInt(3) == 0) {
                    byte[] ping = randomBytes(random, random.nextInt(126));
                    sends.add(p -> p.sendPing(ByteBuffer.wrap(ping)));
                    expected.add(Wire.describe(new Event.Ping(ping)));
                }
            }
            expected.add(Wire.describe(text ? new Event.Text(new String(payload, StandardCharsets.UTF_8))
                    : new Event.Binary(payload)));
            if (random.nextInt(5) == 0) {
                byte[] pong = randomBytes(random, random.nextInt(126));
                sends.add(p -> p.sendPong(ByteBuffer.wrap(pong)));
                expected.add(Wire.describe(new Event.Pong(pong)));
            }
        }
        if (random.nextInt(4) == 0) {
            CloseStatus status = random.nextInt(5) == 0 ? CloseStatus.of(1005, "")
                    : CloseStatus.of(CLOSE_CODES[random.nextInt(CLOSE_CODES.length)],
                            new String(randomUtf8(random, random.nextInt(124)), StandardCharsets.UTF_8));
            sends.add(p -> p.sendClose(status.code(), status.reason()));
            expected.add(Wire.describe(new Event.CloseReceived(status)));
        }
        return new Script(sends, expected);
    }

    private static int randomLength(Random random) {
        int choice = random.nextInt(20);
        if (choice == 0) {
            return SPECIAL_LENGTHS[random.nextInt(SPECIAL_LENGTHS.length)];
        }
        return choice < 4 ? random.nextInt(1000) : random.nextInt(130);
    }

    private static byte[] randomBytes(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    /** Exactly {@code length} bytes of valid UTF-8 mixing 1- to 4-byte characters (ASCII pads the end). */
    private static byte[] randomUtf8(Random random, int length) {
        StringBuilder text = new StringBuilder();
        int size = 0;
        while (size < length) {
            int cp = switch (random.nextInt(5)) {
                case 0 -> 0x80 + random.nextInt(0x800 - 0x80);
                case 1 -> 0xE000 + random.nextInt(0x10000 - 0xE000);
                case 2 -> 0x10000 + random.nextInt(0x110000 - 0x10000);
                default -> 0x20 + random.nextInt(0x5F);
            };
            int bytes = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (size + bytes > length) {
                cp = 'a';
                bytes = 1;
            }
            text.appendCodePoint(cp);
            size += bytes;
        }
        byte[] encoded = text.toString().getBytes(StandardCharsets.UTF_8);
        assertThat(encoded).hasSize(length);
        return encoded;
    }

    private static int[] randomPieces(Random random, int total) {
        List<Integer> pieces = new ArrayList<>();
        int maxPiece = 1 + random.nextInt(random.nextBoolean() ? 16 : 5000);
        for (int left = total; left > 0;) {
            int piece = Math.min(left, random.nextInt(maxPiece + 1));
            pieces.add(piece);
            left -= piece;
        }
        return pieces.stream().mapToInt(Integer::intValue).toArray();
    }
}
