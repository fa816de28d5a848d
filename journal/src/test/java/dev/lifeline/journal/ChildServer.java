package dev.lifeline.journal;

import dev.lifeline.Message;
import dev.lifeline.WebSocketOptions;
import dev.lifeline.reliable.ReliableOptions;
import dev.lifeline.reliable.ReliableServer;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * An echo {@link ReliableServer} on a {@link JournalSessionStore}, in a child JVM that a test kills with SIGKILL:
 * {@code main(directory, port, fsync)} prints {@code READY <port>} once it serves ({@code fsync}: {@code commit} or
 * the interval in ms).
 */
final class ChildServer implements AutoCloseable {
    static final WebSocketOptions FAST = WebSocketOptions.DEFAULT
            .withKeepalive(Duration.ofMillis(300), Duration.ofMillis(600))
            .withOpenTimeout(Duration.ofSeconds(3))
            .withCloseTimeout(Duration.ofSeconds(2));
    static final ReliableOptions RELIABLE = ReliableOptions.DEFAULT.withSendTimeout(Duration.ofSeconds(30))
            .withCloseTimeout(Duration.ofSeconds(2));

    private final Process process;
    private final int port;

    private ChildServer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    public static void main(String[] args) throws Exception {
        JournalSessionStore.Builder store = JournalSessionStore.builder(Path.of(args[0]));
        if (!args[2].equals("commit")) {
            store.fsyncEvery(Duration.ofMillis(Long.parseLong(args[2])));
        }
        ReliableServer server = ReliableServer.builder(session -> {
            for (Message m : session) {
                session.send(m);
            }
        }).options(FAST).reliable(RELIABLE).port(Integer.parseInt(args[1])).store(store.build()).start();
        System.out.println("READY " + server.port());
        System.out.flush();
        server.awaitClosed();
    }

    /** Starts a child JVM serving on {@code port} (0: any) from {@code directory}; waits at most 60 s for it. */
    static ChildServer start(Path directory, int port, String fsync, Path log) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp", classPath(),
                ChildServer.class.getName(), directory.toString(), Integer.toString(port), fsync)
                .redirectError(log.toFile()).start();
        CompletableFuture<Integer> ready = CompletableFuture.supplyAsync(() -> {
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
                        StandardCharsets.UTF_8));
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    if (line.startsWith("READY ")) {
                        return Integer.parseInt(line.substring(6));
                    }
                }
                throw new IllegalStateException("the child server exited with " + p.waitFor() + " before it was"
                        + " ready; see " + log);
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            return new ChildServer(p, ready.get(60, TimeUnit.SECONDS));
        } catch (Exception e) {
            p.destroyForcibly();
            throw e;
        }
    }

    /** This test's classes and every library the test JVM has, module path included, as one class path. */
    static String classPath() throws URISyntaxException {
        List<String> entries = new ArrayList<>();
        entries.add(Path.of(ChildServer.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .toString());
        for (String property : new String[] {"jdk.module.path", "java.class.path"}) {
            String value = System.getProperty(property);
            if (value != null && !value.isEmpty()) {
                entries.add(value);
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    /** SIGKILL, and waits for the process to be gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the child server " + process.pid() + " did not die");
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
