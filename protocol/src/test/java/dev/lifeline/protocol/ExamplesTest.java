package dev.lifeline.protocol;

import static dev.lifeline.protocol.Side.CLIENT;
import static dev.lifeline.protocol.Side.SERVER;
import static dev.lifeline.protocol.Wire.assertEvents;
import static dev.lifeline.protocol.Wire.assertSent;
import static dev.lifeline.protocol.Wire.hex;
import static dev.lifeline.protocol.Wire.maskNaively;
import static dev.lifeline.protocol.Wire.open;
import static dev.lifeline.protocol.Wire.pattern;
import static dev.lifeline.protocol.Wire.receive;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * RFC 6455 §5.7 "Examples", byte for byte: each one parsed by the side that receives it and serialized by the side
 * that sends it. Client frames are masked with the RFC's key 0x37fa213d, which the injected random returns.
 */
class ExamplesTest {

    @Test
    void clientParsesSingleFrameUnmaskedTextMessage() {
        Protocol client = open(CLIENT);
        receive(client, "81 05 48 65 6c 6c 6f");
        assertEvents(client, "Text Hello");
        assertSent(client, "");
    }

    @Test
    void serverSendsSingleFrameUnmaskedTextMessage() {
        Protocol server = open(SERVER);
        server.sendText("Hello");
        assertSent(server, "81 05 48 65 6c 6c 6f");
    }

    @Test
    void serverParsesSingleFrameMaskedTextMessage() {
        Protocol server = open(SERVER);
        receive(server, "81 85 37 fa 21 3d 7f 9f 4d 51 58");
        assertEvents(server, "Text Hello");
        assertSent(server, "");
    }

    @Test
    void clientSendsSingleFrameMaskedTextMessage() {
        Protocol client = open(CLIENT);
        client.sendText("Hello");
        assertSent(client, "81 85 37 fa 21 3d 7f 9f 4d 51 58");
    }

    @Test
    void clientParsesFragmentedUnmaskedTextMessage() {
        Protocol client = open(CLIENT);
        receive(client, "01 03 48 65 6c");
        assertEvents(client);
        receive(client, "80 02 6c 6f");
        assertEvents(client, "Text Hello");
    }

    @Test
    void serverSendsFragmentedUnmaskedTextMessage() {
        Protocol server = open(SERVER);
        server.sendText(ascii("Hel"), false);
        server.sendContinuation(ascii("lo"), true);
        assertSent(server, "01 03 48 65 6c  80 02 6c 6f");
    }

    @Test
    void clientSendsFragmentedMaskedTextMessageWithTheKeyRestartingAtEachFrame() {
        Protocol client = open(CLIENT);
        client.sendText(ascii("Hel"), false);
        client.sendContinuation(ascii("lo"), true);
        assertSent(client, "01 83 37fa213d 7f9f4d  80 82 37fa213d 5b95");
    }

    @Test
    void clientAnswersUnmaskedPingWithMaskedPong() {
        Protocol client = open(CLIENT);
        receive(client, "89 05 48 65 6c 6c 6f");
        assertEvents(client, "Ping 48656c6c6f");
        assertSent(client, "8a 85 37 fa 21 3d 7f 9f 4d 51 58");
    }

    @Test
    void serverAnswersMaskedPingWithUnmaskedPong() {
        Protocol server = open(SERVER);
        receive(server, "89 85 37 fa 21 3d 7f 9f 4d 51 58");
        assertEvents(server, "Ping 48656c6c6f");
        assertSent(server, "8a 05 48 65 6c 6c 6f");
    }

    @Test
    void serverSendsUnmaskedPing() {
        Protocol server = open(SERVER);
        server.sendPing(ascii("Hello"));
        assertSent(server, "89 05 48 65 6c 6c 6f");
    }

    @Test
    void clientParsesUnmaskedPongWithoutAnswering() {
        Protocol client = open(CLIENT);
        receive(client, "8a 05 48 65 6c 6c 6f");
        assertEvents(client, "Pong 48656c6c6f");
        assertSent(client, "");
    }

    @Test
    void clientSendsMaskedPong() {
        Protocol client = open(CLIENT);
        client.sendPong(ascii("Hello"));
        assertSent(client, "8a 85 37 fa 21 3d 7f 9f 4d 51 58");
    }

    @Test
    void serverSends256ByteBinaryMessageWith16BitLength() {
        Protocol server = open(SERVER);
        server.sendBinary(ByteBuffer.wrap(pattern(256)), true);
        assertSent(server, "82 7E 0100" + hex(pattern(256)));
    }

    @Test
    void clientParses256ByteBinaryMessageWith16BitLength() {
        Protocol client = open(CLIENT);
        receive(client, "82 7E 0100" + hex(pattern(256)));
        assertBinary(client, pattern(256));
    }

    @Test
    void clientSends256ByteBinaryMessageMasked() {
        Protocol client = open(CLIENT);
        client.sendBinary(ByteBuffer.wrap(pattern(256)), true);
        assertSent(client, "82 FE 0100 37fa213d" + hex(maskNaively(pattern(256), Wire.MASK, 0)));
    }

    @Test
    void serverSends64KiBBinaryMessageWith64BitLength() {
        Protocol server = open(SERVER);
        server.sendBinary(ByteBuffer.wrap(pattern(65536)), true);
        assertSent(server, "82 7F 0000000000010000" + hex(pattern(65536)));
    }

    @Test
    void clientParses64KiBBinaryMessageWith64BitLength() {
        Protocol client = open(CLIENT);
        receive(client, "82 7F 0000000000010000" + hex(pattern(65536)));
        assertBinary(client, pattern(65536));
    }

    @Test
    void serverParses64KiBMaskedBinaryMessage() {
        Protocol server = open(SERVER);
        receive(server, "82 FF 0000000000010000 37fa213d" + hex(maskNaively(pattern(65536), Wire.MASK, 0)));
        assertBinary(server, pattern(65536));
    }

    @Test
    void sendingDoesNotConsumeTheCallersBuffer() {
        Protocol server = open(SERVER);
        ByteBuffer payload = ascii("Hello");
        server.sendBinary(payload, true);
        assertThat(payload.remaining()).isEqualTo(5);
        assertSent(server, "82 05 48656c6c6f");
    }

    private static void assertBinary(Protocol p, byte[] expected) {
        List<Event> events = p.takeEvents();
        assertThat(events).singleElement().isInstanceOfSatisfying(Event.Binary.class,
                binary -> assertThat(binary.data()).isEqualTo(expected));
        assertSent(p, "");
    }

    private static ByteBuffer ascii(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
    }
}
