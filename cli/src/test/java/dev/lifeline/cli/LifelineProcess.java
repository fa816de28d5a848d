package dev.lifeline.cli;

import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged {@code lifeline.jar} run as a process ({@code java -jar}, the JDK running the tests), its standard
 * output and error collected as they come. Closing it kills it if it is still running.
 */
final class LifelineProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on (wss?://\\S+)");

    private final Process process;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final Thread outPump;
    private final Thread errPump;

    private LifelineProcess(Process process) {
        this.process = process;
        this.outPump = Thread.ofVirtual().start(() -> pump(process.getInputStream(), out));
        this.errPump = Thread.ofVirtual().start(() -> pump(process.getErrorStream(), err));
    }

    static LifelineProcess start(String... args) throws IOException {
        String jar = System.getProperty("lifeline.jar");
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            fail("lifeline.jar not found at " + jar + "; run the end-to-end tests with Maven (mvn verify), which"
                    + " packages it first");
        }
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar));
        command.addAll(List.of(args));
        return new LifelineProcess(new ProcessBuilder(command).start());
    }

    /** {@code lifeline serve ARGS --port 0}, once it prints its URL. */
    static LifelineProcess serve(String... args) throws IOException, InterruptedException {
        return serveOn(0, args);
    }

    /** {@code lifeline serve ARGS --port PORT}, once it prints its URL. */
    static LifelineProcess serveOn(int port, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("serve", "--port", Integer.toString(port)));
        command.addAll(List.of(args));
        LifelineProcess server = start(command.toArray(String[]::new));
        Eventually.contains(server::stdout, "listening on ");
        return server;
    }

    /** The WebSocket URL a {@code serve} process printed on its first line. */
    URI endpoint() {
        Matcher m = LISTENING.matcher(stdout());
        if (!m.find()) {
            fail("no 'listening on ws://...' line in:\n" + stdout() + "\nstderr:\n" + stderr());
        }
        return URI.create(m.group(1));
    }

    /** The demo page's URL. */
    URI page() {
        return URI.create(endpoint().toString().replaceFirst("^ws", "http"));
    }

    /** The port a {@code serve} process listens on. */
    int port() {
        return endpoint().getPort();
    }

    /** Writes to standard input and leaves it open. */
    LifelineProcess write(String text) throws IOException {
        OutputStream in = process.getOutputStream();
        in.write(text.getBytes(StandardCharsets.UTF_8));
        in.flush();
        return this;
    }

    /** Writes to standard input and closes it. */
    LifelineProcess input(String text) throws IOException {
        try (OutputStream in = process.getOutputStream()) {
            in.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return this;
    }

    /**
     * Sends SIGTERM, as a service manager would (Ctrl-C is SIGINT; both run the shutdown hooks). Through the
     * process handle: {@link Process#destroy()} would also close our ends of its pipes and lose what it prints then.
     */
    void terminate() {
        process.toHandle().destroy();
    }

    /** SIGKILL, and waits (at most {@link Eventually#TIMEOUT}) until the process is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(Eventually.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            fail("still running " + Eventually.TIMEOUT.toSeconds() + " s after SIGKILL");
        }
    }

    /** The exit code, waiting at most {@link Eventually#TIMEOUT}. */
    int exitCode() throws InterruptedException {
        if (!process.waitFor(Eventually.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            fail("still running after " + Eventually.TIMEOUT.toSeconds() + " s; stdout:\n" + stdout() + "\nstderr:\n"
                    + stderr());
        }
        outPump.join(Duration.ofSeconds(2)); // the last bytes, up to the end of the stream
        errPump.join(Duration.ofSeconds(2));
        return process.exitValue();
    }

    String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
    }

    private static void pump(InputStream from, ByteArrayOutputStream to) {
        byte[] buffer = new byte[8192];
        try (from) {
            for (int n = from.read(buffer); n >= 0; n = from.read(buffer)) {
                to.write(buffer, 0, n);
            }
        } catch (IOException e) {
            // the process is gone
        }
    }
}
