package dev.lifeline.bench.reliable;

import dev.lifeline.Message;
import dev.lifeline.redis.RedisSessionStore;
import dev.lifeline.reliable.InMemorySessionStore;
import dev.lifeline.reliable.ReliableClient;
import dev.lifeline.reliable.ReliableServer;
import dev.lifeline.reliable.SessionStore;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Reliable sessions on one node with the in-memory store and with the Redis store, side by side: acknowledged
 * messages per second (client to server, each echoed back), send-to-acknowledgement latency (p50, p99), and Redis
 * scripts per message from {@code INFO commandstats} (each is one request, pipelined on the node's connection with
 * the others: not a round trip a thread waits for), with the commands they run. Each client keeps a bounded number of sends unacknowledged and reads every echo.
 *
 * <p>Usage: {@code StoreBench <redis-url> [clients=4] [messages per client=20000] [in flight per client=256]
 * [payload bytes=64]}. Figures need a quiet machine.
 */
public final class StoreBench {
    private StoreBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: StoreBench <redis-url> [clients] [messages per client] [in flight] [bytes]");
            System.exit(2);
        }
        String url = args[0];
        int clients = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        int messages = args.length > 2 ? Integer.parseInt(args[2]) : 20_000;
        int inFlight = args.length > 3 ? Integer.parseInt(args[3]) : 256;
        int bytes = args.length > 4 ? Integer.parseInt(args[4]) : 64;
        System.out.printf("%d clients x %d messages of %d bytes, %d in flight each%n", clients, messages, bytes,
                inFlight);
        System.out.printf("%-10s %12s %10s %10s %18s %18s%n", "store", "acked msg/s", "p50 ms", "p99 ms",
                "Redis scripts/msg", "(commands in them)");
        run("memory", InMemorySessionStore::new, null, clients, messages, inFlight, bytes);
        run("redis", () -> RedisSessionStore.create(url), url, clients, messages, inFlight, bytes);
    }

    private static void run(String name, Supplier<SessionStore> store, String redisUrl, int clients, int messages,
            int inFlight, int bytes) throws Exception {
        Histogram latency = new ConcurrentHistogram(TimeUnit.SECONDS.toNanos(60), 3);
        long[] before = redisUrl == null ? null : redisCommands(redisUrl);
        long start;
        long elapsed;
        try (ReliableServer server = ReliableServer.builder(session -> {
            for (Message m : session) {
                session.send(m);
            }
        }).store(store.get()).start()) {
            URI uri = URI.create("ws://127.0.0.1:" + server.port() + "/");
            List<ReliableClient> connected = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                connected.add(ReliableClient.builder(uri).connect());
            }
            byte[] payload = new byte[bytes];
            start = System.nanoTime();
            List<Thread> threads = new ArrayList<>();
            for (ReliableClient client : connected) {
                threads.add(Thread.ofVirtual().start(() -> send(client, messages, inFlight, payload, latency)));
                threads.add(Thread.ofVirtual().start(() -> {
                    for (int i = 0; i < messages; i++) {
                        client.receive();
                    }
                }));
            }
            for (Thread t : threads) {
                t.join(Duration.ofMinutes(10));
            }
            elapsed = System.nanoTime() - start;
            for (ReliableClient client : connected) {
                client.close();
            }
        }
        long total = (long) clients * messages;
        String scripts = "-";
        String commands = "-";
        if (redisUrl != null) {
            long[] after = redisCommands(redisUrl);
            scripts = String.format("%.2f", (after[0] - before[0]) / (double) total);
            commands = String.format("(%.2f)", (after[1] - before[1]) / (double) total);
        }
        System.out.printf("%-10s %12.0f %10.2f %10.2f %18s %18s%n", name, total / (elapsed / 1e9),
                latency.getValueAtPercentile(50) / 1e6, latency.getValueAtPercentile(99) / 1e6, scripts, commands);
    }

    private static void send(ReliableClient client, int messages, int inFlight, byte[] payload, Histogram latency) {
        Semaphore window = new Semaphore(inFlight);
        try {
            for (int i = 0; i < messages; i++) {
                window.acquire();
                long sent = System.nanoTime();
                client.send(payload).whenComplete((v, e) -> {
                    latency.recordValue(System.nanoTime() - sent);
                    window.release();
                });
            }
            window.acquire(inFlight);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The scripts ({@code EVAL}: each one request from the node, pipelined with the others) and all the commands
     * (those the scripts ran included) Redis has run since it started ({@code INFO commandstats}).
     */
    private static long[] redisCommands(String url) {
        RedisClient client = RedisClient.create(url);
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            long[] counts = new long[2];
            connection.sync().info("commandstats").lines().filter(l -> l.startsWith("cmdstat_")).forEach(l -> {
                long calls = Long.parseLong(l.replaceAll("^cmdstat_[^:]+:calls=(\\d+),.*", "$1"));
                counts[1] += calls;
                if (l.startsWith("cmdstat_eval:")) {
                    counts[0] += calls;
                }
            });
            return counts;
        } finally {
            client.shutdown();
        }
    }
}
