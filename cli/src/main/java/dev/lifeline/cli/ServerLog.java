package dev.lifeline.cli;

import dev.lifeline.WebSocket;
import dev.lifeline.protocol.ConnectionClosedException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What {@code lifeline serve} tells its operator: one line when a connection opens, one when it closes (remote
 * address, id, the close frames sent and received, how long it lasted), and a summary at shutdown. Counts every
 * connection and message. Thread-safe; each line is printed whole.
 */
final class ServerLog {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final PrintStream out;
    private final boolean quiet;
    private final Clock clock;
    private final long startNanos = System.nanoTime();
    private final AtomicLong connections = new AtomicLong();
    private final AtomicLong open = new AtomicLong();
    /** Added to by every connection's reader at every message: adders, not one contended atomic. */
    private final LongAdder received = new LongAdder();
    private final LongAdder sent = new LongAdder();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition closedOne = lock.newCondition();

    /** @param quiet no line per connection; the summary is still printed */
    ServerLog(PrintStream out, boolean quiet, Clock clock) {
        this.out = out;
        this.quiet = quiet;
        this.clock = clock;
    }

    /** Prints a line of its own (start-up, errors), with the time in front. */
    void line(String text) {
        out.println(LocalTime.now(clock).format(TIME) + " " + text);
    }

    void opened(WebSocket ws) {
        opened(ws.id(), "opened from " + address(ws.remoteAddress()) + " " + ws.handshakeRequest().target());
    }

    /** A connection (or, with {@code --reliable}, a session) began: {@code what} says how and from where. */
    void opened(String id, String what) {
        connections.incrementAndGet();
        long nowOpen = open.incrementAndGet();
        if (!quiet) {
            line(id + " " + what + " (" + nowOpen + " open)");
        }
    }

    /**
     * @param lasted from the opening to the closing of the connection
     * @param messages messages received on it
     */
    void closed(WebSocket ws, Duration lasted, long messages) {
        String how = ws.closedException().map(ConnectionClosedException::getMessage).orElse("closed");
        closed(ws.id(), "closed from " + address(ws.remoteAddress()), lasted, messages, how);
    }

    /**
     * A connection (or session) ended.
     *
     * @param what {@code closed from ADDRESS}, {@code session ended}
     * @param how the Close frames, or why the session ended
     */
    void closed(String id, String what, Duration lasted, long messages, String how) {
        lock.lock(); // the line is printed before awaitAllClosed() can see one connection fewer
        try {
            long nowOpen = open.decrementAndGet();
            if (!quiet) {
                line(id + " " + what + " after " + Text.duration(lasted) + ", " + Text.count(messages, "message")
                        + ": " + how + " (" + nowOpen + " open)");
            }
            closedOne.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until every connection opened has had its closing line, at most {@code timeout}: at shutdown, the
     * connections' closings are reported by their own threads.
     *
     * @return false if some connection was still open when the time was up
     */
    boolean awaitAllClosed(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (open.get() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !closedOne.await(left, TimeUnit.NANOSECONDS)) {
                    return open.get() == 0;
                }
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    void received() {
        received.increment();
    }

    void sent(long count) {
        sent.add(count);
    }

    /** One line: connections served, still open, messages in and out, uptime. */
    String summary() {
        return Text.count(connections.get(), "connection") + " served (" + open.get() + " open) in "
                + Text.duration(Duration.ofNanos(System.nanoTime() - startNanos)) + "; "
                + Text.count(received.sum(), "message") + " received, " + sent.sum() + " sent";
    }

    static String address(InetSocketAddress address) {
        String host = address.getAddress() != null ? address.getAddress().getHostAddress() : address.getHostString();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }
}
