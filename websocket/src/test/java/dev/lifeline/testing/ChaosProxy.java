package dev.lifeline.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * A loopback TCP proxy that misbehaves on demand, for tests of keepalive, timeouts and reconnection. It forwards
 * both ways (a FIN from one side becomes a FIN to the other, a reset becomes a reset), and on demand it
 * <ul>
 * <li>stalls: stops reading and forwarding both ways without closing anything, as a peer that vanished from the
 *     network (neither side sees a FIN or a reset; what they send piles up in their TCP buffers);
 * <li>resumes after a stall, delivering what it held;
 * <li>delays every chunk by a fixed time (latency; each direction keeps its order);
 * <li>cuts every connection with a FIN or a reset to both sides.
 * </ul>
 * Each direction of each connection is a reader and a writer on virtual threads joined by a short queue.
 */
public final class ChaosProxy implements AutoCloseable {
    /** Which way bytes travel through the proxy. */
    public enum Direction {
        TO_SERVER, TO_CLIENT
    }

    /** How {@link #cut} ends connections. */
    public enum Cut {
        FIN, RESET
    }

    /** What a reader hands its writer: bytes and when they were read, or the end of the stream. */
    private record Chunk(byte[] bytes, long readAt, boolean end, boolean reset) {
    }

    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition flowing = lock.newCondition();
    private boolean stalled;
    private volatile long delayNanos;
    private volatile Trigger trigger;

    private record Trigger(Direction direction, Predicate<byte[]> matches, CompletableFuture<Long> stalledAt) {
    }

    private ChaosProxy(int targetPort) throws IOException {
        this.target = new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort);
        this.listener = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("chaos-proxy-accept").start(this::acceptLoop);
    }

    /** Starts a proxy on an ephemeral port of 127.0.0.1 that forwards to {@code 127.0.0.1:targetPort}. */
    public static ChaosProxy to(int targetPort) throws IOException {
        return new ChaosProxy(targetPort);
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** {@code ws://127.0.0.1:<proxy port><path>}. */
    public URI uri(String path) {
        return URI.create("ws://127.0.0.1:" + port() + path);
    }

    /** Connections currently forwarded. */
    public int connections() {
        return links.size();
    }

    /** Stops forwarding both ways, without closing anything. */
    public void stall() {
        lock.lock();
        try {
            stalled = true;
        } finally {
            lock.unlock();
        }
    }

    /** Forwards again, starting with what was held during the stall. */
    public void resume() {
        lock.lock();
        try {
            stalled = false;
            flowing.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stalls right after forwarding the next chunk that travels in {@code direction} and matches {@code chunk}.
     *
     * @return completes with the {@link System#nanoTime()} taken just before that chunk was forwarded
     */
    public CompletableFuture<Long> stallAfter(Direction direction, Predicate<byte[]> chunk) {
        Trigger t = new Trigger(direction, chunk, new CompletableFuture<>());
        trigger = t;
        return t.stalledAt();
    }

    /** Holds every chunk for {@code delay} before forwarding it; {@link Duration#ZERO} to stop delaying. */
    public void delay(Duration delay) {
        delayNanos = delay.toNanos();
    }

    /** Ends every connection now, with a FIN or a reset to both sides. */
    public void cut(Cut how) {
        for (Link link : links) {
            link.cut(how);
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        cut(Cut.FIN);
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return; // closed
            }
            try {
                Socket server = new Socket();
                server.connect(target, 5_000);
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                Link link = new Link(client, server);
                links.add(link);
                link.start();
            } catch (IOException e) {
                closeQuietly(client);
            }
        }
    }

    /** Waits while the proxy is stalled; false when the link was cut meanwhile. */
    private boolean awaitFlowing(Link link) {
        lock.lock();
        try {
            while (stalled && !link.cut) {
                flowing.awaitUninterruptibly();
            }
            return !link.cut;
        } finally {
            lock.unlock();
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }

    /** One proxied connection: two directions, each a reader and a writer. */
    private final class Link {
        private final Socket client;
        private final Socket server;
        private volatile boolean cut;
        private final AtomicInteger directionsDone = new AtomicInteger();

        Link(Socket client, Socket server) {
            this.client = client;
            this.server = server;
        }

        void start() {
            pump(client, server, Direction.TO_SERVER);
            pump(server, client, Direction.TO_CLIENT);
        }

        private void pump(Socket from, Socket to, Direction direction) {
            BlockingQueue<Chunk> chunks = new ArrayBlockingQueue<>(16);
            Thread.ofVirtual().name("chaos-proxy-read-" + direction).start(() -> read(from, chunks));
            Thread.ofVirtual().name("chaos-proxy-write-" + direction).start(() -> write(to, direction, chunks));
        }

        private void read(Socket from, BlockingQueue<Chunk> chunks) {
            byte[] buffer = new byte[16 * 1024];
            boolean reset = false;
            try {
                while (awaitFlowing(this)) {
                    int n = from.getInputStream().read(buffer);
                    if (n < 0) {
                        break;
                    }
                    chunks.put(new Chunk(Arrays.copyOf(buffer, n), System.nanoTime(), false, false));
                }
            } catch (IOException e) {
                reset = true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            try {
                chunks.put(new Chunk(new byte[0], System.nanoTime(), true, reset));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void write(Socket to, Direction direction, BlockingQueue<Chunk> chunks) {
            try {
                while (true) {
                    Chunk chunk = chunks.take();
                    long wait = chunk.readAt() + delayNanos - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                    if (!awaitFlowing(this) || chunk.reset()) {
                        cut(Cut.RESET);
                        return;
                    }
                    if (chunk.end()) {
                        to.shutdownOutput();
                        directionDone();
                        return;
                    }
                    forward(to, direction, chunk.bytes());
                }
            } catch (IOException e) {
                cut(Cut.RESET);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void forward(Socket to, Direction direction, byte[] chunk) throws IOException {
            Trigger t = trigger;
            boolean fire = t != null && t.direction() == direction && t.matches().test(chunk);
            long now = System.nanoTime();
            to.getOutputStream().write(chunk);
            if (fire) {
                trigger = null;
                stall();
                t.stalledAt().complete(now);
            }
        }

        private void directionDone() {
            if (directionsDone.incrementAndGet() == 2) {
                cut(Cut.FIN);
            }
        }

        void cut(Cut how) {
            cut = true;
            lock.lock();
            try {
                flowing.signalAll();
            } finally {
                lock.unlock();
            }
            for (Socket socket : new Socket[] {client, server}) {
                try {
                    if (how == Cut.RESET && !socket.isClosed()) {
                        socket.setSoLinger(true, 0);
                    }
                } catch (IOException e) {
                    // closed meanwhile
                }
                closeQuietly(socket);
            }
            links.remove(this);
        }
    }
}
