package dev.lifeline;

import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.management.ObjectName;

/**
 * Measures the heap each held server connection keeps, keepalive on (a Ping every second), by a class histogram
 * of this JVM before and after N connections open: bytes per connection by class, the total, and the total of the
 * classes with at least 0.95 instances per connection (what every connection holds, without the virtual threads
 * that happen to be answering a Pong at that moment). The clients are raw sockets in a child JVM that answer every
 * Ping, so only the server is counted; with a second argument {@code echo} each also sends one short text message
 * (echoed) once open, as the bench's held scenario does at its end. A first round of N connections, opened and
 * closed, warms up. Not a test (it takes tens of seconds); run it by hand:
 *
 * <pre>
 * mvn -q -pl protocol,websocket test-compile
 * java -Xms1g -Xmx1g -cp protocol/target/classes:websocket/target/classes:websocket/target/test-classes \
 *     dev.lifeline.HeldMemoryProbe 3000
 * </pre>
 */
public final class HeldMemoryProbe {
    private static final String REQUEST = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
            + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

    /** Whether each client sends one message (echoed) once open, as the bench's held scenario does at its end. */
    private static boolean echo;

    private HeldMemoryProbe() {
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("clients")) {
            clients(Integer.parseInt(args[1]), Integer.parseInt(args[2]), args[3].equals("echo"));
            return;
        }
        int connections = Integer.parseInt(args[0]);
        echo = args.length > 1 && args[1].equals("echo");
        WebSocketOptions options = WebSocketOptions.DEFAULT.withKeepalive(Duration.ofSeconds(1), Duration.ofSeconds(20));
        try (WebSocketServer server = WebSocketServer.builder((ws, m) -> ws.send(m)).host("127.0.0.1").port(0)
                .backlog(1024).options(options).start()) {
            end(server, hold(server, connections)); // warm-up
            Map<String, long[]> before = histogram();
            Process clients = hold(server, connections);
            Map<String, long[]> after = histogram();
            report(before, after, connections, server.connections().size());
            end(server, clients);
        }
    }

    /** Opens {@code connections} held connections and lets two keepalive rounds go by; a warm-up ends them. */
    private static Process hold(WebSocketServer server, int connections) throws Exception {
        Process clients = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), HeldMemoryProbe.class.getName(), "clients",
                "" + server.port(), "" + connections, echo ? "echo" : "quiet")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String ready = new BufferedReader(new InputStreamReader(clients.getInputStream(), StandardCharsets.UTF_8))
                .readLine();
        if (!"ready".equals(ready)) {
            throw new IllegalStateException("clients failed: " + ready);
        }
        Thread.sleep(2_500);
        if (server.connections().size() != connections) {
            throw new IllegalStateException(server.connections().size() + " connections open, not " + connections);
        }
        return clients;
    }

    private static void end(WebSocketServer server, Process clients) throws Exception {
        clients.getOutputStream().close();
        clients.waitFor(60, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!server.connections().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
    }

    /** Instances and bytes by class, after a full collection (the histogram command collects first). */
    static Map<String, long[]> histogram() throws Exception {
        String text = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                new Object[] {new String[0]}, new String[] {String[].class.getName()});
        Map<String, long[]> classes = new HashMap<>();
        for (String line : text.split("\n")) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length >= 4 && fields[0].endsWith(":")) {
                classes.put(fields[3], new long[] {Long.parseLong(fields[1]), Long.parseLong(fields[2])});
            }
        }
        return classes;
    }

    static void report(Map<String, long[]> before, Map<String, long[]> after, int connections, int open) {
        record Row(String name, double instances, double bytes) {
        }
        List<Row> rows = new ArrayList<>();
        after.forEach((name, counts) -> {
            long[] was = before.getOrDefault(name, new long[2]);
            rows.add(new Row(name, (counts[0] - was[0]) / (double) connections,
                    (counts[1] - was[1]) / (double) connections));
        });
        rows.sort(Comparator.comparingDouble(Row::bytes).reversed());
        double total = rows.stream().mapToDouble(Row::bytes).sum();
        double held = rows.stream().filter(r -> r.instances() >= 0.95).mapToDouble(Row::bytes).sum();
        System.out.printf("%d connections open; heap per connection: %.0f B, of which %.0f B in classes with at"
                + " least 0.95 instances per connection%n", open, total, held);
        rows.stream().filter(r -> r.bytes() >= 8).forEach(r ->
                System.out.printf("%8.1f B %6.2f  %s%n", r.bytes(), r.instances(), r.name()));
    }

    /** The child: opens the connections, answers every Ping, says "ready", and holds them until stdin closes. */
    private static void clients(int port, int connections, boolean echo) throws IOException {
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < connections; i++) {
                Socket socket = new Socket();
                socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
                sockets.add(socket);
                socket.getOutputStream().write(REQUEST.getBytes(StandardCharsets.ISO_8859_1));
                skipHead(new DataInputStream(socket.getInputStream()));
                if (echo) { // a text frame "hello", masked with a zero key; answerPings skips its echo
                    socket.getOutputStream().write(new byte[] {(byte) 0x81, (byte) 0x85, 0, 0, 0, 0, 'h', 'e', 'l',
                        'l', 'o'});
                }
            }
            for (Socket socket : sockets) {
                Thread.ofVirtual().start(() -> answerPings(socket));
            }
            System.out.println("ready");
            System.out.flush();
            while (System.in.read() >= 0) {
                continue;
            }
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }

    private static void skipHead(DataInputStream in) throws IOException {
        int matched = 0;
        while (matched < 4) {
            int b = in.readUnsignedByte();
            matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : b == '\r' ? 1 : 0;
        }
    }

    /** Answers each Ping (payloads under 126 bytes, as the server's are) with a masked Pong; ends with the socket. */
    private static void answerPings(Socket socket) {
        try {
            DataInputStream in = new DataInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            while (true) {
                int opcode = in.readUnsignedByte() & 0x0F;
                int length = in.readUnsignedByte() & 0x7F;
                byte[] payload = in.readNBytes(length);
                if (opcode == 0x9) {
                    byte[] pong = new byte[6 + length]; // a zero mask key: the payload goes as it is
                    pong[0] = (byte) 0x8A;
                    pong[1] = (byte) (0x80 | length);
                    System.arraycopy(payload, 0, pong, 6, length);
                    out.write(pong);
                }
            }
        } catch (IOException e) {
            return; // the socket closed: the probe is over
        }
    }
}
