package dev.lifeline.deflate;

import dev.lifeline.Message;
import dev.lifeline.WebSocketOptions;
import dev.lifeline.WebSocketServer;
import dev.lifeline.protocol.ConnectionClosedException;
import dev.lifeline.protocol.extension.PerMessageDeflate;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;

/**
 * Measures what an idle compressed connection costs our server: heap (used, after GC) and native memory (resident
 * set growth, with the heap pre-touched so that it does not count) per connection, for N connections that each
 * exchange a few messages each way (compressed when negotiated), or none, and then stay idle. The clients are raw sockets in a child
 * JVM, so that only the server is measured. Not a test (it takes tens of seconds); run it by hand:
 *
 * <pre>
 * mvn -q -pl protocol,websocket test-compile
 * java -Xms3g -Xmx3g -XX:+AlwaysPreTouch \
 *     -cp protocol/target/classes:websocket/target/classes:websocket/target/test-classes \
 *     dev.lifeline.deflate.IdleMemoryProbe takeover 1000 1
 * </pre>
 *
 * Arguments: the server's configuration ({@code off}, {@code takeover} for {@link PerMessageDeflate#DEFAULT},
 * {@code frugal} for {@link PerMessageDeflate#withoutContextTakeover()}), the number of connections, the number of
 * messages each connection exchanges before going idle, and optionally their size (200 bytes by default, at most
 * 65,535).
 */
public final class IdleMemoryProbe {
    private static final String OFFER = "permessage-deflate; client_max_window_bits";

    private IdleMemoryProbe() {
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("clients")) {
            clients(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]),
                    Integer.parseInt(args[4]), Boolean.parseBoolean(args[5]));
            return;
        }
        String configuration = args[0];
        int connections = Integer.parseInt(args[1]);
        int messages = Integer.parseInt(args[2]);
        int size = args.length > 3 ? Integer.parseInt(args[3]) : 200;
        WebSocketOptions options = WebSocketOptions.DEFAULT.withoutKeepalive().withExtensions(switch (configuration) {
            case "off" -> List.of();
            case "takeover" -> List.of(PerMessageDeflate.DEFAULT);
            case "frugal" -> List.of(PerMessageDeflate.DEFAULT.withoutContextTakeover());
            default -> throw new IllegalArgumentException("configuration: off, takeover or frugal");
        });
        try (WebSocketServer server = WebSocketServer.builder(ws -> {
            try {
                for (Message message : ws) {
                    ws.send(message);
                }
            } catch (ConnectionClosedException e) {
                // the clients leave without a closing handshake when the measurement is done
            }
        }).host("127.0.0.1").port(0).backlog(1024).options(options).start()) {
            long[] before = measure();
            Process clients = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(), "-Xmx512m",
                    "-cp", System.getProperty("java.class.path"), IdleMemoryProbe.class.getName(), "clients",
                    "" + server.port(), "" + connections, "" + messages, "" + size, "" + !configuration.equals("off"))
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            BufferedReader fromClients = new BufferedReader(new InputStreamReader(clients.getInputStream(),
                    StandardCharsets.UTF_8));
            String ready = fromClients.readLine();
            if (!"ready".equals(ready)) {
                throw new IllegalStateException("clients failed: " + ready);
            }
            long[] after = measure();
            System.out.printf("%s, %d connections, %d message(s) of %d bytes each way: heap %.1f KiB, native %.1f KiB"
                    + " per connection (open: %d)%n", configuration, connections, messages, size,
                    (after[0] - before[0]) / 1024.0 / connections, (after[1] - before[1]) / 1024.0 / connections,
                    server.connections().size());
            clients.getOutputStream().close();
            clients.waitFor(60, TimeUnit.SECONDS);
        }
    }

    /** Heap used after GC and the resident set size, in bytes, once the process has settled. */
    private static long[] measure() throws Exception {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(500);
        }
        long heap = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
        long rss = 0;
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                rss = Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        return new long[] {heap, rss};
    }

    /** The child: opens the connections, exchanges the messages, says "ready", and idles until stdin closes. */
    private static void clients(int port, int connections, int messages, int size, boolean compressed)
            throws IOException {
        byte[] frame = textFrame(size, compressed);
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < connections; i++) {
                Socket socket = new Socket();
                socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
                socket.setSoTimeout(10_000);
                sockets.add(socket);
                OutputStream out = socket.getOutputStream();
                out.write(("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                        + "Sec-WebSocket-Extensions: " + OFFER + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                DataInputStream in = new DataInputStream(socket.getInputStream());
                readHead(in);
                for (int m = 0; m < messages; m++) {
                    out.write(frame);
                    skipFrame(in);
                }
            }
            System.out.println("ready");
            System.out.flush();
            while (System.in.read() >= 0) {
                continue;
            }
        } catch (IOException e) {
            System.out.println("failed after " + sockets.size() + " connections: " + e);
            throw e;
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }

    /**
     * A masked text frame of about {@code size} bytes (at most 65,535) of JSON-like text, compressed (RFC 7692
     * §7.2.1) or not; the server echoes it compressed when it negotiated the extension.
     */
    private static byte[] textFrame(int size, boolean compressed) {
        StringBuilder text = new StringBuilder();
        while (text.length() < size) {
            text.append("{\"event\": \"tick\", \"value\": ").append(text.length()).append("} ");
        }
        text.setLength(size);
        byte[] payload = text.toString().getBytes(StandardCharsets.UTF_8);
        int n = payload.length;
        if (compressed) {
            Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
            deflater.setInput(payload);
            payload = new byte[size + 1024];
            n = deflater.deflate(payload, 0, payload.length, Deflater.SYNC_FLUSH) - 4;
            deflater.end();
        }
        byte[] frame = new byte[8 + n];
        frame[0] = (byte) (compressed ? 0xC1 : 0x81);
        frame[1] = (byte) (0x80 | 126);
        frame[2] = (byte) (n >> 8);
        frame[3] = (byte) n;
        System.arraycopy(payload, 0, frame, 8, n);
        return frame;
    }

    private static void readHead(DataInputStream in) throws IOException {
        int matched = 0;
        while (matched < 4) {
            int b = in.readUnsignedByte();
            matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : b == '\r' ? 1 : 0;
        }
    }

    /** Reads the echo, a text frame; anything else (such as a Close frame) means the exchange failed. */
    private static void skipFrame(DataInputStream in) throws IOException {
        int b0 = in.readUnsignedByte();
        if ((b0 & 0x0F) != 0x1) {
            throw new IOException("expected the echo, got a frame with opcode " + (b0 & 0x0F));
        }
        int length = in.readUnsignedByte() & 0x7F;
        long n = length == 126 ? in.readUnsignedShort() : length == 127 ? in.readLong() : length;
        in.skipNBytes(n);
    }
}
