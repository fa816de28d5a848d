package dev.lifeline.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeline.bench.load.Connector.Opened;
import dev.lifeline.bench.load.Connector.Target;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A wrong or missing echo makes the load generator report an error, never a figure. */
@Timeout(30)
class WrongEchoTest {

    @Test
    void aServerThatChangesOneByteYieldsAnError() throws Exception {
        LoadResult r = against(socket -> {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            byte[] frame = in.readNBytes(70 * 3);
            frame[70 + 40] ^= 0x20; // a payload byte of the second message
            out.write(frame);
            out.flush();
            in.read();
        });
        assertThat(r.ok()).isFalse();
        assertThat(r.error()).isEqualTo("connection 0: echo of message 1 differs at byte 34");
    }

    @Test
    void aServerThatClosesBeforeEchoingEverythingYieldsAnError() throws Exception {
        LoadResult r = against(socket -> {
            byte[] frame = socket.getInputStream().readNBytes(70);
            socket.getOutputStream().write(frame);
            socket.close();
        });
        assertThat(r.ok()).isFalse();
        assertThat(r.error()).contains("closed by the server with 2 echoes missing");
    }

    @Test
    void aRawEchoThatChangesTheOpeningRequestIsAnErrorNotAConnection() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread t = Thread.ofVirtual().start(() -> {
                try (Socket s = listener.accept()) {
                    byte[] head = s.getInputStream().readNBytes(16);
                    head[0] = 'P'; // "PET / HTTP/1.1..."
                    s.getOutputStream().write(head);
                    s.getInputStream().read(); // the rest of the request; then the generator hangs up
                } catch (Exception e) {
                    // the generator hung up
                }
            });
            assertThatThrownBy(() -> Connector.open(Target.rawTcp(listener.getLocalPort()), 1, 1,
                    Duration.ofSeconds(5))).isInstanceOf(EchoException.class)
                    .hasMessage("the raw echo of the opening request differs from it");
            t.join(5000);
        }
    }

    /** Runs 3 raw-mode messages (70-byte masked frames of 64 bytes) against a scripted TCP peer. */
    private static LoadResult against(Peer peer) throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread t = Thread.ofVirtual().start(() -> {
                try (Socket s = listener.accept()) {
                    echoRequest(s);
                    peer.serve(s);
                } catch (Exception e) {
                    // the generator hung up
                }
            });
            Opened opened = Connector.open(Target.rawTcp(listener.getLocalPort()), 1, 1, Duration.ofSeconds(5));
            try {
                EchoLoad.Plan plan = new EchoLoad.Plan(3, Scenario.SMALL.traffic(), true, Duration.ZERO,
                        Duration.ZERO, 3);
                return EchoLoad.run(opened.channels(), plan);
            } finally {
                opened.abort();
                t.join(5000);
            }
        }
    }

    /** What a raw TCP echo does with the generator's opening request: sends it back, up to its blank line. */
    private static void echoRequest(Socket socket) throws Exception {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("the generator hung up during its request");
            }
            head.write(b);
        }
        socket.getOutputStream().write(head.toByteArray());
    }

    @FunctionalInterface
    private interface Peer {
        void serve(Socket socket) throws Exception;
    }
}
