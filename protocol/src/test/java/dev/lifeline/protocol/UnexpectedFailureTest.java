package dev.lifeline.protocol;

import static dev.lifeline.protocol.Side.CLIENT;
import static dev.lifeline.protocol.Side.SERVER;
import static dev.lifeline.protocol.Wire.assertSent;
import static dev.lifeline.protocol.Wire.frame;
import static dev.lifeline.protocol.Wire.open;
import static dev.lifeline.protocol.Wire.receive;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.protocol.extension.Extension;
import dev.lifeline.protocol.extension.ExtensionFactory;
import dev.lifeline.protocol.frame.Frame;
import dev.lifeline.protocol.handshake.ExtensionOffer;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Failures that are nobody's protocol violation (RFC 6455 §7.4.1, 1011 "unexpected condition"): they fail the
 * connection with 1011 and no details on the wire, and the cause stays available locally. Also §7.1.7's
 * "fail without a Close frame" (1006).
 */
class UnexpectedFailureTest {
    /** An extension whose decoder has a bug. */
    private static final class BrokenExtension implements ExtensionFactory, Extension {
        @Override
        public String name() {
            return "x-broken";
        }

        @Override
        public ExtensionOffer offer() {
            return ExtensionOffer.of("x-broken");
        }

        @Override
        public Extension accept(ExtensionOffer response) {
            return this;
        }

        @Override
        public Optional<Accepted> negotiate(ExtensionOffer offer) {
            return Optional.of(new Accepted(ExtensionOffer.of("x-broken"), this));
        }

        @Override
        public int rsvBits() {
            return Frame.RSV1;
        }

        @Override
        public Frame encode(Frame frame, boolean firstOfMessage) {
            return frame;
        }

        @Override
        public ByteBuffer decode(int rsv, ByteBuffer payload, int maxSize) {
            throw new IllegalStateException("secret internal detail");
        }
    }

    @Test
    void aBugWhileDecodingFailsWith1011WithoutDetailsOnTheWire() {
        Protocol server = open(SERVER, ProtocolConfig.DEFAULT.withExtensions(List.of(new BrokenExtension())));
        receive(server, frame(CLIENT, 0xC1, "00"));
        assertSent(server, "88 02 03f3 EOF");
        ProtocolException failure = server.failure().orElseThrow();
        assertThat(failure.closeCode()).isEqualTo(CloseCode.INTERNAL_ERROR);
        assertThat(failure.getCause()).hasMessage("secret internal detail");
        assertThat(server.state()).isEqualTo(State.CLOSING);
    }

    @Test
    void failingWith1006SendsNoCloseFrame() {
        Protocol server = open(SERVER);
        server.fail(CloseCode.ABNORMAL_CLOSURE, "gone");
        assertSent(server, "EOF");
        assertThat(server.closeSent()).isEmpty();
    }

    @Test
    void failingWith1005SendsAnEmptyCloseFrame() {
        Protocol server = open(SERVER);
        server.fail(CloseCode.NO_STATUS_RECEIVED, "ignored");
        assertSent(server, "88 00 EOF");
    }
}
