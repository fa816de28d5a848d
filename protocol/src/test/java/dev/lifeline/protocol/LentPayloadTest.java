package dev.lifeline.protocol;

import static dev.lifeline.protocol.Wire.assertSent;
import static dev.lifeline.protocol.Wire.frame;
import static dev.lifeline.protocol.Wire.open;
import static dev.lifeline.protocol.Wire.pattern;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeline.protocol.extension.PerMessageDeflate;
import dev.lifeline.protocol.frame.Opcode;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link Protocol#sendLent}: the same frames on the wire as a copying send (RFC 6455 §5.2), but a server's large
 * unmasked payload goes out as the caller's own buffer behind a separate header, so it is not copied.
 */
class LentPayloadTest {
    @Test
    void serverLendsALargePayloadBehindItsHeader() {
        Protocol server = open(Side.SERVER);
        byte[] payload = pattern(Protocol.LEND_MIN);
        server.sendLent(Opcode.BINARY, ByteBuffer.wrap(payload));

        List<Outbound> out = server.takeOutbound();
        assertThat(out).hasSize(2);
        ByteBuffer header = ((Outbound.Data) out.get(0)).bytes();
        ByteBuffer body = ((Outbound.Data) out.get(1)).bytes();
        assertThat(body.array()).as("the caller's array, not a copy").isSameAs(payload);
        assertThat(body.remaining()).isEqualTo(payload.length);
        byte[] headerBytes = new byte[header.remaining()];
        header.get(headerBytes);
        assertThat(Wire.hex(headerBytes)).isEqualTo("827e4000"); // FIN + BINARY, 16-bit length 16384
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Side.class)
    void lentAndCopiedSendsPutTheSameBytesOnTheWire(Side side) {
        for (int size : new int[] {0, 125, Protocol.LEND_MIN - 1, Protocol.LEND_MIN, 70_000}) {
            byte[] payload = pattern(size);
            Protocol p = open(side);
            p.sendLent(Opcode.BINARY, ByteBuffer.wrap(payload));
            assertSent(p, frame(side, 0x82, payload));
            p.sendLent(Opcode.TEXT, ByteBuffer.wrap(new byte[size]));
            assertSent(p, frame(side, 0x81, new byte[size]));
        }
    }

    @Test
    void smallPayloadsAndClientPayloadsAreCopied() {
        byte[] small = pattern(Protocol.LEND_MIN - 1);
        Protocol server = open(Side.SERVER);
        server.sendLent(Opcode.BINARY, ByteBuffer.wrap(small));
        assertThat(server.takeOutbound()).singleElement()
                .satisfies(o -> assertThat(((Outbound.Data) o).bytes().array()).isNotSameAs(small));

        byte[] large = pattern(Protocol.LEND_MIN);
        Protocol client = open(Side.CLIENT);
        client.sendLent(Opcode.BINARY, ByteBuffer.wrap(large));
        assertThat(client.takeOutbound()).singleElement() // masked (§5.3): the bytes must change
                .satisfies(o -> assertThat(((Outbound.Data) o).bytes().array()).isNotSameAs(large));
    }

    @Test
    void aPayloadAnExtensionCompressesIsNotTheCallers() {
        ProtocolConfig deflating = ProtocolConfig.DEFAULT.withExtensions(List.of(PerMessageDeflate.DEFAULT));
        Wire.Pair pair = Wire.connect(deflating);
        byte[] payload = new byte[Protocol.LEND_MIN * 2];
        pair.server().sendLent(Opcode.BINARY, ByteBuffer.wrap(payload));
        Wire.pipe(pair.server(), pair.client());
        assertThat(pair.client().takeEvents()).singleElement()
                .satisfies(e -> assertThat(((Event.Binary) e).data()).isEqualTo(payload));
    }

    @Test
    void onlyWholeDataMessagesCanBeLent() {
        Protocol server = open(Side.SERVER);
        assertThatThrownBy(() -> server.sendLent(Opcode.PING, ByteBuffer.allocate(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> server.sendLent(Opcode.CONTINUATION, ByteBuffer.allocate(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
