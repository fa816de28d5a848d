package dev.lifeline.protocol;

import static dev.lifeline.protocol.Wire.assertEvents;
import static dev.lifeline.protocol.Wire.assertFailedWith;
import static dev.lifeline.protocol.Wire.bytes;
import static dev.lifeline.protocol.Wire.frame;
import static dev.lifeline.protocol.Wire.open;
import static dev.lifeline.protocol.Wire.peer;
import static dev.lifeline.protocol.Wire.receive;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * RFC 6455 §8.1 "Handling Errors in UTF-8-Encoded Data": text that is not UTF-8 (RFC 3629) fails the connection
 * with 1007 (§7.4.1). Validation is incremental: the failure comes with the first invalid byte, even inside the
 * first fragment of a message, while a code point split across fragments is fine.
 */
class Utf8Test {

    static Stream<Arguments> invalidSequences() {
        String[] sequences = {
            "80", // continuation byte without a lead
            "bf",
            "c0 af", // overlong '/'
            "c1 bf", // overlong
            "e0 80 af", // overlong '/'
            "e0 9f bf", // overlong
            "f0 80 80 af", // overlong '/'
            "f0 8f bf bf", // overlong
            "ed a0 80", // U+D800, a surrogate
            "ed bf bf", // U+DFFF
            "f4 90 80 80", // U+110000
            "f5 80 80 80", "f8", "fe", "ff",
            "c2 41", // lead followed by ASCII
            "e2 82 41",
        };
        List<Arguments> arguments = new ArrayList<>();
        for (Side side : Side.values()) {
            for (String sequence : sequences) {
                arguments.add(Arguments.of(side, sequence));
            }
        }
        return arguments.stream();
    }

    @ParameterizedTest(name = "{0} receiving {1}")
    @MethodSource("invalidSequences")
    void invalidSequenceFailsWith1007(Side side, String sequence) {
        Protocol p = open(side);
        receive(p, frame(peer(side), 0x81, "4142 " + sequence + " 4344"));
        assertFailedWith(p, 1007);
    }

    static Stream<Arguments> boundaryCodePoints() {
        String[][] table = {
            {"7f", "\u007f"}, {"c2 80", "\u0080"}, {"df bf", "\u07ff"}, {"e0 a0 80", "\u0800"},
            {"ed 9f bf", "\ud7ff"}, {"ee 80 80", "\ue000"}, {"ef bf bf", "\uffff"},
            {"f0 90 80 80", "\ud800\udc00"}, {"f4 8f bf bf", "\udbff\udfff"}, {"", ""},
        };
        List<Arguments> arguments = new ArrayList<>();
        for (Side side : Side.values()) {
            for (String[] row : table) {
                arguments.add(Arguments.of(side, row[0], row[1]));
            }
        }
        return arguments.stream();
    }

    @ParameterizedTest(name = "{0} receiving {1}")
    @MethodSource("boundaryCodePoints")
    void codePointsAtTheEdgesOfEachFormAreValid(Side side, String sequence, String expected) {
        Protocol p = open(side);
        receive(p, frame(peer(side), 0x81, sequence));
        assertEvents(p, "Text " + expected);
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void failureComesWithTheFirstInvalidByteNotAtTheEndOfTheFrame(Side side) {
        Protocol p = open(side);
        byte[] wire = bytes(frame(peer(side), 0x81, "48 65 ff 6c 6f"));
        int bad = wire.length - 3;
        for (int i = 0; i < bad; i++) {
            receive(p, wire, i, i + 1);
            assertEvents(p);
        }
        receive(p, wire, bad, bad + 1);
        assertFailedWith(p, 1007);
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void invalidByteInTheFirstFragmentFailsBeforeTheMessageEnds(Side side) {
        Protocol p = open(side);
        receive(p, frame(peer(side), 0x01, "48 65 ff 6c 6f"));
        assertFailedWith(p, 1007);
        receive(p, frame(peer(side), 0x80, "21"));
        assertEvents(p);
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void surrogateFailsAtItsSecondByteInAFragment(Side side) {
        Protocol p = open(side);
        receive(p, frame(peer(side), 0x01, "41 ed"));
        assertEvents(p);
        receive(p, frame(peer(side), 0x00, "a0"));
        assertFailedWith(p, 1007);
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void codePointSplitAcrossFragmentsIsValid(Side side) {
        Protocol p = open(side);
        receive(p, frame(peer(side), 0x01, "e2") + frame(peer(side), 0x00, "82") + frame(peer(side), 0x80, "ac"));
        receive(p, frame(peer(side), 0x01, "f0 9f") + frame(peer(side), 0x80, "98 80"));
        assertEvents(p, "Text €", "Text 😀");
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void codePointSplitAcrossReadsIsValid(Side side) {
        Protocol p = open(side);
        byte[] wire = bytes(frame(peer(side), 0x81, "f0 9f 98 80 e2 82 ac c3 a9"));
        for (int i = 0; i < wire.length; i++) {
            receive(p, wire, i, i + 1);
        }
        assertEvents(p, "Text 😀€é");
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void aTextEventCarriesItsSizeInUtf8BytesAcrossFragments(Side side) {
        Protocol p = open(side);
        receive(p, frame(peer(side), 0x01, "f0 9f") + frame(peer(side), 0x00, "98 80 61") + frame(peer(side), 0x80,
                "c3 a9"));
        assertThat(p.takeEvents()).containsExactly(new Event.Text("😀aé", 4 + 1 + 2));
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void messageEndingInsideASequenceFailsWith1007(Side side) {
        Protocol p = open(side);
        receive(p, frame(peer(side), 0x81, "41 e2 82"));
        assertFailedWith(p, 1007);
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void fragmentedMessageEndingInsideASequenceFailsWith1007AtItsLastFrame(Side side) {
        Protocol p = open(side);
        receive(p, frame(peer(side), 0x01, "f0 9f"));
        receive(p, frame(peer(side), 0x00, "98"));
        assertEvents(p);
        receive(p, frame(peer(side), 0x80, ""));
        assertFailedWith(p, 1007);
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void aPartialSequenceDoesNotLeakIntoTheNextMessage(Side side) {
        Protocol p = open(side);
        receive(p, frame(peer(side), 0x81, "c3 a9") + frame(peer(side), 0x81, "41"));
        assertEvents(p, "Text é", "Text A");
    }

    /** The message assembler and its validator are made on the first data frame and serve every message after it. */
    @ParameterizedTest
    @EnumSource(Side.class)
    void textAfterControlFramesAndBinaryIsValidatedFromItsFirstByte(Side side) {
        Protocol p = open(side);
        receive(p, frame(peer(side), 0x8a, "01") + frame(peer(side), 0x82, "ff c3"));
        receive(p, frame(peer(side), 0x81, "c3 a9") + frame(peer(side), 0x01, "e2") + frame(peer(side), 0x80, "82 ac"));
        assertEvents(p, "Pong 01", "Binary ffc3", "Text é", "Text €");
        receive(p, frame(peer(side), 0x01, "41 80"));
        assertFailedWith(p, 1007);
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void binaryMessagesAreNotValidated(Side side) {
        Protocol p = open(side);
        receive(p, frame(peer(side), 0x82, "ff fe ed a0 80 c0"));
        assertEvents(p, "Binary fffeeda080c0");
        assertThat(p.failure()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void pingPayloadsAreNotValidated(Side side) {
        Protocol p = open(side);
        receive(p, frame(peer(side), 0x89, "ff"));
        assertEvents(p, "Ping ff");
    }
}
