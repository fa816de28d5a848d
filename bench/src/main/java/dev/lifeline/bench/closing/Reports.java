package dev.lifeline.bench.closing;

import java.net.SocketAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The server's reports of closed connections, as {@link CloseDetection} matches them to the connections its peer
 * ends one at a time. A connection whose report does not come in time is counted missed; a report that comes later
 * for it is set aside, in this run or a later one. Reports may come from any thread; one thread awaits them.
 */
final class Reports {
    /** A connection from {@code peer} was reported over at {@code nanos} ({@link System#nanoTime()}). */
    record Report(SocketAddress peer, long nanos) {
    }

    private final BlockingQueue<Report> queue = new LinkedBlockingQueue<>();
    /** The peers of the connections counted missed. Only the awaiting thread touches it. */
    private final Set<SocketAddress> missed = new HashSet<>();

    /** For the server's callback: a connection from {@code peer} is over, now. Thread-safe. */
    void closed(SocketAddress peer) {
        queue.add(new Report(peer, System.nanoTime()));
    }

    /**
     * The next report, waiting until {@code deadlineNanos} ({@link System#nanoTime()}) at most, leaving out late ones
     * for connections counted missed (unless from {@code local} itself). It may be another connection's: the caller
     * checks. Null if none came: then {@code local} is counted missed.
     */
    Report await(SocketAddress local, long deadlineNanos) throws InterruptedException {
        Report r;
        do {
            r = queue.poll(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } while (r != null && !local.equals(r.peer()) && missed.contains(r.peer()));
        if (r == null) {
            missed.add(local);
        }
        return r;
    }

    /** The reports that no connection accounts for, late ones for missed connections left out. */
    List<Report> unaccounted() {
        queue.removeIf(r -> missed.contains(r.peer()));
        return List.copyOf(queue);
    }
}
