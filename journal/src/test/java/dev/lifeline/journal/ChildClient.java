package dev.lifeline.journal;

import dev.lifeline.Backoff;
import dev.lifeline.Message;
import dev.lifeline.ReconnectPolicy;
import dev.lifeline.reliable.ReliableClient;
import dev.lifeline.reliable.SessionOutcome;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A {@link ReliableClient} on a {@link SqliteClientJournal}, in a child JVM that a test kills with SIGKILL:
 * {@code main(directory, port, round, count, finish, fsync)} ({@code fsync}: {@code commit} or the
 * interval in ms). It sends {@code r<round>-<j>} for j below {@code count}, one
 * a millisecond, printing {@code PERSISTED <message>} when each is persisted; it answers every message it receives
 * with {@code got <message>}, sent while handling it. With {@code finish} it then sends {@code done}, and once it
 * has handled {@code echo:done} closes the session and prints {@code CLOSED}. It prints {@code READY} once built
 * and {@code JOINED <kind>} on each session joined.
 */
final class ChildClient implements AutoCloseable {
    private static final Backoff QUICK = new Backoff(Duration.ofMillis(5), Duration.ofMillis(10), 2.0,
            Duration.ofMillis(100));

    private final Process process;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final CountDownLatch ready = new CountDownLatch(1);
    private final CountDownLatch exited = new CountDownLatch(1);

    private ChildClient(Process process) {
        this.process = process;
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = System.out;
        String round = args[2];
        int count = Integer.parseInt(args[3]);
        boolean finish = Boolean.parseBoolean(args[4]);
        ReliableClient client = ReliableClient.builder(URI.create("ws://127.0.0.1:" + args[1] + "/"))
                .options(ChildServer.FAST).reliable(ChildServer.RELIABLE).reconnect(ReconnectPolicy.standard(QUICK))
                .journal(SqliteClientJournal.open(Path.of(args[0]), args[5].equals("commit") ? Duration.ZERO
                        : Duration.ofMillis(Long.parseLong(args[5]))))
                .listener(new ReliableClient.Listener() {
                    @Override
                    public void sessionJoined(SessionOutcome outcome) {
                        out.println("JOINED " + outcome.kind());
                    }
                }).connect();
        out.println("READY");
        Thread.ofPlatform().start(() -> {
            try {
                for (int j = 0; j < count; j++) {
                    String m = "r" + round + "-" + j;
                    client.send(m).persisted().thenRun(() -> out.println("PERSISTED " + m));
                    Thread.sleep(1); // pacing, not a wait: a kill at any moment of the round finds sends in flight
                }
                if (finish) {
                    client.send("done");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        for (Message m : client) {
            String text = ((Message.Text) m).text();
            client.send("got " + text);
            if (finish && text.equals("echo:done")) {
                break;
            }
        }
        client.close(); // commits the handling of echo:done with its answer, and waits for the acknowledgements
        out.println("CLOSED " + client.closeReason().orElseThrow().kind());
        System.exit(0);
    }

    /** Starts a child JVM client on {@code directory} against {@code port}; waits at most 60 s for READY. */
    static ChildClient start(Path directory, int port, int round, int count, boolean finish, String fsync,
            Path log) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp", ChildServer.classPath(),
                ChildClient.class.getName(), directory.toString(), Integer.toString(port), Integer.toString(round),
                Integer.toString(count), Boolean.toString(finish), fsync)
                .redirectError(log.toFile()).start();
        ChildClient child = new ChildClient(p);
        Thread.ofVirtual().start(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    child.lines.add(line);
                    if (line.equals("READY")) {
                        child.ready.countDown();
                    }
                }
            } catch (IOException e) {
                child.lines.add("READ FAILED " + e);
            } finally {
                child.exited.countDown();
            }
        });
        if (!child.ready.await(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("the child client was not ready in 60 s; see " + log);
        }
        return child;
    }

    /** What it printed, once its output has ended (it was killed or exited); waits at most 60 s. */
    List<String> output() throws InterruptedException {
        if (!exited.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the child client's output did not end in 60 s");
        }
        return List.copyOf(lines);
    }

    /** Waits at most {@code timeout} for the process to exit by itself; its exit code. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("the child client " + process.pid() + " did not exit in " + timeout);
        }
        return process.exitValue();
    }

    long pid() {
        return process.pid();
    }

    /** SIGKILL, and waits for the process to be gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the child client " + process.pid() + " did not die");
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
