package dev.lifeline.protocol;

import static dev.lifeline.protocol.Side.SERVER;
import static dev.lifeline.protocol.Wire.assertEvents;
import static dev.lifeline.protocol.Wire.assertFailedWith;
import static dev.lifeline.protocol.Wire.bytes;
import static dev.lifeline.protocol.Wire.frame;
import static dev.lifeline.protocol.Wire.open;
import static dev.lifeline.protocol.Wire.pattern;
import static dev.lifeline.protocol.Wire.peer;
import static dev.lifeline.protocol.Wire.receive;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Size limits (RFC 6455 §10.4 "Implementation-Specific Limits", close code 1009 of §7.4.1): a frame is refused on
 * its declared length as soon as its header is complete, before any payload is buffered; a fragmented message is
 * refused at the frame that takes it over the limit.
 */
class LimitsTest {
    private static final ProtocolConfig SMALL = ProtocolConfig.DEFAULT.withMaxMessageSize(1000).withMaxFrameSize(100);

    /** Header bytes of a frame from the peer of {@code side}: 2 + extended length, + 4 for a mask key. */
    private static int headerLength(Side side, int payloadLength) {
        int base = payloadLength <= 125 ? 2 : payloadLength <= 0xFFFF ? 4 : 10;
        return side == SERVER ? base + 4 : base;
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void frameAtTheLimitIsAccepted(Side side) {
        Protocol p = open(side, SMALL);
        receive(p, frame(peer(side), 0x82, pattern(100)));
        assertThat(p.takeEvents()).singleElement().isInstanceOf(Event.Binary.class);
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void frameDeclaredOverTheLimitFailsWith1009RightAfterItsHeader(Side side) {
        Protocol p = open(side, SMALL);
        byte[] wire = bytes(frame(peer(side), 0x82, pattern(101)));
        int header = headerLength(side, 101);
        receive(p, wire, 0, header - 1);
        assertEvents(p);
        receive(p, wire, header - 1, header);
        assertFailedWith(p, 1009);
        receive(p, wire, header, wire.length);
        assertEvents(p);
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void hugeDeclaredFrameFailsWith1009WithoutItsPayload(Side side) {
        Protocol p = open(side);
        receive(p, side == SERVER ? "82 ff 000000007fffffff 37fa213d" : "82 7f 000000007fffffff");
        assertFailedWith(p, 1009);
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void defaultLimitIsOneMebibytePerFrame(Side side) {
        Protocol p = open(side);
        receive(p, side == SERVER ? "82 ff 0000000000100001 37fa213d" : "82 7f 0000000000100001");
        assertFailedWith(p, 1009);
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void fragmentedMessageAtTheLimitIsAccepted(Side side) {
        Protocol p = open(side, SMALL);
        for (int i = 0; i < 9; i++) {
            receive(p, frame(peer(side), i == 0 ? 0x02 : 0x00, pattern(100)));
        }
        receive(p, frame(peer(side), 0x80, pattern(100)));
        assertThat(p.takeEvents()).singleElement().isInstanceOfSatisfying(Event.Binary.class,
                binary -> assertThat(binary.data()).hasSize(1000));
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void fragmentedMessageFailsWith1009AtTheFrameThatCrossesTheLimit(Side side) {
        Protocol p = open(side, SMALL);
        for (int i = 0; i < 9; i++) {
            receive(p, frame(peer(side), i == 0 ? 0x01 : 0x00, "61".repeat(100)));
        }
        assertEvents(p);
        byte[] crossing = bytes(frame(peer(side), 0x80, "61".repeat(100) + "62"));
        int header = headerLength(side, 101);
        receive(p, crossing, 0, header - 1);
        assertEvents(p);
        receive(p, crossing, header - 1, header);
        assertFailedWith(p, 1009);
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void messageLimitAppliesToASingleFrameToo(Side side) {
        Protocol p = open(side, new ProtocolConfig(50, 100, ProtocolConfig.DEFAULT.headLimits(), java.util.List.of()));
        receive(p, frame(peer(side), 0x82, pattern(50)));
        assertThat(p.takeEvents()).singleElement().isInstanceOf(Event.Binary.class);
        receive(p, frame(peer(side), 0x82, pattern(51)));
        assertFailedWith(p, 1009);
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void controlFramesBetweenFragmentsDoNotCountTowardsTheMessage(Side side) {
        Protocol p = open(side, SMALL);
        receive(p, frame(peer(side), 0x02, pattern(100)));
        for (int i = 0; i < 20; i++) {
            receive(p, frame(peer(side), 0x8a, pattern(100)));
        }
        receive(p, frame(peer(side), 0x80, pattern(100)));
        assertThat(p.takeEvents()).hasSize(21).last().isInstanceOfSatisfying(Event.Binary.class,
                binary -> assertThat(binary.data()).hasSize(200));
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void controlFramesAreBoundedBy125BytesNotByASmallerFrameLimit(Side side) {
        Protocol p = open(side, ProtocolConfig.DEFAULT.withMaxFrameSize(10));
        receive(p, frame(peer(side), 0x89, pattern(20)));
        assertThat(p.failure()).isEmpty();
        assertThat(Wire.events(p)).hasSize(1).first().asString().startsWith("Ping");
    }
}
