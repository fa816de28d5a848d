package dev.lifeline.redis.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server node run as a child process for multi-node tests: started, found listening (its first line says
 * {@code listening on port N} or {@code listening on ws://HOST:N/}), killed with SIGKILL, started again on the same
 * port. The command is a function of the port to listen on (0 the first time), so that any server fits: a Java main
 * class on the test class path ({@link #java}), or the {@code lifeline} jar.
 */
public final class NodeProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on (?:port |\\w+://[^\\s/]+:)(\\d+)");
    private static final Duration START_LIMIT = Duration.ofSeconds(30);

    private final String name;
    private final IntFunction<List<String>> command;
    private Process process;
    private ByteArrayOutputStream output;
    /** Reads the current run's output into {@link #output}. */
    private Thread pump;
    /** What the earlier runs printed, each after a line naming the run. */
    private final StringBuilder earlier = new StringBuilder();
    private int runs;
    private int port;

    private NodeProcess(String name, IntFunction<List<String>> command) {
        this.name = name;
        this.command = command;
    }

    /** Starts {@code command.apply(0)} and waits until it says which port it listens on. */
    public static NodeProcess start(String name, IntFunction<List<String>> command) {
        NodeProcess node = new NodeProcess(name, command);
        node.launch(0);
        return node;
    }

    /** {@code java -cp <the test class path> main args...}, with the JDK running the tests. */
    public static List<String> java(Class<?> main, List<String> args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                main.getName()));
        command.addAll(args);
        return command;
    }

    public int port() {
        return port;
    }

    /** The exit status of the current run, once it ended. */
    public int exitValue() {
        return process.exitValue();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL: no shutdown hook, no close; waits until the process is gone. */
    public synchronized void kill() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException(name + " still running 10 s after SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * SIGTERM: the node runs its shutdown hooks; waits until it exited and its output is read to the end.
     *
     * @return what this run printed
     */
    public synchronized String stop() {
        process.toHandle().destroy(); // Process.destroy() would also close our end of its output
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException(name + " still running 30 s after SIGTERM");
            }
            if (!pump.join(Duration.ofSeconds(10))) {
                throw new IllegalStateException(name + "'s output did not end 10 s after it exited");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return output();
    }

    /** Starts the node again on the port it had. */
    public synchronized void restart() {
        if (process.isAlive()) {
            throw new IllegalStateException(name + " is still running");
        }
        launch(port);
    }

    /** What the node printed (standard output and error) since its last start. */
    public synchronized String output() {
        return output.toString(StandardCharsets.UTF_8);
    }

    /** What the node printed in every run since it was first started, each run after a line that names it. */
    public synchronized String history() {
        return earlier + "--- " + name + " run " + runs + "\n" + output();
    }

    @Override
    public void close() {
        kill();
    }

    private void launch(int onPort) {
        if (output != null) {
            earlier.append("--- ").append(name).append(" run ").append(runs).append('\n').append(output());
        }
        runs++;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            process = new ProcessBuilder(command.apply(onPort)).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + name, e);
        }
        output = out;
        Process started = process;
        pump = Thread.ofVirtual().name(name + "-output").start(() -> pump(started.getInputStream(), out));
        long deadline = System.nanoTime() + START_LIMIT.toNanos();
        while (true) {
            Matcher m = LISTENING.matcher(out.toString(StandardCharsets.UTF_8));
            if (m.find()) {
                port = Integer.parseInt(m.group(1));
                return;
            }
            if (!started.isAlive() || System.nanoTime() > deadline) {
                started.destroyForcibly();
                throw new IllegalStateException(name + " did not say it was listening within " + START_LIMIT
                        + (started.isAlive() ? "" : " (it exited)") + "; it printed:\n" + out);
            }
            RedisProcess.sleep(20);
        }
    }

    private static void pump(InputStream from, ByteArrayOutputStream to) {
        byte[] buffer = new byte[8192];
        try (from) {
            for (int n = from.read(buffer); n >= 0; n = from.read(buffer)) {
                synchronized (to) {
                    to.write(buffer, 0, n);
                }
            }
        } catch (IOException e) {
            // the process is gone
        }
    }

    @Override
    public String toString() {
        return name + " on port " + port + (process.isAlive() ? "" : " (dead)");
    }
}
