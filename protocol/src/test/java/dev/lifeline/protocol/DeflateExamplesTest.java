package dev.lifeline.protocol;

import static dev.lifeline.protocol.Wire.assertEvents;
import static dev.lifeline.protocol.Wire.assertSent;
import static dev.lifeline.protocol.Wire.frame;
import static dev.lifeline.protocol.Wire.open;
import static dev.lifeline.protocol.Wire.peer;
import static dev.lifeline.protocol.Wire.receive;

import dev.lifeline.protocol.extension.PerMessageDeflate;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * RFC 7692 §7.2.3 "Examples", byte for byte, on a connection that negotiated {@code permessage-deflate}: each
 * example parsed by the side that receives it, and the ones that zlib produces (§7.2.3.1, §7.2.3.2) serialized by
 * the side that sends them. Every scenario runs from both sides; client frames are masked with the key of
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

    // §7.2.3.1 A Message Compressed Using 1 Compressed DEFLATE Block

    @ParameterizedTest
    @EnumSource(Side.class)
    void helloIsSentAsOneCompressedBlockWithRsv1(Side side) {
        Protocol p = withContextTakeover(side);
        p.sendText("Hello");
        assertSent(p, frame(side, 0xc1, HELLO));
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void helloInOneCompressedBlockIsReceived(Side side) {
        Protocol p = withContextTakeover(side);
        receive(p, frame(peer(side), 0xc1, HELLO));
        assertEvents(p, "Text Hello");
        assertSent(p, "");
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void helloCompressedAndFragmentedIsReceivedWithRsv1OnTheFirstFrameOnly(Side side) {
        Protocol p = withContextTakeover(side);
        receive(p, frame(peer(side), 0x41, "f2 48 cd"));
        assertEvents(p);
        receive(p, frame(peer(side), 0x80, "c9 c9 07 00"));
        assertEvents(p, "Text Hello");
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

    @ParameterizedTest
    @EnumSource(Side.class)
    void aSecondHelloReferringToTheFirstIsReceivedWithContextTakeover(Side side) {
        Protocol p = withContextTakeover(side);
        receive(p, frame(peer(side), 0xc1, HELLO) + frame(peer(side), 0xc1, "f2 00 11 00 00"));
        assertEvents(p, "Text Hello", "Text Hello");
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void helloTwiceWithoutSharingIsReceivedWithoutContextTakeover(Side side) {
        Protocol p = withoutContextTakeover(side);
        receive(p, frame(peer(side), 0xc1, HELLO) + frame(peer(side), 0xc1, HELLO));
        assertEvents(p, "Text Hello", "Text Hello");
    }

    // §7.2.3.3 Using a DEFLATE Block with No Compression

    @ParameterizedTest
    @EnumSource(Side.class)
    void helloInAStoredBlockIsReceived(Side side) {
        Protocol p = withContextTakeover(side);
        receive(p, frame(peer(side), 0xc1, "00 05 00 fa ff 48 65 6c 6c 6f 00"));
        assertEvents(p, "Text Hello");
    }

    // §7.2.3.4 Using a DEFLATE Block with BFINAL Set to 1

    @ParameterizedTest
    @EnumSource(Side.class)
    void helloInAFinalBlockIsReceivedAndTheNextMessageStartsAFreshStream(Side side) {
        Protocol p = withContextTakeover(side);
        receive(p, frame(peer(side), 0xc1, "f3 48 cd c9 c9 07 00 00"));
        receive(p, frame(peer(side), 0xc1, HELLO));
        assertEvents(p, "Text Hello", "Text Hello");
    }

    // §7.2.3.5 Two DEFLATE Blocks in One Message

    @ParameterizedTest
    @EnumSource(Side.class)
    void helloInTwoBlocksIsReceived(Side side) {
        Protocol p = withContextTakeover(side);
        receive(p, frame(peer(side), 0xc1, "f2 48 05 00 00 00 ff ff ca c9 c9 07 00"));
        assertEvents(p, "Text Hello");
    }
}
