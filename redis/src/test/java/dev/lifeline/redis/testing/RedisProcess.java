package dev.lifeline.redis.testing;

import dev.lifeline.testing.TestCertificates;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} (Debian's package, installed by {@code .ci/run}) on a free loopback port, in a
 * directory of its own, for tests. It can be stopped, killed with SIGKILL and started again on the same port and
 * directory (with {@code appendonly yes} its data survives). Shared with other modules' tests through this module's
 * test jar.
 */
public final class RedisProcess implements AutoCloseable {
    private static final Duration START_LIMIT = Duration.ofSeconds(10);

    private final Path dir;
    private final int port;
    private final List<String> extraArgs;
    /** The certificates it serves TLS with, only TLS on its port; empty for plain TCP. */
    private final Optional<TestCertificates> tls;
    private Process process;

    private RedisProcess(Path dir, int port, List<String> extraArgs, Optional<TestCertificates> tls) {
        this.dir = dir;
        this.port = port;
        this.extraArgs = List.copyOf(extraArgs);
        this.tls = tls;
    }

    /** Starts a Redis with no persistence on a free port. */
    public static RedisProcess start() {
        return start(List.of("--save", "", "--appendonly", "no"));
    }

    /** Starts a Redis on a free port with these extra {@code redis-server} arguments. */
    public static RedisProcess start(List<String> extraArgs) {
        try {
            RedisProcess redis = new RedisProcess(Files.createTempDirectory("lifeline-redis"), freePort(), extraArgs,
                    Optional.empty());
            redis.startAgain();
            return redis;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts a Redis with no persistence that speaks only TLS on its port ({@code --tls-port}), with a server
     * certificate for 127.0.0.1 signed by a CA made for it ({@link #certificates()}); clients need no certificate.
     * Its {@link #url()} is {@code rediss://}.
     */
    public static RedisProcess startTls() {
        try {
            Path dir = Files.createTempDirectory("lifeline-redis");
            RedisProcess redis = new RedisProcess(dir, freePort(), List.of("--save", "", "--appendonly", "no"),
                    Optional.of(TestCertificates.create(dir.resolve("tls"), "redis")));
            redis.startAgain();
            return redis;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The CA and server certificate of a {@link #startTls()} Redis. */
    public TestCertificates certificates() {
        return tls.orElseThrow(() -> new IllegalStateException("this Redis does not speak TLS"));
    }

    public int port() {
        return port;
    }

    public Path dir() {
        return dir;
    }

    public String url() {
        return (tls.isPresent() ? "rediss://" : "redis://") + "127.0.0.1:" + port + "/0";
    }

    /** Starts the server again (same port, same directory) after {@link #kill()} or {@link #stop()}. */
    public synchronized void startAgain() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("redis-server on port " + port + " is already running");
        }
        List<String> command = new ArrayList<>(List.of("redis-server"));
        tls.ifPresentOrElse(t -> command.addAll(List.of("--port", "0", "--tls-port", Integer.toString(port),
                "--tls-cert-file", t.serverCertificate().toString(), "--tls-key-file", t.serverKey().toString(),
                "--tls-ca-cert-file", t.ca().toString(), "--tls-auth-clients", "no")),
                () -> command.addAll(List.of("--port", Integer.toString(port))));
        command.addAll(List.of("--bind", "127.0.0.1", "--dir", dir.toString(), "--daemonize", "no",
                "--loglevel", "warning", "--protected-mode", "no"));
        command.addAll(extraArgs);
        try {
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("redis.log").toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start redis-server (is Debian's redis-server installed?)", e);
        }
        awaitListening();
    }

    /** SIGKILL: no shutdown, no final save. */
    public synchronized void kill() {
        if (process != null) {
            if (process.isAlive()) {
                signal("-CONT"); // a paused server would not die before it runs again
            }
            process.destroyForcibly();
            waitFor(process);
        }
    }

    /** SIGTERM: Redis shuts down cleanly. */
    public synchronized void stop() {
        if (process != null) {
            process.destroy();
            waitFor(process);
        }
    }

    /** SIGSTOP: the server stops answering but keeps its connections (unreachable, not restarted). */
    public synchronized void pause() {
        signal("-STOP");
    }

    /** SIGCONT after {@link #pause()}. */
    public synchronized void unpause() {
        signal("-CONT");
    }

    private void signal(String signal) {
        try {
            Process kill = new ProcessBuilder("kill", signal, Long.toString(process.pid())).start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill " + signal + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        kill();
    }

    private void awaitListening() {
        long deadline = System.nanoTime() + START_LIMIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("redis-server exited with " + process.exitValue() + "; see "
                        + dir.resolve("redis.log"));
            }
            try (Socket socket = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                sleep(20);
            }
        }
        throw new IllegalStateException("redis-server did not listen on port " + port + " within " + START_LIMIT);
    }

    private static void waitFor(Process process) {
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("redis-server did not exit within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Sleeps; an interrupt becomes an IllegalStateException (the test ends). */
    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
