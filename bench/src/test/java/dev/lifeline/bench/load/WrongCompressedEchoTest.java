package dev.lifeline.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.Message;
import dev.lifeline.WebSocketOptions;
import dev.lifeline.WebSocketServer;
import dev.lifeline.bench.load.Connector.Opened;
import dev.lifeline.bench.load.Connector.Target;
import dev.lifeline.protocol.extension.PerMessageDeflate;
import dev.lifeline.protocol.handshake.Accept;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * In the compressed scenario (RFC 7692), an echo that is not compressed, or that does not inflate to the message
 * sent, makes the load generator report an error, never a figure.
 */
@Timeout(30)
class WrongCompressedEchoTest {
    private static final int MESSAGES = 3;

    @Test
    void aServerThatNegotiatesButDoesNotCompressYieldsAnError() throws Exception {
        WebSocketOptions options = WebSocketOptions.DEFAULT.withExtensions(
                List.of(PerMessageDeflate.DEFAULT.withoutContextTakeover().withMinSize(4096)));
        try (WebSocketServer server = WebSocketServer.builder(ws -> {
            for (Message m : ws) {
                ws.send(m);
            }
        }).options(options).start()) {
            LoadResult r = CompressedEchoTest.run(Target.webSocket(server.port()).deflating(), plan());
            assertThat(r.error()).startsWith("connection ").endsWith(" message 0: echo frame 0x81 has RSV bits 0x0,"
                    + " 0x40 expected (a compressed message, RFC 7692 §6)");
        }
    }

    @Test
    void anEchoOfAnotherMessageYieldsAnError() throws Exception {
        LoadResult r = against((seq, payload) -> seq == 1 ? previous : payload);
        assertThat(r.error()).isEqualTo("connection 0: echo of message 1 differs at byte 9 once inflated");
    }

    @Test
    void anEchoThatIsNotDeflateDataYieldsAnError() throws Exception {
        LoadResult r = against((seq, payload) -> {
            byte[] corrupt = payload.clone();
            if (seq == 2) {
                corrupt[0] |= 0x06; // BTYPE 11: a reserved block type (RFC 1951 §3.2.3)
            }
            return corrupt;
        });
        assertThat(r.error()).startsWith("connection 0: echo of message 2 is not valid DEFLATE data");
    }

    private byte[] previous;

    /**
     * Runs 3 messages on one connection against a scripted server that accepts our offer, then answers each
     * compressed message with an unmasked text frame with RSV1 whose payload is {@code reply(seq, payload)}.
     */
    private LoadResult against(BiFunction<Long, byte[], byte[]> reply) throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread t = Thread.ofVirtual().start(() -> {
                try (Socket s = listener.accept()) {
                    DataInputStream in = new DataInputStream(s.getInputStream());
                    OutputStream out = s.getOutputStream();
                    accept(in, out);
                    for (long seq = 0; seq < MESSAGES; seq++) {
                        byte[] payload = readClientFrame(in);
                        writeServerFrame(out, reply.apply(seq, payload));
                        previous = payload;
                    }
                    in.read();
                } catch (IOException e) {
                    // the generator hung up
                }
            });
            Opened opened = Connector.open(Target.webSocket(listener.getLocalPort()).deflating(), 1, 1,
                    Duration.ofSeconds(5));
            try {
                return EchoLoad.run(opened.channels(), plan());
            } finally {
                opened.abort();
                t.join(5000);
            }
        }
    }

    private static EchoLoad.Plan plan() {
        return new EchoLoad.Plan(1, Scenario.COMPRESSED.traffic(), false, Duration.ZERO, Duration.ZERO, MESSAGES);
    }

    private static void accept(DataInputStream in, OutputStream out) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            head.write(in.readUnsignedByte());
        }
        Matcher key = Pattern.compile("Sec-WebSocket-Key: (\\S+)").matcher(head.toString(StandardCharsets.ISO_8859_1));
        assertThat(key.find()).isTrue();
        out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: " + Accept.of(key.group(1)) + "\r\nSec-WebSocket-Extensions: "
                + "permessage-deflate; server_no_context_takeover; client_no_context_takeover\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
    }

    /** One masked client frame with a 16-bit length (RFC 6455 §5.2): its unmasked payload. */
    private static byte[] readClientFrame(DataInputStream in) throws IOException {
        int b0 = in.readUnsignedByte();
        int len7 = in.readUnsignedByte() & 0x7F;
        assertThat(b0).isEqualTo(0xC1);
        int length = len7 == 126 ? in.readUnsignedShort() : len7;
        byte[] key = in.readNBytes(4);
        byte[] payload = in.readNBytes(length);
        for (int i = 0; i < length; i++) {
            payload[i] ^= key[i & 3];
        }
        return payload;
    }

    private static void writeServerFrame(OutputStream out, byte[] payload) throws IOException {
        out.write(0xC1);
        if (payload.length <= 125) {
            out.write(payload.length);
        } else {
            out.write(126);
            out.write(payload.length >>> 8);
            out.write(payload.length);
        }
        out.write(payload);
        out.flush();
    }
}
