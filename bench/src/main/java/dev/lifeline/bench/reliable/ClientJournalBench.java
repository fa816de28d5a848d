package dev.lifeline.bench.reliable;

import dev.lifeline.Message;
import dev.lifeline.journal.SqliteClientJournal;
import dev.lifeline.reliable.ReliableClient;
import dev.lifeline.reliable.ReliableServer;
import dev.lifeline.reliable.SendFuture;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * The client's journal against the client in memory: persisted-then-acknowledged messages per second (clients to
 * one in-memory server on 127.0.0.1, which consumes them), and the latency of {@code send} to its persisted stage
 * and to its acknowledgement (p50, p99). Rows: in memory (persisted completes with the acknowledgement), the journal
 * with an fsync on every commit, and with an fsync every N ms for each interval given. Each client has its own
 * journal directory (in a temporary directory, deleted after) and keeps a bounded number of sends unacknowledged.
 * A first, unprinted in-memory run warms the JVM up.
 *
 * <p>Usage: {@code ClientJournalBench [clients=4] [messages per client=20000] [in flight per client=256]
 * [payload bytes=64] [fsync intervals in ms=10,100]}. Figures need a quiet machine.
 */
public final class ClientJournalBench {
    private ClientJournalBench() {
    }

    /** How the clients keep their sessions: in memory (null), or a journal with this fsync interval. */
    private record Mode(String name, Duration fsyncEvery) {
    }

    public static void main(String[] args) throws Exception {
        int clients = args.length > 0 ? Integer.parseInt(args[0]) : 4;
        int messages = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        int inFlight = args.length > 2 ? Integer.parseInt(args[2]) : 256;
        int bytes = args.length > 3 ? Integer.parseInt(args[3]) : 64;
        List<Mode> modes = new ArrayList<>(List.of(new Mode("memory", null),
                new Mode("journal, fsync each commit", Duration.ZERO)));
        for (String ms : (args.length > 4 ? args[4] : "10,100").split(",")) {
            modes.add(new Mode("journal, fsync every " + ms + " ms", Duration.ofMillis(Long.parseLong(ms))));
        }
        System.out.printf("%d clients x %d messages of %d bytes, %d in flight each%n", clients, messages, bytes,
                inFlight);
        System.out.printf("%-32s %12s %16s %16s %14s %14s%n", "client", "acked msg/s", "persisted p50 ms",
                "persisted p99 ms", "acked p50 ms", "acked p99 ms");
        run(modes.getFirst(), clients, messages, inFlight, bytes, false); // warm-up: compiles the hot paths
        for (Mode mode : modes) {
            run(mode, clients, messages, inFlight, bytes, true);
        }
    }

    private static void run(Mode mode, int clients, int messages, int inFlight, int bytes, boolean print)
            throws Exception {
        Histogram persisted = new ConcurrentHistogram(TimeUnit.SECONDS.toNanos(60), 3);
        Histogram acked = new ConcurrentHistogram(TimeUnit.SECONDS.toNanos(60), 3);
        Path journals = Files.createTempDirectory("lifeline-client-journal-bench");
        long elapsed;
        try (ReliableServer server = ReliableServer.builder(session -> {
            for (Message m : session) {
                // consumed: the client's messages are what is measured
            }
        }).start()) {
            URI uri = URI.create("ws://127.0.0.1:" + server.port() + "/");
            List<ReliableClient> connected = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                ReliableClient.Builder b = ReliableClient.builder(uri);
                if (mode.fsyncEvery() != null) {
                    b.journal(SqliteClientJournal.open(journals.resolve("client-" + c), mode.fsyncEvery()));
                }
                connected.add(b.connect());
            }
            byte[] payload = new byte[bytes];
            long start = System.nanoTime();
            List<Thread> threads = new ArrayList<>();
            for (ReliableClient client : connected) {
                threads.add(Thread.ofVirtual().start(() -> send(client, messages, inFlight, payload, persisted,
                        acked)));
            }
            for (Thread t : threads) {
                t.join(Duration.ofMinutes(10));
            }
            elapsed = System.nanoTime() - start;
            for (ReliableClient client : connected) {
                client.close();
            }
        } finally {
            delete(journals);
        }
        if (!print) {
            return;
        }
        long total = (long) clients * messages;
        System.out.printf("%-32s %12.0f %16.2f %16.2f %14.2f %14.2f%n", mode.name(), total / (elapsed / 1e9),
                persisted.getValueAtPercentile(50) / 1e6, persisted.getValueAtPercentile(99) / 1e6,
                acked.getValueAtPercentile(50) / 1e6, acked.getValueAtPercentile(99) / 1e6);
    }

    private static void send(ReliableClient client, int messages, int inFlight, byte[] payload, Histogram persisted,
            Histogram acked) {
        Semaphore window = new Semaphore(inFlight);
        try {
            for (int i = 0; i < messages; i++) {
                window.acquire();
                long sent = System.nanoTime();
                SendFuture f = client.send(payload);
                f.persisted().whenComplete((v, e) -> persisted.recordValue(System.nanoTime() - sent));
                f.whenComplete((v, e) -> {
                    acked.recordValue(System.nanoTime() - sent);
                    window.release();
                });
            }
            window.acquire(inFlight);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void delete(Path directory) throws IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
