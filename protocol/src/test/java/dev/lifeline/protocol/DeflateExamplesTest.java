package dev.lifeline.protocol;

import static dev.lifeline.protocol.Wire.assertEvents;
import static dev.lifeline.protocol.Wire.assertSent;
import static dev.lifeline.protocol.Wire.frame;
import static dev.lifeline.protocol.Wire.open;
import static dev.lifeline.protocol.Wire.peer;
import static dev.lifeline.protocol.Wire.receive;

import dev.lifeline.protocol.extension.PerMessageDeflate;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * RFC 7692 §7.2.3 "Examples", byte for byte, on a connection that negotiated {@code permessage-deflate}: each
 * example parsed by the side that receives it, and the ones that zlib produces (§7.2.3.1, §7.2.3.2) serialized by
 * the side that sends them (a sender that flushes per frame cannot reproduce the fragmented one; see
 * {@link DeflateFramingTest} for fragments sent). Every scenario runs from both sides; client frames are masked with the key of
 * RFC 6455 §5.7.
 */
class DeflateExamplesTest {
    private static final String HELLO = "f2 48 cd c9 c9 07 00";

    static Protocol compressing(Side side, PerMessageDeflate deflate) {
        return open(side, ProtocolConfig.DEFAULT.withExtensions(List.of(deflate)));
    }

    /** Both sides compress every message and keep their context (§7.1.1 parameters absent). */
    static Protocol withContextTakeover(Side side) {
        return compressing(side, PerMessageDeflate.DEFAULT.withMinSize(0));
    }

    /** Both sides compress every message, each with an empty window (§7.1.1 parameters present). */
    static Protocol withoutContextTakeover(Side side) {
        return compressing(side, PerMessageDeflate.DEFAULT.withMinSize(0).withoutContextTakeover());
    }

    /** Each example: its section and title, whether context takeover was agreed, its frames, the messages. */
    static Stream<Arguments> receivedExamples() {
        Object[][] examples = {
            {"7.2.3.1 one compressed block", true, List.of("c1 " + HELLO), List.of("Text Hello")},
            {"7.2.3.1 fragmented, RSV1 on the first frame only", true, List.of("41 f2 48 cd", "80 c9 c9 07 00"),
                List.of("Text Hello")},
            {"7.2.3.2 sharing the LZ77 window", true, List.of("c1 " + HELLO, "c1 f2 00 11 00 00"),
                List.of("Text Hello", "Text Hello")},
            {"7.2.3.2 not sharing it", false, List.of("c1 " + HELLO, "c1 " + HELLO), List.of("Text Hello", "Text Hello")},
            {"7.2.3.3 a block with no compression", true, List.of("c1 00 05 00 fa ff 48 65 6c 6c 6f 00"),
                List.of("Text Hello")},
            {"7.2.3.4 a block with BFINAL set, then a fresh stream", true,
                List.of("c1 f3 48 cd c9 c9 07 00 00", "c1 " + HELLO), List.of("Text Hello", "Text Hello")},
            {"7.2.3.5 two blocks in one message", true, List.of("c1 f2 48 05 00 00 00 ff ff ca c9 c9 07 00"),
                List.of("Text Hello")},
        };
        List<Arguments> arguments = new ArrayList<>();
        for (Side side : Side.values()) {
            for (Object[] example : examples) {
                arguments.add(Arguments.of(side, example[0], example[1], example[2], example[3]));
            }
        }
        return arguments.stream();
    }

    @ParameterizedTest(name = "{0} receives §{1}")
    @MethodSource("receivedExamples")
    void exampleIsReceived(Side side, String example, boolean contextTakeover, List<String> frames,
            List<String> messages) {
        Protocol p = contextTakeover ? withContextTakeover(side) : withoutContextTakeover(side);
        for (String frame : frames) {
            receive(p, frame(peer(side), Integer.parseInt(frame.substring(0, 2), 16), frame.substring(3)));
        }
        assertEvents(p, messages.toArray(String[]::new));
        assertSent(p, "");
    }

    // §7.2.3.1 A Message Compressed Using 1 Compressed DEFLATE Block

    @ParameterizedTest
    @EnumSource(Side.class)
    void helloIsSentAsOneCompressedBlockWithRsv1(Side side) {
        Protocol p = withContextTakeover(side);
        p.sendText("Hello");
        assertSent(p, frame(side, 0xc1, HELLO));
    }

    // §7.2.3.2 Sharing LZ77 Sliding Window

    @ParameterizedTest
    @EnumSource(Side.class)
    void theSecondHelloRefersToTheFirstWithContextTakeover(Side side) {
        Protocol p = withContextTakeover(side);
        p.sendText("Hello");
        p.sendText("Hello");
        assertSent(p, frame(side, 0xc1, HELLO) + frame(side, 0xc1, "f2 00 11 00 00"));
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void theSecondHelloStandsAloneWithoutContextTakeover(Side side) {
        Protocol p = withoutContextTakeover(side);
        p.sendText("Hello");
        p.sendText("Hello");
        assertSent(p, frame(side, 0xc1, HELLO) + frame(side, 0xc1, HELLO));
    }
}
