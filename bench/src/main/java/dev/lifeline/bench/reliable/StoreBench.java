package dev.lifeline.bench.reliable;

import dev.lifeline.Message;
import dev.lifeline.redis.RedisSessionStore;
import dev.lifeline.reliable.InMemorySessionStore;
import dev.lifeline.reliable.ReliableClient;
import dev.lifeline.reliable.ReliableServer;
import dev.lifeline.reliable.SessionStore;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Reliable sessions with the in-memory store and with the Redis store, side by side, on one node and on three nodes
 * (three servers in this JVM: with the in-memory store each keeps its own sessions, with the Redis store all three
 * share one Redis, each through its own store and connections; the clients are spread over the nodes):
 * acknowledged messages per second (client to server, each echoed back), send-to-acknowledgement latency (p50,
 * p99), and Redis scripts per message from {@code INFO commandstats} (each is one request, pipelined on the node's
 * connection with the others: not a round trip a thread waits for), with the commands they run. Each client keeps
 * a bounded number of sends unacknowledged and reads every echo. Then the memory an idle session takes in Redis:
 * {@code used_memory} before and after that many sessions each exchanged one message and went quiet.
 *
 * <p>It also prints the CPU time a message cost: this JVM's (servers and clients), plus Redis's ({@code INFO cpu})
 * for the Redis store. Unlike the rates, that hardly depends on what else runs on the machine; on a machine whose
 * cores are all busy with the run, the ratio of the rates tends to the inverse ratio of these costs.
 *
 * <p>Usage: {@code StoreBench <redis-url> [clients=6] [messages per client=20000] [in flight per client=256]
 * [payload bytes=64] [idle sessions=1000] [warm-up messages per client=5 × messages] [pairs=5]}: each node count
 * measures that many pairs of runs, the two stores alternating (which goes first alternates too, so that a drift of
 * the machine falls on both), and prints the medians and the median of the pairs' ratios. Use a Redis of its own (it
 * is not flushed, but its counters are read). Figures need a quiet machine.
 */
public final class StoreBench {
    private static final int[] NODES = {1, 3};

    private StoreBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: StoreBench <redis-url> [clients] [messages per client] [in flight] [bytes]"
                    + " [idle sessions] [warm-up messages per client] [pairs]");
            System.exit(2);
        }
        String url = args[0];
        int clients = args.length > 1 ? Integer.parseInt(args[1]) : 6;
        int messages = args.length > 2 ? Integer.parseInt(args[2]) : 20_000;
        int inFlight = args.length > 3 ? Integer.parseInt(args[3]) : 256;
        int bytes = args.length > 4 ? Integer.parseInt(args[4]) : 64;
        int idle = args.length > 5 ? Integer.parseInt(args[5]) : 1_000;
        int warmUp = args.length > 6 ? Integer.parseInt(args[6]) : 5 * messages;
        int pairs = args.length > 7 ? Integer.parseInt(args[7]) : 5;
        System.out.printf("%d clients x %d messages of %d bytes, %d in flight each (after warm-ups of %d each)%n",
                clients, messages, bytes, inFlight, warmUp);
        AtomicInteger uncaught = new AtomicInteger();
        Thread.setDefaultUncaughtExceptionHandler((thread, e) -> {
            uncaught.incrementAndGet();
            System.err.println("uncaught in " + thread + ":");
            e.printStackTrace();
        });
        System.out.printf("%-7s %-7s %12s %8s %8s %8s %8s %18s %18s %14s%n", "nodes", "store", "acked msg/s",
                "p50 ms", "p99 ms", "p99.9 ms", "max ms", "Redis scripts/msg", "(commands in them)", "CPU us/msg");
        // Both stores' paths warmed up (the JIT, Lettuce's classes and connection), so that no measured run is the
        // first of its store: a first Redis run at one message in flight had three times the p99 of the next ones,
        // and with a quarter of the messages as warm-up C2 still took a quarter of the CPU in the measured runs.
        for (int nodes : NODES) {
            run(nodes, "warm-up", InMemorySessionStore::new, null, clients, warmUp, inFlight, bytes);
            run(nodes, "warm-up", () -> RedisSessionStore.create(url), null, clients, warmUp, inFlight, bytes);
        }
        List<String> summaries = new ArrayList<>();
        for (int nodes : NODES) {
            double[] memory = new double[pairs];
            double[] redis = new double[pairs];
            double[] ratios = new double[pairs];
            for (int p = 0; p < pairs; p++) {
                // even pairs measure memory first, odd ones Redis first
                for (int turn = p % 2; turn < p % 2 + 2; turn++) {
                    if (turn % 2 == 0) {
                        memory[p] = run(nodes, "memory", InMemorySessionStore::new, null, clients, messages, inFlight,
                                bytes);
                    } else {
                        redis[p] = run(nodes, "redis", () -> RedisSessionStore.create(url), url, clients, messages,
                                inFlight, bytes);
                    }
                }
                ratios[p] = redis[p] / memory[p];
            }
            summaries.add(String.format("%d node(s), median of %d pairs: memory %.0f msg/s, redis %.0f msg/s;"
                    + " redis / memory %.2f (pairs: %s)", nodes, pairs, median(memory), median(redis), median(ratios),
                    Arrays.stream(ratios).mapToObj(r -> String.format("%.2f", r)).collect(Collectors.joining(", "))));
        }
        summaries.forEach(System.out::println);
        if (idle > 0) {
            System.out.printf("an idle session in Redis: %d bytes (used_memory over %d sessions)%n",
                    idleSessionBytes(url, idle), idle);
        }
        if (uncaught.get() > 0) {
            System.err.println(uncaught.get() + " threads ended on an uncaught exception: the run is void");
            System.exit(1);
        }
    }

    /** One run; returns its rate in acknowledged messages per second. */
    private static double run(int nodes, String name, Supplier<SessionStore> store, String redisUrl, int clients,
            int messages, int inFlight, int bytes) throws Exception {
        Histogram latency = new ConcurrentHistogram(TimeUnit.SECONDS.toNanos(60), 3);
        long[] before = redisUrl == null ? null : redisCommands(redisUrl);
        double redisCpuBefore = redisUrl == null ? 0 : redisCpuSeconds(redisUrl);
        long cpuBefore = processCpuNanos();
        List<ReliableServer> servers = new ArrayList<>();
        long elapsed;
        long cpu;
        try {
            for (int n = 0; n < nodes; n++) {
                servers.add(echo(store.get()));
            }
            List<ReliableClient> connected = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                connected.add(ReliableClient.builder(uri(servers.get(c % nodes))).connect());
            }
            byte[] payload = new byte[bytes];
            long start = System.nanoTime();
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
            cpu = processCpuNanos() - cpuBefore;
            for (ReliableClient client : connected) {
                client.close();
            }
        } finally {
            servers.forEach(ReliableServer::close);
        }
        long total = (long) clients * messages;
        String scripts = "-";
        String commands = "-";
        String cpuPerMessage = String.format("%.1f", cpu / 1e3 / total);
        if (redisUrl != null) {
            long[] after = redisCommands(redisUrl);
            scripts = String.format("%.2f", (after[0] - before[0]) / (double) total);
            commands = String.format("(%.2f)", (after[1] - before[1]) / (double) total);
            cpuPerMessage += String.format(" + %.1f", (redisCpuSeconds(redisUrl) - redisCpuBefore) * 1e6 / total);
        }
        double rate = total / (elapsed / 1e9);
        System.out.printf("%-7d %-7s %12.0f %8.2f %8.2f %8.2f %8.2f %18s %18s %14s%n", nodes, name,
                rate, latency.getValueAtPercentile(50) / 1e6, latency.getValueAtPercentile(99) / 1e6,
                latency.getValueAtPercentile(99.9) / 1e6, latency.getMaxValue() / 1e6, scripts, commands,
                cpuPerMessage);
        return rate;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static ReliableServer echo(SessionStore store) throws Exception {
        return ReliableServer.builder(session -> {
            for (Message m : session) {
                session.send(m);
            }
        }).store(store).start();
    }

    private static URI uri(ReliableServer server) {
        return URI.create("ws://127.0.0.1:" + server.port() + "/");
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
     * Redis's {@code used_memory} grown by {@code count} sessions that each sent one 64-byte message, got its echo
     * and went quiet (the client's acknowledgement of the echo has had a second to arrive), per session.
     */
    private static long idleSessionBytes(String url, int count) throws Exception {
        long before = usedMemory(url);
        try (ReliableServer server = echo(RedisSessionStore.create(url))) {
            List<ReliableClient> clients = new ArrayList<>();
            try {
                List<CompletableFuture<Void>> sent = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    ReliableClient client = ReliableClient.builder(uri(server)).connect();
                    clients.add(client);
                    sent.add(client.send(new byte[64]));
                }
                CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(2, TimeUnit.MINUTES);
                for (ReliableClient client : clients) {
                    client.receive(Duration.ofSeconds(30));
                }
                Thread.sleep(1_000); // the echoes' acknowledgements reach the server and trim the replay buffers
                return (usedMemory(url) - before) / count;
            } finally {
                clients.forEach(ReliableClient::close); // before the server: each closes at once, acknowledged
            }
        }
    }

    /** The CPU time this JVM (servers and clients) has used, in nanoseconds. */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** The CPU time Redis has used since it started ({@code INFO cpu}: its main thread and the others), in seconds. */
    private static double redisCpuSeconds(String url) {
        return info(url, "cpu").lines().filter(l -> l.startsWith("used_cpu_sys:") || l.startsWith("used_cpu_user:"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.indexOf(':') + 1).strip())).sum();
    }

    private static long usedMemory(String url) {
        return Long.parseLong(info(url, "memory").lines().filter(l -> l.startsWith("used_memory:"))
                .findFirst().orElseThrow().substring("used_memory:".length()).strip());
    }

    /**
     * The scripts ({@code EVAL}: each one request from the node, pipelined with the others) and all the commands
     * (those the scripts ran included) Redis has run since it started ({@code INFO commandstats}).
     */
    private static long[] redisCommands(String url) {
        long[] counts = new long[2];
        info(url, "commandstats").lines().filter(l -> l.startsWith("cmdstat_")).forEach(l -> {
            long calls = Long.parseLong(l.replaceAll("^cmdstat_[^:]+:calls=(\\d+),.*", "$1"));
            counts[1] += calls;
            if (l.startsWith("cmdstat_eval:")) {
                counts[0] += calls;
            }
        });
        return counts;
    }

    private static String info(String url, String section) {
        RedisClient client = RedisClient.create(url);
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            return connection.sync().info(section);
        } finally {
            client.shutdown();
        }
    }
}
