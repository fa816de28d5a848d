package dev.lifeline.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeline.bench.load.Connector.Opened;
import dev.lifeline.bench.load.Connector.Target;
import dev.lifeline.protocol.handshake.Accept;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What a server may send right after its 101 response: a keepalive Ping, answered at once, and nothing else. */
@Timeout(30)
class ConnectorTest {

    @Test
    void aPingRightAfterThe101IsAnsweredWithItsPong() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<byte[]> pong = CompletableFuture.supplyAsync(() -> serve(listener,
                    new byte[] {(byte) 0x89, 2, 'h', 'i'}, 8));

            Opened opened = Connector.open(Target.webSocket(listener.getLocalPort()), 1, 1, Duration.ofSeconds(10));
            try {
                byte[] frame = pong.get(10, TimeUnit.SECONDS);
                assertThat(frame[0] & 0xFF).isEqualTo(0x8A); // FIN + Pong
                assertThat(frame[1] & 0xFF).isEqualTo(0x82); // masked, 2 bytes
                byte[] payload = {(byte) (frame[6] ^ frame[2]), (byte) (frame[7] ^ frame[3])};
                assertThat(new String(payload, StandardCharsets.US_ASCII)).isEqualTo("hi");
                assertThat(opened.channels()).hasSize(1);
            } finally {
                opened.abort();
            }
        }
    }

    @Test
    void aMessageRightAfterThe101IsAnError() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture.runAsync(() -> serve(listener, new byte[] {(byte) 0x81, 2, 'h', 'i'}, 0));

            assertThatThrownBy(() -> Connector.open(Target.webSocket(listener.getLocalPort()), 1, 1,
                    Duration.ofSeconds(10))).isInstanceOf(EchoException.class)
                    .hasMessage("server sent data right after its 101 response");
        }
    }

    /** Answers one handshake with a 101 and {@code after} in the same write; returns the next {@code read} bytes. */
    private static byte[] serve(ServerSocket listener, byte[] after, int read) {
        try (Socket socket = listener.accept()) {
            InputStream in = socket.getInputStream();
            BufferedReader head = new BufferedReader(new InputStreamReader(in, StandardCharsets.ISO_8859_1), 1);
            String key = null;
            for (String line = head.readLine(); line != null && !line.isEmpty(); line = head.readLine()) {
                if (line.toLowerCase(java.util.Locale.ROOT).startsWith("sec-websocket-key:")) {
                    key = line.substring(line.indexOf(':') + 1).trim();
                }
            }
            byte[] response = ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + Accept.of(key) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            byte[] all = java.util.Arrays.copyOf(response, response.length + after.length);
            System.arraycopy(after, 0, all, response.length, after.length);
            OutputStream out = socket.getOutputStream();
            out.write(all);
            out.flush();
            return in.readNBytes(read);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
