package dev.lifeline;

import dev.lifeline.testing.Census;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Measures what each idle client connection costs this JVM: the heap it keeps (a class histogram before and after N
 * connections open, as {@link HeldMemoryProbe} does for the server) and Lifeline's threads while they are open
 * ({@link Census#lifelineThreads()}). The server is a Lifeline echo server in a child JVM, so only the clients are
 * counted; keepalive is off, so the connections are idle. A first round of N connections, opened and closed, warms
 * up; at the end every connection echoes one message. Not a test (it takes tens of seconds); run it by hand:
 *
 * <pre>
 * mvn -q -pl protocol,websocket test-compile
 * java -Xms1g -Xmx1g \
 *     -cp protocol/target/classes:websocket/target/classes:websocket/target/test-classes:testing/target/classes \
 *     dev.lifeline.ClientHeldMemoryProbe 2000
 * </pre>
 */
public final class ClientHeldMemoryProbe {
    private static final WebSocketOptions OPTIONS = WebSocketOptions.DEFAULT.withoutKeepalive();

    private ClientHeldMemoryProbe() {
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("server")) {
            try (WebSocketServer server = WebSocketServer.builder((ws, m) -> ws.send(m)).host("127.0.0.1").port(0)
                    .backlog(1024).options(OPTIONS).start()) {
                System.out.println(server.port());
                System.out.flush();
                while (System.in.read() >= 0) {
                    continue;
                }
            }
            return;
        }
        int connections = Integer.parseInt(args[0]);
        Process child = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(), "-Xmx1g",
                "-cp", System.getProperty("java.class.path"), ClientHeldMemoryProbe.class.getName(), "server")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            URI uri = URI.create("ws://127.0.0.1:" + new BufferedReader(new InputStreamReader(
                    child.getInputStream(), StandardCharsets.UTF_8)).readLine() + "/");
            WebSocketClient client = WebSocketClient.builder().options(OPTIONS).pollIdle(true).build();
            closeAll(open(client, uri, connections)); // warm-up
            Map<String, long[]> before = HeldMemoryProbe.histogram();
            int threadsBefore = Census.lifelineThreads().size();
            List<WebSocket> open = open(client, uri, connections);
            Thread.sleep(2_000); // whatever the opening started has ended
            Map<String, long[]> after = HeldMemoryProbe.histogram();
            List<String> threads = Census.lifelineThreads();
            HeldMemoryProbe.report(before, after, connections, open.size());
            System.out.printf("Lifeline threads: %d before, %d with %d idle client connections open%n",
                    threadsBefore, threads.size(), open.size());
            for (WebSocket ws : open) {
                ws.send("echo");
            }
            int echoed = 0;
            for (WebSocket ws : open) {
                echoed += ws.receive(java.time.Duration.ofSeconds(30)).isPresent() ? 1 : 0;
            }
            System.out.printf("%d of %d echoed at the end%n", echoed, open.size());
            closeAll(open);
        } finally {
            child.getOutputStream().close();
            child.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static List<WebSocket> open(WebSocketClient client, URI uri, int connections) throws Exception {
        List<WebSocket> open = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            open.add(client.open(uri));
        }
        return open;
    }

    private static void closeAll(List<WebSocket> connections) throws Exception {
        for (WebSocket ws : connections) {
            ws.close();
        }
        for (WebSocket ws : connections) {
            ws.closed().get(30, TimeUnit.SECONDS);
        }
    }
}
