package dev.lifeline.reconnect;

import static org.assertj.core.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An echo server no one here wrote, in a process of its own on a loopback port: Debian's python3-websockets or
 * Node's {@code ws} (from npm, pinned by {@code src/test/peers/package-lock.json}). It answers every message with
 * {@code INSTANCE:message}, so that a test can tell a restarted server from the one before. A missing peer fails
 * the test, naming what to install; nothing is skipped.
 */
final class ForeignServer implements AutoCloseable {
    private static final Path PEERS = Path.of("src/test/peers").toAbsolutePath();

    /** The libraries, and how to start their echo server. */
    enum Kind {
        PYTHON_WEBSOCKETS {
            @Override
            List<String> command(int port, String instance) {
                require(Files.isExecutable(Path.of("/usr/bin/python3")), "/usr/bin/python3 is missing");
                require(exitsZero(List.of("/usr/bin/python3", "-c", "import websockets")),
                        "Debian's python3-websockets is missing: apt-get install python3-websockets (.ci/run does)");
                return List.of("/usr/bin/python3", PEERS.resolve("websockets_echo.py").toString(),
                        String.valueOf(port), instance);
            }
        },
        NODE_WS {
            @Override
            List<String> command(int port, String instance) {
                String node = Files.isExecutable(Path.of("/usr/bin/node")) ? "/usr/bin/node" : "node";
                require(exitsZero(List.of(node, "--version")), "node is missing: apt-get install nodejs npm");
                require(Files.isRegularFile(PEERS.resolve("node_modules/ws/package.json")),
                        "Node's ws is missing: run npm ci in websocket/src/test/peers (.ci/run does)");
                return List.of(node, PEERS.resolve("ws_echo.mjs").toString(), String.valueOf(port), instance);
            }
        };

        abstract List<String> command(int port, String instance);
    }

    private final Process process;
    private final StringBuilder errors = new StringBuilder();

    private ForeignServer(Process process) {
        this.process = process;
    }

    /** Starts the server and waits (at most 20 s) until it listens on {@code port}. */
    static ForeignServer start(Kind kind, int port, String instance) throws Exception {
        Process p = new ProcessBuilder(kind.command(port, instance)).directory(PEERS.toFile()).start();
        ForeignServer server = new ForeignServer(p);
        Thread.ofVirtual().start(server::collectErrors);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> {
            try {
                return String.valueOf(out.readLine());
            } catch (IOException e) {
                return e.toString();
            }
        }, r -> Thread.ofVirtual().start(r));
        try {
            String line = first.get(20, TimeUnit.SECONDS);
            if (!line.equals("listening")) {
                server.close();
                fail(kind + " did not start on port " + port + ": " + line + "; stderr: " + server.errors());
            }
        } catch (TimeoutException e) {
            server.close();
            fail(kind + " did not say it was listening within 20 s; stderr: " + server.errors());
        }
        return server;
    }

    /** Kills the process (SIGKILL: its connections end without a Close frame) and waits for it, at most 10 s. */
    @Override
    public void close() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            fail("the server process " + process.pid() + " did not end");
        }
    }

    private void collectErrors() {
        try (BufferedReader err = process.errorReader(StandardCharsets.UTF_8)) {
            for (String line = err.readLine(); line != null; line = err.readLine()) {
                synchronized (errors) {
                    errors.append(line).append('\n');
                }
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    private String errors() {
        synchronized (errors) {
            return errors.toString();
        }
    }

    private static void require(boolean present, String whatToInstall) {
        if (!present) {
            fail(whatToInstall);
        }
    }

    private static boolean exitsZero(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
