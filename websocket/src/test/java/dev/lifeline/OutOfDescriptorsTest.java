package dev.lifeline;

import static dev.lifeline.Peers.PATIENCE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.protocol.ServerProtocol;
import dev.lifeline.testing.Await;
import dev.lifeline.testing.RawPeer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A server out of file descriptors: its accepts fail (EMFILE) while the kernel keeps completing TCP handshakes.
 * It must say so, pause between attempts rather than spin, and serve again once descriptors are free. The server
 * runs in a JVM of its own whose descriptor limit is low ({@code ulimit -n}), so that this JVM keeps its own.
 */
@Timeout(60)
class OutOfDescriptorsTest {
    /** The child JVM's limit: its own files (the JDK's modules, a few jars, the selector) take some 30. */
    private static final int DESCRIPTORS = 64;
    private static final int CROWD = 100;

    /** The server of the child JVM: an echo in the listener style; prints its port. */
    public static final class Server {
        public static void main(String[] args) throws Exception {
            try (WebSocketServer server = WebSocketServer.builder((ws, message) -> ws.send(message))
                    .options(WebSocketOptions.DEFAULT.withoutKeepalive()).start()) {
                System.out.println("PORT " + server.port());
                System.out.flush();
                server.awaitClosed();
            }
        }
    }

    @Test
    void acceptsThatFailForWantOfDescriptorsAreLoggedPausedAndTheServerServesOnceSomeAreFree() throws Exception {
        Path log = Files.createTempFile("lifeline-out-of-descriptors", ".log");
        Path jar = Files.createTempFile("lifeline-out-of-descriptors", ".jar");
        Process server = startServer(log, jar);
        List<Socket> crowd = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(),
                StandardCharsets.US_ASCII))) {
            String ready = out.readLine();
            assertThat(ready).as("the child server's first line; its log: %s", Files.readString(log))
                    .startsWith("PORT ");
            int port = Integer.parseInt(ready.substring(5));
            assertThat(echoOnceServing(port, log)).as("serving before the crowd").isEqualTo("back");

            for (int i = 0; i < CROWD; i++) { // TCP completes their handshakes; the server cannot accept them all
                Socket socket = new Socket();
                socket.connect(new InetSocketAddress("127.0.0.1", port), (int) PATIENCE.toMillis());
                crowd.add(socket);
            }
            long watchFrom = System.nanoTime();
            awaitLogLine(log, "accept failed");
            Await.timeToPass(Duration.ofSeconds(1), "the server keeps failing to accept: at its pace, or spinning?");
            long watchedMillis = (System.nanoTime() - watchFrom) / 1_000_000;
            long failures = Files.readAllLines(log).stream().filter(l -> l.contains("accept failed")).count();
            assertThat(Files.readString(log)).contains("Too many open files").contains("pausing for 100 ms");
            assertThat(failures).as("failed accepts logged in %d ms (one per pause of 100 ms, not a spin)",
                    watchedMillis).isBetween(2L, watchedMillis / 100 + 3);

            for (Socket socket : crowd) {
                socket.close();
            }
            crowd.clear();
            assertThat(echoOnceServing(port, log)).isEqualTo("back");
            assertThat(server.isAlive()).isTrue();
        } finally {
            for (Socket socket : crowd) {
                socket.close();
            }
            server.destroyForcibly();
            server.waitFor(10, TimeUnit.SECONDS);
            Files.deleteIfExists(log);
            Files.deleteIfExists(jar);
        }
    }

    /** Opens a connection and echoes one message, trying again until the server accepts (at most PATIENCE). */
    private static String echoOnceServing(int port, Path log) throws Exception {
        AtomicReference<String> echoed = new AtomicReference<>();
        AtomicReference<IOException> last = new AtomicReference<>();
        boolean served = Await.holds(PATIENCE, () -> {
            try (RawPeer peer = RawPeer.connect(port)) {
                peer.send(RawPeer.TEXT, "back".getBytes(StandardCharsets.UTF_8));
                echoed.set(peer.readFrame(PATIENCE).text());
                return true;
            } catch (IOException e) {
                last.set(e); // refused or dropped while descriptors are still short
                return false;
            }
        });
        if (!served) {
            throw new AssertionError("the server did not serve again within " + PATIENCE + "; its log:\n"
                    + Files.readString(log), last.get());
        }
        return echoed.get();
    }

    private static void awaitLogLine(Path log, String text) throws Exception {
        Await.holds(PATIENCE, () -> {
            try {
                return Files.readString(log).contains(text);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        assertThat(Files.readString(log)).as("the child server's log").contains(text);
    }

    /**
     * The child JVM, with only this module's classes, the protocol's and the tests' on its class path, in one jar
     * as in production: a jar stays open, where loading a class from a directory takes a descriptor (out of them,
     * that fails, and the JVM remembers the failure at every place that needed the class).
     */
    private static Process startServer(Path log, Path jar) throws IOException, URISyntaxException {
        writeJar(jar, location(WebSocketServer.class), location(ServerProtocol.class), location(Server.class));
        String java = ProcessHandle.current().info().command().orElseThrow();
        String command = "ulimit -n " + DESCRIPTORS + " && exec \"$0\" -Xmx64m -cp \"$1\" \"$2\"";
        return new ProcessBuilder("bash", "-c", command, java, jar.toString(), Server.class.getName())
                .redirectError(log.toFile()).start();
    }

    /**
     * The classes of these directories and jars (a reactor build gives the protocol module as either) in one jar, with
     * no module descriptor: it runs on the class path.
     */
    private static void writeJar(Path jar, Path... sources) throws IOException {
        Set<String> written = new HashSet<>();
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (Path source : sources) {
                try (FileSystem zip = Files.isDirectory(source) ? null : FileSystems.newFileSystem(source)) {
                    Path root = zip == null ? source : zip.getPath("/");
                    List<Path> files;
                    try (Stream<Path> walk = Files.walk(root)) {
                        files = walk.filter(f -> f.toString().endsWith(".class")).toList();
                    }
                    for (Path file : files) {
                        String name = root.relativize(file).toString().replace('\\', '/');
                        if (!name.equals("module-info.class") && written.add(name)) {
                            out.putNextEntry(new JarEntry(name));
                            out.write(Files.readAllBytes(file));
                            out.closeEntry();
                        }
                    }
                }
            }
        }
    }

    /**
     * The directory or jar a class was loaded from, found from its class file: with the tests patched into this
     * module, a code source would name the module's directory for the test classes too.
     */
    private static Path location(Class<?> type) throws URISyntaxException {
        String file = type.getName().replace('.', '/') + ".class";
        String url = type.getResource("/" + file).toString();
        if (url.startsWith("jar:")) {
            return Path.of(new URI(url.substring("jar:".length(), url.indexOf("!/"))));
        }
        return Path.of(new URI(url.substring(0, url.length() - file.length())));
    }
}
