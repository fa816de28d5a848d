package dev.lifeline.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM of the harness (a server or a client under test): the same Java, class path and memory/GC flags as
 * ours ({@link #FLAGS}, set once by the run script), pinned to one core with {@code taskset} when the machine has
 * it. Talks over stdin and stdout lines; stderr goes to a log file. Node's ws, the one server under test that is no
 * JVM, runs the same way and holds the same conversation ({@link #startNode}).
 */
final class Jvm implements AutoCloseable {
    /** Flags of every JVM in a comparison: this JVM's own {@code -X} and {@code -XX} flags. */
    static final List<String> FLAGS = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
            .filter(a -> a.startsWith("-X")).toList();

    private final Process process;
    private final PrintStream in;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    private Jvm(Process process) {
        this.process = process;
        this.in = new PrintStream(process.getOutputStream(), true, StandardCharsets.US_ASCII);
        Thread.ofPlatform().daemon().name("jvm-" + process.pid()).start(() -> {
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // the process is gone
            }
        });
    }

    /** Whether {@code taskset} can pin processes here. */
    static boolean canPin() {
        try {
            Process p = new ProcessBuilder("taskset", "-c", "0", "true").redirectErrorStream(true).start();
            return p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Starts {@code mainClass} with {@code args}, on {@code core} (or anywhere when it is negative), with
     * {@code extraFlags} after the common ones.
     */
    static Jvm start(int core, Class<?> mainClass, List<String> args, List<String> extraFlags, Path log)
            throws IOException {
        List<String> command = new ArrayList<>();
        if (core >= 0) {
            command.addAll(List.of("taskset", "-c", Integer.toString(core)));
        }
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(FLAGS);
        command.addAll(extraFlags);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass.getName()));
        command.addAll(args);
        return new Jvm(new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start());
    }

    /**
     * Starts Node's ws server under test ({@code bench/node/echo.mjs}, its collector exposed so that {@code stats}
     * can collect first) with {@code args}, on {@code core} (or anywhere when it is negative).
     *
     * @throws IOException if the script or its {@code ws} package is missing, or {@code node} cannot start
     */
    static Jvm startNode(int core, List<String> args, Path log) throws IOException {
        Path script = nodeScript().orElseThrow(() -> new IOException("no bench/node/echo.mjs with its ws package:"
                + " run npm ci in bench/node"));
        List<String> command = new ArrayList<>();
        if (core >= 0) {
            command.addAll(List.of("taskset", "-c", Integer.toString(core)));
        }
        command.addAll(List.of("node", "--expose-gc", script.toString()));
        command.addAll(args);
        return new Jvm(new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start());
    }

    /**
     * Node's echo script, from the repository's root (where {@code bench/run} runs) or from the bench module's
     * (where its tests run), if its {@code ws} package is installed.
     */
    static java.util.Optional<Path> nodeScript() {
        return java.util.stream.Stream.of(Path.of("bench", "node"), Path.of("node"))
                .filter(dir -> java.nio.file.Files.isRegularFile(dir.resolve("node_modules/ws/package.json")))
                .map(dir -> dir.resolve("echo.mjs").toAbsolutePath()).findFirst();
    }

    /** The next line that starts with {@code prefix} (others are skipped), without the prefix. */
    String await(String prefix, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                String line = left > 0 ? lines.poll(left, TimeUnit.NANOSECONDS) : null;
                if (line == null) {
                    throw new IOException((process.isAlive() ? "no " + prefix.trim() + " line within " + timeout
                            : "the process exited with " + process.exitValue()) + " (pid " + process.pid() + ")");
                }
                if (line.startsWith(prefix)) {
                    return line.substring(prefix.length());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    void send(String command) {
        in.println(command);
    }

    @Override
    public void close() {
        send("stop");
        in.close();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroy();
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
