package dev.lifeline.bench.server;

import dev.lifeline.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code lifeline serve} itself, the command line's echo server (its demo page, /healthz, control messages, counters
 * and a line per connection opened and closed), run in this JVM through {@link Main#main} with the settings of
 * {@link LifelineEcho}: {@code --ping-interval 0 --max-message-size 2MiB}, everything else as typed by a user. What
 * it prints goes to standard error (the server's log file), except its first line, which gives the port.
 *
 * <p>It stops the way the command does on SIGTERM, in its shutdown hook: {@link #close()} leaves it running until
 * this JVM exits (which {@link EchoMain} does right after). Not thread-safe; start one per JVM.
 */
final class LifelineServe implements EchoServer {
    private static final Pattern LISTENING = Pattern.compile("listening on ws://[^:]+:(\\d+)/");
    private static final long START_SECONDS = 30;

    private final int port;

    LifelineServe(boolean deflate) throws Exception {
        CompletableFuture<Integer> listening = new CompletableFuture<>();
        PrintStream stdout = System.out;
        // the command keeps the stream it finds at its start for all its lines; EchoMain keeps standard output
        System.setOut(new PrintStream(new Lines(listening), true, StandardCharsets.UTF_8));
        try {
            String[] args = {"serve", "--port", "0", "--ping-interval", "0", "--max-message-size", "2MiB",
                deflate ? "--compression" : "--no-compression"};
            Thread.ofPlatform().daemon().name("lifeline-serve").start(() -> Main.main(args));
            port = listening.get(START_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("lifeline serve did not print its listening line", e);
        } finally {
            System.setOut(stdout);
        }
    }

    @Override
    public int port() {
        return port;
    }

    /** Nothing: the command closes every connection with 1001 and prints its summary when this JVM exits. */
    @Override
    public void close() {
    }

    /**
     * The command's output: line by line until the line that names the port completes {@code listening}, then
     * straight to standard error in the blocks the command's stream writes, as its standard output to a file would
     * take them (no copy, no pattern per line: that would be this harness's cost, charged to the command).
     */
    private static final class Lines extends OutputStream {
        private final CompletableFuture<Integer> listening;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();
        private final PrintStream err = System.err;

        Lines(CompletableFuture<Integer> listening) {
            this.listening = listening;
        }

        @Override
        public synchronized void write(int b) {
            if (listening.isDone()) {
                err.write(b);
                return;
            }
            if (b != '\n') {
                line.write(b);
                return;
            }
            String text = line.toString(StandardCharsets.UTF_8);
            line.reset();
            err.println(text);
            Matcher m = LISTENING.matcher(text);
            if (m.find()) {
                listening.complete(Integer.parseInt(m.group(1)));
            }
        }

        @Override
        public synchronized void write(byte[] bytes, int offset, int length) {
            if (!listening.isDone()) {
                for (int i = offset; i < offset + length; i++) {
                    write(bytes[i]);
                }
                return;
            }
            err.write(bytes, offset, length);
        }

        @Override
        public void flush() {
            err.flush();
        }
    }
}
