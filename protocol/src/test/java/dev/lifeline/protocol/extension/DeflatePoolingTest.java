package dev.lifeline.protocol.extension;

import static dev.lifeline.protocol.extension.DeflateNegotiationTest.element;
import static dev.lifeline.protocol.extension.DeflateWindowTest.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.protocol.frame.Frame;
import dev.lifeline.protocol.frame.Opcode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

/**
 * Where the zlib state lives (RFC 7692 §7.1.1 decides when it may be dropped): no stream before the first compressed
 * message; without context takeover, streams borrowed from the pool for one message and given back; with it, kept
 * from the first message until {@link Extension#release()}; a bounded pool that ends what it cannot keep.
 */
class DeflatePoolingTest {
    private static final byte[] HELLO = Zlib.compress("Hello".getBytes(StandardCharsets.UTF_8));

    /** Remembers that it was ended, and how many bytes its input last had. */
    static final class TrackedDeflater extends Deflater {
        boolean ended;
        int lastInput = -1;

        TrackedDeflater() {
            super(DEFAULT_COMPRESSION, true);
        }

        @Override
        public void setInput(byte[] input) {
            lastInput = input.length;
            super.setInput(input);
        }

        @Override
        public void setInput(ByteBuffer input) {
            lastInput = input.remaining();
            super.setInput(input);
        }

        @Override
        public void end() {
            ended = true;
            super.end();
        }
    }

    private static DeflateExtension server(PerMessageDeflate deflate) {
        return (DeflateExtension) deflate.negotiate(element("permessage-deflate")).orElseThrow().extension();
    }

    private static Frame text(String text, boolean fin, boolean first) {
        return new Frame(first ? Opcode.TEXT : Opcode.CONTINUATION, fin, 0,
                ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static String inflated(DeflateExtension extension, byte[] payload) {
        return new String(bytes(extension.decode(Frame.RSV1, ByteBuffer.wrap(payload), 1000)), StandardCharsets.UTF_8);
    }

    @Test
    void aNewConnectionHoldsNoZlibStream() {
        DeflateExtension extension = server(PerMessageDeflate.DEFAULT);
        assertThat(extension.sending().holdsDeflater()).isFalse();
        assertThat(extension.receiving().holdsInflater()).isFalse();
    }

    @Test
    void withoutContextTakeoverStreamsAreBorrowedForOneMessageAndShared() {
        PerMessageDeflate deflate = PerMessageDeflate.DEFAULT.withMinSize(0).withoutContextTakeover();
        for (int i = 0; i < 50; i++) {
            DeflateExtension extension = server(deflate);
            extension.encode(text("Hello", true, true), true);
            assertThat(inflated(extension, HELLO)).isEqualTo("Hello");
            assertThat(extension.sending().holdsDeflater()).isFalse();
            assertThat(extension.receiving().holdsInflater()).isFalse();
        }
        assertThat(deflate.pool().idleDeflaters()).isEqualTo(1);
        assertThat(deflate.pool().idleInflaters()).isEqualTo(1);
    }

    @Test
    void aFragmentedMessageHoldsItsDeflaterUntilItsLastFrame() {
        DeflateExtension extension = server(PerMessageDeflate.DEFAULT.withoutContextTakeover());
        extension.encode(text("Hel", false, true), true);
        assertThat(extension.sending().holdsDeflater()).isTrue();
        extension.encode(text("lo", true, false), false);
        assertThat(extension.sending().holdsDeflater()).isFalse();
    }

    @Test
    void withContextTakeoverStreamsAreTakenAtTheFirstMessageAndGivenBackAtRelease() {
        PerMessageDeflate deflate = PerMessageDeflate.DEFAULT.withMinSize(0);
        DeflateExtension extension = server(deflate);
        extension.encode(text("Hello", true, true), true);
        assertThat(inflated(extension, HELLO)).isEqualTo("Hello");
        assertThat(extension.sending().holdsDeflater()).isTrue();
        assertThat(extension.receiving().holdsInflater()).isTrue();
        assertThat(deflate.pool().idleDeflaters()).isZero();

        extension.release();
        extension.release();
        assertThat(extension.sending().holdsDeflater()).isFalse();
        assertThat(extension.receiving().holdsInflater()).isFalse();
        assertThat(deflate.pool().idleDeflaters()).isEqualTo(1);
        assertThat(deflate.pool().idleInflaters()).isEqualTo(1);
    }

    @Test
    void aDeflaterKeptForContextTakeoverDoesNotHoldOnToTheLastMessage() {
        PerMessageDeflate deflate = PerMessageDeflate.DEFAULT.withMinSize(0);
        TrackedDeflater planted = new TrackedDeflater();
        deflate.pool().giveBack(planted);
        DeflateExtension extension = server(deflate);
        extension.encode(text("Hello", true, true), true);
        assertThat(extension.sending().holdsDeflater()).isTrue();
        assertThat(planted.lastInput).isZero();
    }

    @Test
    void aFullPoolEndsTheStreamsGivenBack() {
        PerMessageDeflate deflate = PerMessageDeflate.DEFAULT.withMinSize(0).withPoolSize(1);
        TrackedDeflater planted = new TrackedDeflater();
        deflate.pool().giveBack(planted);
        DeflateExtension first = server(deflate);
        DeflateExtension second = server(deflate);
        first.encode(text("Hello", true, true), true);
        second.encode(text("Hello", true, true), true);

        second.release();
        assertThat(planted.ended).isFalse();
        first.release();
        assertThat(planted.ended).as("the pool already keeps one").isTrue();
        assertThat(deflate.pool().idleDeflaters()).isEqualTo(1);
    }

    @Test
    void aPoolOfSizeZeroEndsEveryStreamAfterItsMessage() {
        PerMessageDeflate deflate = PerMessageDeflate.DEFAULT.withMinSize(0).withoutContextTakeover().withPoolSize(0);
        TrackedDeflater planted = new TrackedDeflater();
        deflate.pool().giveBack(planted);
        assertThat(planted.ended).isTrue();
        server(deflate).encode(text("Hello", true, true), true);
        assertThat(deflate.pool().idleDeflaters()).isZero();
    }
}
