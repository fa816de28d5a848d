package dev.lifeline.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;

/**
 * A TCP proxy on 127.0.0.1 that misbehaves on command, for tests of keepalive, timeouts, reconnection and failover.
 * It forwards both ways (a FIN from one side becomes a FIN to the other, a reset a reset) to one target, or to
 * several in turn ({@link #roundRobin}), and on command it
 * <ul>
 * <li>stalls: stops reading and forwarding without closing anything, as a peer that vanished from the network
 *     (neither side sees a FIN or a reset; what they send piles up in their TCP buffers), every connection
 *     ({@link #stall}, {@link #stallAfter}) or one for a while ({@link #stallOne}); {@link #resume} and
 *     {@link #calm} deliver what was held;
 * <li>delays every chunk (latency; each direction keeps its order), on every connection ({@link #delay}) or on one
 *     for a while ({@link #delayOne});
 * <li>cuts connections with a FIN or a reset to both sides ({@link #cut}, {@link #cutOne});
 * <li>refuses new connections with a reset ({@link #refuse}) or sends them to another target ({@link #retarget});
 * <li>mutes the replies on connections that sent something in particular, which stay open
 *     ({@link #markConnectionsSending}, {@link #muteMarked}): a subscription that died silently.
 * </ul>
 * Each direction of each connection is a reader and a writer on virtual threads joined by a short queue. Every
 * method may be called from any thread; every wait inside is bounded by a command ({@link #resume}, {@link #calm},
 * a cut, {@link #close}) or by the duration it was given.
 */
public final class ChaosProxy implements AutoCloseable {
    /** Which way bytes travel through the proxy. */
    public enum Direction {
        TO_SERVER, TO_CLIENT
    }

    /** How a cut ends a connection: a FIN (orderly) or a reset (abortive close, SO_LINGER 0) to both sides. */
    public enum Cut {
        FIN, RESET
    }

    private static final int CONNECT_TIMEOUT_MS = 2_000;

    /** What a reader hands its writer: bytes and when they were read, or the end of the stream. */
    private record Chunk(byte[] bytes, long readAt, boolean end, boolean reset) {
    }

    private record Trigger(Direction direction, Predicate<byte[]> matches, CompletableFuture<Long> stalledAt) {
    }

    private final ServerSocket listener;
    private final Thread acceptor;
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled whenever a stall may have ended: {@link #resume}, {@link #calm}, a cut. */
    private final Condition flowing = lock.newCondition();
    private boolean stalled; // guarded by lock
    private volatile List<Integer> targets;
    private final AtomicInteger nextTarget = new AtomicInteger();
    private volatile boolean refusing;
    private volatile long delayNanos;
    private volatile Trigger trigger;
    private volatile Predicate<byte[]> marker = chunk -> false;
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger cuts = new AtomicInteger();
    private final AtomicInteger stalls = new AtomicInteger();
    private final AtomicInteger delays = new AtomicInteger();

    private ChaosProxy(List<Integer> targetPorts) throws IOException {
        if (targetPorts.isEmpty()) {
            throw new IllegalArgumentException("no target");
        }
        this.targets = List.copyOf(targetPorts);
        this.listener = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        this.acceptor = Thread.ofVirtual().name("chaos-proxy-accept").start(this::acceptLoop);
    }

    /** Starts a proxy on an ephemeral port of 127.0.0.1 that forwards to {@code 127.0.0.1:targetPort}. */
    public static ChaosProxy to(int targetPort) throws IOException {
        return new ChaosProxy(List.of(targetPort));
    }

    /**
     * Starts a load balancer on an ephemeral port of 127.0.0.1: each new connection goes to the next of
     * {@code targetPorts} in turn, skipping one that refuses (dead, restarting); when none accepts, the client's
     * connection is closed. No stickiness: a client's next connection may reach any target.
     */
    public static ChaosProxy roundRobin(List<Integer> targetPorts) throws IOException {
        return new ChaosProxy(targetPorts);
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

    /** Connections accepted and forwarded so far (not those refused or that no target took). */
    public int accepted() {
        return accepted.get();
    }

    /** Connections ended so far by {@link #cut} or {@link #cutOne}. */
    public int cuts() {
        return cuts.get();
    }

    /** Stalls of one connection so far ({@link #stallOne}). */
    public int stalls() {
        return stalls.get();
    }

    /** Delays of one connection so far ({@link #delayOne}). */
    public int delays() {
        return delays.get();
    }

    /** Stops forwarding on every connection, without closing anything, until {@link #resume} or {@link #calm}. */
    public void stall() {
        lock.lock();
        try {
            stalled = true;
        } finally {
            lock.unlock();
        }
    }

    /** Forwards again after {@link #stall}, starting with what was held. */
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
     * Stalls every connection right after forwarding the next chunk that travels in {@code direction} and matches
     * {@code chunk}.
     *
     * @return completes with the {@link System#nanoTime()} taken just before that chunk was forwarded
     */
    public CompletableFuture<Long> stallAfter(Direction direction, Predicate<byte[]> chunk) {
        Trigger t = new Trigger(direction, chunk, new CompletableFuture<>());
        trigger = t;
        return t.stalledAt();
    }

    /** Holds every chunk on every connection for {@code delay} before forwarding it; {@link Duration#ZERO} stops. */
    public void delay(Duration delay) {
        delayNanos = delay.toNanos();
    }

    /** Ends every connection now, with a FIN or a reset to both sides; new connections are still accepted. */
    public void cut(Cut how) {
        for (Link link : List.copyOf(links)) {
            if (link.end(how)) {
                cuts.incrementAndGet();
            }
        }
    }

    /** Resets one live connection chosen with {@code random}; false if none was live. */
    public boolean cutOne(RandomGenerator random) {
        return pick(random).map(link -> {
            if (link.end(Cut.RESET)) {
                cuts.incrementAndGet();
            }
            return true;
        }).orElse(false);
    }

    /** Stops forwarding on one live connection chosen with {@code random}, for {@code duration}; false if none. */
    public boolean stallOne(RandomGenerator random, Duration duration) {
        return pick(random).map(link -> {
            link.stalledUntil = System.nanoTime() + duration.toNanos();
            stalls.incrementAndGet();
            return true;
        }).orElse(false);
    }

    /**
     * Delays every chunk on one live connection chosen with {@code random} by {@code perChunk}, for
     * {@code duration}; false if none was live.
     */
    public boolean delayOne(RandomGenerator random, Duration perChunk, Duration duration) {
        return pick(random).map(link -> {
            link.delayNanos = perChunk.toNanos();
            link.delayUntil = System.nanoTime() + duration.toNanos();
            delays.incrementAndGet();
            return true;
        }).orElse(false);
    }

    /** Ends every stall and delay now, of every connection and of the whole proxy. */
    public void calm() {
        delayNanos = 0;
        lock.lock();
        try {
            stalled = false;
            for (Link link : links) {
                link.stalledUntil = System.nanoTime();
                link.delayUntil = System.nanoTime();
            }
            flowing.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** While true, new connections are reset at once (the server looks unreachable); live ones go on. */
    public void refuse(boolean refuse) {
        refusing = refuse;
    }

    /** Sends new connections to {@code 127.0.0.1:port} (a restarted or another server); live ones go on. */
    public void retarget(int port) {
        targets = List.of(port);
    }

    /**
     * From now on, marks each connection on which a chunk matching {@code chunk} travels toward the server (say a
     * Redis {@code SUBSCRIBE}), for {@link #muteMarked}.
     */
    public void markConnectionsSending(Predicate<byte[]> chunk) {
        marker = chunk;
    }

    /**
     * From now on, drops everything the server sends on the connections marked so far; they stay open, as after a
     * failover that the client did not notice. Other connections, and new ones, work.
     */
    public void muteMarked() {
        for (Link link : links) {
            if (link.marked) {
                link.muted = true;
            }
        }
    }

    /** Stops accepting and ends every connection with a FIN. */
    @Override
    public void close() throws IOException {
        listener.close();
        try {
            acceptor.join(Duration.ofSeconds(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Link link : List.copyOf(links)) {
            link.end(Cut.FIN);
        }
    }

    private Optional<Link> pick(RandomGenerator random) {
        List<Link> live = List.copyOf(links);
        return live.isEmpty() ? Optional.empty() : Optional.of(live.get(random.nextInt(live.size())));
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return; // closed
            }
            if (refusing) {
                reset(client);
                continue;
            }
            Optional<Socket> server = connectToTarget();
            if (server.isEmpty()) {
                closeQuietly(client);
                continue;
            }
            try {
                client.setTcpNoDelay(true);
                server.get().setTcpNoDelay(true);
            } catch (IOException e) {
                closeQuietly(client);
                closeQuietly(server.get());
                continue;
            }
            Link link = new Link(client, server.get());
            links.add(link);
            accepted.incrementAndGet();
            link.start();
        }
    }

    /** A connection to the next target that accepts one, trying each at most once. */
    private Optional<Socket> connectToTarget() {
        List<Integer> ports = targets;
        for (int tries = 0; tries < ports.size(); tries++) {
            int port = ports.get(Math.floorMod(nextTarget.getAndIncrement(), ports.size()));
            Socket server = new Socket();
            try {
                server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), CONNECT_TIMEOUT_MS);
                return Optional.of(server);
            } catch (IOException refused) {
                closeQuietly(server);
            }
        }
        return Optional.empty();
    }

    /**
     * Waits while the proxy or this link is stalled.
     *
     * @return false when the link ended meanwhile
     */
    private boolean awaitFlowing(Link link) throws InterruptedException {
        lock.lock();
        try {
            while (!link.ended.get()) {
                long linkStall = link.stalledUntil - System.nanoTime();
                if (stalled) {
                    flowing.await();
                } else if (linkStall > 0) {
                    flowing.awaitNanos(linkStall);
                } else {
                    return true;
                }
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    private static void reset(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
        } catch (IOException e) {
            // closed meanwhile
        }
        closeQuietly(socket);
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
        private final AtomicInteger directionsDone = new AtomicInteger();
        private final AtomicBoolean ended = new AtomicBoolean();
        volatile boolean marked;
        volatile boolean muted;
        volatile long stalledUntil = System.nanoTime();
        volatile long delayUntil = System.nanoTime();
        volatile long delayNanos;

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
                    if (!hand(chunks, new Chunk(Arrays.copyOf(buffer, n), System.nanoTime(), false, false))) {
                        return;
                    }
                }
            } catch (IOException e) {
                reset = true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            try {
                hand(chunks, new Chunk(new byte[0], System.nanoTime(), true, reset));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** Queues a chunk for the writer; false if the link ended first (its writer may be gone). */
        private boolean hand(BlockingQueue<Chunk> chunks, Chunk chunk) throws InterruptedException {
            while (!chunks.offer(chunk, 100, TimeUnit.MILLISECONDS)) {
                if (ended.get()) {
                    return false;
                }
            }
            return true;
        }

        private void write(Socket to, Direction direction, BlockingQueue<Chunk> chunks) {
            try {
                while (true) {
                    Chunk chunk = chunks.take();
                    long wait = chunk.readAt() + delayFor(chunk.readAt()) - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                    if (!awaitFlowing(this) || chunk.reset()) {
                        end(Cut.RESET);
                        return;
                    }
                    if (chunk.end()) {
                        to.shutdownOutput();
                        if (directionsDone.incrementAndGet() == 2) {
                            end(Cut.FIN);
                        }
                        return;
                    }
                    forward(to, direction, chunk.bytes());
                }
            } catch (IOException e) {
                end(Cut.RESET);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** The delay of a chunk read at {@code readAt}: the whole proxy's, plus this link's while it lasts. */
        private long delayFor(long readAt) {
            long own = readAt - delayUntil < 0 ? delayNanos : 0;
            return ChaosProxy.this.delayNanos + own;
        }

        private void forward(Socket to, Direction direction, byte[] chunk) throws IOException {
            if (direction == Direction.TO_SERVER && marker.test(chunk)) {
                marked = true;
            }
            if (direction == Direction.TO_CLIENT && muted) {
                return;
            }
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

        /**
         * Closes both sides, with a FIN or a reset.
         *
         * @return true if this ended the link, false if it had ended already (its own threads end it too)
         */
        boolean end(Cut how) {
            if (!ended.compareAndSet(false, true)) {
                return false;
            }
            links.remove(this);
            lock.lock();
            try {
                flowing.signalAll();
            } finally {
                lock.unlock();
            }
            for (Socket socket : List.of(client, server)) {
                if (how == Cut.RESET && !socket.isClosed()) {
                    reset(socket);
                } else {
                    closeQuietly(socket);
                }
            }
            return true;
        }
    }
}
