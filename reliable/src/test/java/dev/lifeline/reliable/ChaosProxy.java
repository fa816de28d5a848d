package dev.lifeline.reliable;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;

/**
 * A TCP proxy on loopback that misbehaves on command: it cuts connections (both sides closed at once with a
 * reset, as when a network path dies), stalls them (stops forwarding, as when packets are lost for a while) and
 * delays them (sleeps before forwarding each chunk); it can also refuse new connections and switch to another
 * target. Every forwarding thread is virtual; {@link #close()} ends them all.
 */
final class ChaosProxy implements AutoCloseable {
    private volatile int target;
    private volatile boolean refusing;
    private final ServerSocket listener;
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger cuts = new AtomicInteger();
    private final AtomicInteger stalls = new AtomicInteger();
    private final AtomicInteger delays = new AtomicInteger();
    private final Thread acceptor;
    private volatile boolean closed;

    /** A client connection and its upstream connection to the target, forwarded both ways. */
    private final class Link {
        final Socket downstream;
        final Socket upstream;
        volatile long stalledUntil;
        volatile long delayUntil;
        volatile long delayNanos;
        final AtomicInteger directionsEnded = new AtomicInteger();

        Link(Socket downstream, Socket upstream) {
            this.downstream = downstream;
            this.upstream = upstream;
        }

        void start() {
            Thread.ofVirtual().name("chaos-up").start(() -> forward(downstream, upstream));
            Thread.ofVirtual().name("chaos-down").start(() -> forward(upstream, downstream));
        }

        private void forward(Socket from, Socket to) {
            byte[] buffer = new byte[16 * 1024];
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    obstruct();
                    out.write(buffer, 0, n);
                }
                to.shutdownOutput();
                if (directionsEnded.incrementAndGet() == 2) {
                    cut(false);
                }
            } catch (IOException | InterruptedException e) {
                cut(false);
            }
        }

        /** Waits out a stall, then the current per-chunk delay. */
        private void obstruct() throws InterruptedException, SocketException {
            while (System.nanoTime() - stalledUntil < 0) {
                if (downstream.isClosed()) {
                    throw new SocketException("cut while stalled");
                }
                Thread.sleep(2);
            }
            if (System.nanoTime() - delayUntil < 0) {
                Thread.sleep(Duration.ofNanos(delayNanos));
            }
        }

        /** Closes both sides; with {@code reset}, abruptly (RST instead of FIN). */
        void cut(boolean reset) {
            if (links.remove(this) && reset) {
                cuts.incrementAndGet();
            }
            for (Socket s : List.of(downstream, upstream)) {
                try {
                    if (reset && !s.isClosed()) {
                        s.setSoLinger(true, 0);
                    }
                    s.close();
                } catch (IOException e) {
                    // closing anyway
                }
            }
        }
    }

    ChaosProxy(int targetPort) throws IOException {
        this.target = targetPort;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = Thread.ofVirtual().name("chaos-accept").start(this::accept);
    }

    int port() {
        return listener.getLocalPort();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket down = listener.accept();
                if (refusing) {
                    down.setSoLinger(true, 0);
                    down.close();
                    continue;
                }
                Socket up = new Socket();
                try {
                    up.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), target), 2000);
                } catch (IOException e) {
                    down.close();
                    continue;
                }
                down.setTcpNoDelay(true);
                up.setTcpNoDelay(true);
                Link link = new Link(down, up);
                links.add(link);
                accepted.incrementAndGet();
                link.start();
            } catch (IOException e) {
                if (!closed) {
                    throw new IllegalStateException("proxy accept failed", e);
                }
            }
        }
    }

    /** Cuts one live connection chosen at random (abruptly: RST both ways); false if none was live. */
    boolean cutOne(RandomGenerator random) {
        return pick(random).map(link -> {
            link.cut(true);
            return true;
        }).orElse(false);
    }

    /** Stops forwarding on one live connection for {@code duration}. */
    boolean stallOne(RandomGenerator random, Duration duration) {
        return pick(random).map(link -> {
            link.stalledUntil = System.nanoTime() + duration.toNanos();
            stalls.incrementAndGet();
            return true;
        }).orElse(false);
    }

    /** Delays every chunk forwarded on one live connection by {@code perChunk}, for {@code duration}. */
    boolean delayOne(RandomGenerator random, Duration perChunk, Duration duration) {
        return pick(random).map(link -> {
            link.delayNanos = perChunk.toNanos();
            link.delayUntil = System.nanoTime() + duration.toNanos();
            delays.incrementAndGet();
            return true;
        }).orElse(false);
    }

    private java.util.Optional<Link> pick(RandomGenerator random) {
        List<Link> live = List.copyOf(links);
        return live.isEmpty() ? java.util.Optional.empty()
                : java.util.Optional.of(live.get(random.nextInt(live.size())));
    }

    /** While true, new connections are reset at once (the server looks unreachable); live ones go on. */
    void refuse(boolean refuse) {
        this.refusing = refuse;
    }

    /** Cuts every live connection (RST both ways). */
    void cutAll() {
        for (Link link : List.copyOf(links)) {
            link.cut(true);
        }
    }

    /** Forwards new connections to another port (a restarted server). */
    void retarget(int port) {
        this.target = port;
    }

    /** Ends every stall and delay now. */
    void calm() {
        for (Link link : links) {
            link.stalledUntil = System.nanoTime();
            link.delayUntil = System.nanoTime();
        }
    }

    int accepted() {
        return accepted.get();
    }

    int cuts() {
        return cuts.get();
    }

    int stalls() {
        return stalls.get();
    }

    int delays() {
        return delays.get();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        closed = true;
        listener.close();
        acceptor.join(Duration.ofSeconds(2));
        for (Link link : List.copyOf(links)) {
            link.cut(false);
        }
    }
}
