package dev.lifeline.protocol;

import static dev.lifeline.protocol.Side.CLIENT;
import static dev.lifeline.protocol.Side.SERVER;
import static dev.lifeline.protocol.Wire.assertEvents;
import static dev.lifeline.protocol.Wire.assertFailedWith;
import static dev.lifeline.protocol.Wire.assertSent;
import static dev.lifeline.protocol.Wire.bytes;
import static dev.lifeline.protocol.Wire.closePayload;
import static dev.lifeline.protocol.Wire.open;
import static dev.lifeline.protocol.Wire.receive;
import static dev.lifeline.protocol.Wire.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.protocol.handshake.Headers;
import java.util.List;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/**
 * RFC 6455 §5.1: "a client MUST mask all frames that it sends to the server" and "A server MUST NOT mask any frames
 * that it sends to the client"; each end MUST fail the connection (1002, §7.4.1) on a frame that breaks the rule,
 * and the mask key comes from the injected random source, fresh for every frame (§5.3, §10.3).
 */
class MaskingRulesTest {

    @Test
    void serverReceivingUnmaskedFrameFailsWith1002() {
        Protocol server = open(SERVER);
        receive(server, "81 05 48656c6c6f");
        String reason = server.failure().orElseThrow().reason();
        assertThat(reason).contains("not masked");
        assertSent(server, "88" + String.format("%02x", 2 + reason.length()) + closePayload(1002, reason) + " EOF");
        assertThat(server.failure().orElseThrow().closeCode()).isEqualTo(CloseCode.PROTOCOL_ERROR);
        assertEvents(server, "Failed 1002");
        assertThat(server.state()).isEqualTo(State.CLOSING);
    }

    @Test
    void serverReceivingUnmaskedControlFrameFailsWith1002() {
        Protocol server = open(SERVER);
        receive(server, "89 00");
        assertFailedWith(server, 1002);
    }

    @Test
    void serverFailsOnTheSecondByteWithoutWaitingForThePayload() {
        Protocol server = open(SERVER);
        receive(server, "82 7e");
        assertFailedWith(server, 1002);
    }

    @Test
    void clientReceivingMaskedFrameFailsWith1002() {
        Protocol client = open(CLIENT);
        receive(client, "81 85 37fa213d 7f9f4d5158");
        String reason = client.failure().orElseThrow().reason();
        assertThat(reason).contains("masked");
        // The client masks its Close frame and does not close TCP: it waits for the server to (§7.1.1).
        byte[] payload = bytes(closePayload(1002, reason));
        assertSent(client, "88" + String.format("%02x", 0x80 | payload.length) + "37fa213d"
                + Wire.hex(Wire.maskNaively(payload, Wire.MASK, 0)));
        assertThat(client.closeExpected()).isTrue();
    }

    @Test
    void clientReceivingMaskedPingFailsWith1002WithoutAnsweringIt() {
        Protocol client = open(CLIENT);
        receive(client, "89 80 37fa213d");
        assertFailedWith(client, 1002);
    }

    @Test
    void clientTakesAFreshMaskKeyFromTheRandomSourceForEveryFrame() {
        Sequence random = new Sequence(0x01020304, 0xa0b0c0d0, 0xffffffff, 0x00000000);
        ClientProtocol client = new ClientProtocol(Wire.ENDPOINT, List.of(), Headers.empty(), ProtocolConfig.DEFAULT,
                random);
        Wire.connect(client, Wire.server(ProtocolConfig.DEFAULT));
        random.next = 0;
        client.sendText("ab");
        client.sendPing(java.nio.ByteBuffer.wrap(bytes("6162")));
        client.sendBinary(java.nio.ByteBuffer.wrap(bytes("6162")), true);
        client.sendText("");
        assertSent(client, "81 82 01020304 6060"
                + "89 82 a0b0c0d0 c1d2"
                + "82 82 ffffffff 9e9d"
                + "81 80 00000000");
    }

    @Test
    void serverNeverAsksForRandomness() {
        ServerProtocol server = new ServerProtocol(ProtocolConfig.DEFAULT);
        Wire.connect(Wire.client(ProtocolConfig.DEFAULT), server);
        server.sendText("Hello");
        receive(server, "89 80 37fa213d");
        server.sendClose(CloseCode.NORMAL_CLOSURE, "");
        assertSent(server, "81 05 " + utf8("Hello") + "8a 00 88 02 03e8");
    }

    /** Returns the given ints in turn from nextInt; fails the test on any other use once they run out. */
    private static final class Sequence implements RandomGenerator {
        private final int[] values;
        int next;

        Sequence(int... values) {
            this.values = values;
        }

        @Override
        public int nextInt() {
            if (next >= values.length) {
                throw new AssertionError("no more random ints expected");
            }
            return values[next++];
        }

        @Override
        public long nextLong() {
            return (long) nextInt() << 32 | (nextInt() & 0xFFFFFFFFL);
        }
    }
}
