package dev.lifeline.internal;

import dev.lifeline.WebSocketOptions;
import dev.lifeline.WebSocketServer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Field;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * How long a broadcast takes to hand its frame to TCP for every subscriber, measured inside the server's JVM
 * (docs/performance.md, "Broadcast fan-out"). The server broadcasts each message it receives, as the bench's
 * broadcast mode does ({@code (ws, m) -> server.broadcast(m)}, so the broadcasting thread is a connection's reader);
 * N subscribers are raw sockets in this JVM that never read (a 64-byte frame per round fits in their TCP buffers
 * many times over), and the first of them publishes. A watcher thread notes, for each connection, when all the
 * bytes queued up to the round's frame were handed to TCP ({@link Outgoing#written}); from those instants: the
 * p50 / p99 / last per round, over rounds spaced out, then the deliveries handed to TCP per second for a burst
 * published back to back. Not a test (it takes tens of seconds and measures time); run it by hand, pinned to one
 * core as the bench pins its servers:
 *
 * <pre>
 * mvn -q -o -pl testing,protocol,websocket test-compile
 * taskset -c 0 java -Xms256m -Xmx2g -XX:+UseSerialGC \
 *     -cp protocol/target/classes:websocket/target/classes:websocket/target/test-classes \
 *     dev.lifeline.internal.BroadcastTimingProbe 8000 40 30
 * </pre>
 *
 * Arguments: subscribers (8,000), rounds spaced 200 ms apart (40, the first 10 a warm-up not reported), messages
 * of the burst (30). The watcher's passes take some of the core too, the same for every build compared.
 */
public final class BroadcastTimingProbe {
    private static final String REQUEST = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
            + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    private static final int PAYLOAD = 64;
    /** A server's frame of {@value #PAYLOAD} bytes: two bytes of header, unmasked (RFC 6455 §5.1, §5.2). */
    private static final int FRAME = 2 + PAYLOAD;
    private static final int WARM_UP_ROUNDS = 10;
    private static final long ROUND_SPACING_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    private static final long WATCH_PAUSE_NANOS = TimeUnit.MICROSECONDS.toNanos(500);
    private static final long PATIENCE_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final Outgoing[] outgoing;
    private final long[] base;
    private final SocketChannel publisher;
    private long rounds;

    private BroadcastTimingProbe(List<Connection> connections, SocketChannel publisher) throws ReflectiveOperationException {
        Field field = Connection.class.getDeclaredField("outgoing");
        field.setAccessible(true);
        this.outgoing = new Outgoing[connections.size()];
        this.base = new long[connections.size()];
        for (int i = 0; i < outgoing.length; i++) {
            Connection c = connections.get(i);
            outgoing[i] = (Outgoing) field.get(c);
            c.lock.lock();
            try {
                base[i] = outgoing[i].queuedLocked();
            } finally {
                c.lock.unlock();
            }
        }
        this.publisher = publisher;
    }

    public static void main(String[] args) throws Exception {
        int subscribers = args.length > 0 ? Integer.parseInt(args[0]) : 8000;
        int spaced = args.length > 1 ? Integer.parseInt(args[1]) : 40;
        int burst = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        WebSocketServer[] self = new WebSocketServer[1];
        WebSocketOptions options = WebSocketOptions.DEFAULT.withoutKeepalive();
        List<SocketChannel> sockets = new ArrayList<>();
        try (WebSocketServer server = WebSocketServer.builder((ws, m) -> self[0].broadcast(m)).host("127.0.0.1")
                .port(0).backlog(1024).options(options).start()) {
            self[0] = server;
            for (int i = 0; i < subscribers; i++) {
                sockets.add(open(server.port()));
            }
            long deadline = System.nanoTime() + PATIENCE_NANOS;
            while (server.connections().size() < subscribers && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            List<Connection> connections = server.connections().stream().map(Connection.class::cast).toList();
            if (connections.size() != subscribers) {
                throw new IllegalStateException(connections.size() + " connections open, not " + subscribers);
            }
            BroadcastTimingProbe probe = new BroadcastTimingProbe(connections, sockets.get(0));
            probe.spaced(spaced);
            probe.burst(burst);
            probe.floor(spaced);
        } finally {
            for (SocketChannel s : sockets) {
                s.close();
            }
        }
    }

    /** What one publication cost: when each connection handed it to TCP, the process's CPU, the heap allocated. */
    private record Round(long[] handed, long cpuNanos, long allocatedBytes, long collections) {
    }

    private void spaced(int count) throws IOException {
        List<Round> reported = new ArrayList<>();
        for (int r = 0; r < count; r++) {
            Round round = publishAndWatch(1);
            if (r >= WARM_UP_ROUNDS) {
                reported.add(round);
            }
            LockSupport.parkNanos(ROUND_SPACING_NANOS);
        }
        int n = reported.size();
        long[] first = new long[n];
        long[] p50 = new long[n];
        long[] p99 = new long[n];
        long[] last = new long[n];
        long cpu = 0;
        long allocated = 0;
        long collections = 0;
        for (int i = 0; i < n; i++) {
            Round round = reported.get(i);
            long[] handed = round.handed();
            Arrays.sort(handed);
            first[i] = handed[0];
            p50[i] = percentile(handed, 50);
            p99[i] = percentile(handed, 99);
            last[i] = handed[handed.length - 1];
            cpu += round.cpuNanos();
            allocated += round.allocatedBytes();
            collections += round.collections();
        }
        long[] pooled = reported.stream().flatMapToLong(r -> Arrays.stream(r.handed())).sorted().toArray();
        System.out.printf(Locale.ROOT, "%d connections, %d rounds 200 ms apart: handed to TCP, every connection of"
                + " every round pooled (as the bench pools deliveries) p50 / p99: %.1f / %.1f ms; the slowest round's"
                + " last: %.1f ms%n", outgoing.length, n, ms(percentile(pooled, 50)), ms(percentile(pooled, 99)),
                ms(percentileOf(last, 100)));
        System.out.printf(Locale.ROOT, "%d connections, %d rounds 200 ms apart: handed to TCP, each round's first /"
                + " p50 / p99 / last, median over the rounds: %.1f / %.1f / %.1f / %.1f ms (p90 over the rounds: %.1f /"
                + " %.1f / %.1f / %.1f); per round: process CPU %.1f ms, heap allocated %,d B per connection;"
                + " %d collections in those rounds%n", outgoing.length, n, ms(median(first)), ms(median(p50)),
                ms(median(p99)), ms(median(last)), ms(percentileOf(first, 90)), ms(percentileOf(p50, 90)),
                ms(percentileOf(p99, 90)), ms(percentileOf(last, 90)), ms(cpu / n),
                allocated / n / outgoing.length, collections);
    }

    private void burst(int count) throws IOException {
        Round round = publishAndWatch(count);
        long[] handed = round.handed();
        Arrays.sort(handed);
        double seconds = handed[handed.length - 1] / 1e9;
        System.out.printf(Locale.ROOT, "burst of %d messages back to back: all handed to TCP after %.1f ms,"
                + " %,.0f deliveries/s; heap allocated %,d B per delivery%n", count, seconds * 1e3,
                (double) count * outgoing.length / seconds, round.allocatedBytes() / count / outgoing.length);
    }

    /**
     * The floor: the same frame written straight to every connection's socket by one thread in one loop, {@code count}
     * times (the clients never parse what they get): what the write system calls alone cost.
     */
    private void floor(int count) throws Exception {
        Field transport = Outgoing.class.getDeclaredField("transport");
        transport.setAccessible(true);
        Field out = Transport.Polled.class.getDeclaredField("out");
        out.setAccessible(true);
        SocketChannel[] channels = new SocketChannel[outgoing.length];
        for (int i = 0; i < channels.length; i++) {
            channels[i] = (SocketChannel) out.get(transport.get(outgoing[i]));
        }
        ByteBuffer frame = ByteBuffer.allocate(FRAME);
        long[] took = new long[count];
        long cpu = 0;
        for (int r = 0; r < count; r++) {
            long cpuBefore = processCpuNanos();
            long start = System.nanoTime();
            for (SocketChannel channel : channels) {
                channel.write(frame.clear());
            }
            took[r] = System.nanoTime() - start;
            cpu += processCpuNanos() - cpuBefore;
            LockSupport.parkNanos(ROUND_SPACING_NANOS);
        }
        System.out.printf(Locale.ROOT, "floor, one loop of writes to the %d sockets: %.1f ms (p90 over %d rounds"
                + " %.1f); process CPU per round %.1f ms%n", channels.length, ms(median(took)), count,
                ms(percentileOf(took, 90)), ms(cpu / count));
    }

    /**
     * Publishes {@code count} messages at once, then watches until every connection has handed the last of them to
     * TCP.
     */
    private Round publishAndWatch(int count) throws IOException {
        ByteBuffer frames = ByteBuffer.allocate(count * (6 + PAYLOAD));
        for (int i = 0; i < count; i++) {
            frames.put((byte) 0x81).put((byte) (0x80 | PAYLOAD)).putInt(0); // a zero mask key: the payload as it is
            for (int j = 0; j < PAYLOAD; j++) {
                frames.put((byte) 'x');
            }
        }
        frames.flip();
        int[] left = new int[outgoing.length];
        for (int i = 0; i < left.length; i++) {
            left[i] = i;
        }
        long[] handed = new long[outgoing.length];
        rounds += count;
        long collectionsBefore = collections();
        long allocatedBefore = allocatedBytes();
        long cpuBefore = processCpuNanos();
        long start = System.nanoTime();
        while (frames.hasRemaining()) {
            publisher.write(frames);
        }
        int remaining = left.length;
        long deadline = start + PATIENCE_NANOS;
        while (remaining > 0) {
            long now = System.nanoTime();
            if (now > deadline) {
                throw new IllegalStateException(remaining + " connections still had the frame queued after 60 s");
            }
            for (int k = 0; k < remaining; ) {
                int i = left[k];
                if (outgoing[i].written(base[i] + rounds * FRAME)) {
                    handed[i] = now - start;
                    left[k] = left[--remaining];
                } else {
                    k++;
                }
            }
            LockSupport.parkNanos(WATCH_PAUSE_NANOS);
        }
        return new Round(handed, processCpuNanos() - cpuBefore, allocatedBytes() - allocatedBefore,
                collections() - collectionsBefore);
    }

    /** Heap allocated by every thread of this JVM so far (virtual threads' by their carriers). */
    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getTotalThreadAllocatedBytes();
    }

    private static long collections() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(java.lang.management.GarbageCollectorMXBean::getCollectionCount).sum();
    }

    private static SocketChannel open(int port) throws IOException {
        SocketChannel s = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
        s.write(ByteBuffer.wrap(REQUEST.getBytes(StandardCharsets.ISO_8859_1)));
        ByteBuffer head = ByteBuffer.allocate(1024);
        while (!StandardCharsets.ISO_8859_1.decode(head.duplicate().flip()).toString().contains("\r\n\r\n")) {
            if (s.read(head) < 0) {
                throw new IOException("the server closed the connection during its opening handshake");
            }
        }
        return s;
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static long percentile(long[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * p / 100.0) - 1)];
    }

    private static long percentileOf(long[] values, int p) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return percentile(sorted, p);
    }

    private static long median(long[] values) {
        return percentileOf(values, 50);
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
