package dev.lifeline.bench.closing;

import dev.lifeline.bench.load.Connector;
import dev.lifeline.bench.load.Connector.Opened;
import dev.lifeline.bench.load.Connector.Target;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Close detection (issue 18): how long from the moment a peer's Close frame, or a TCP reset, leaves the peer until
 * the server's library calls back to say the connection is over ({@link ClosingServers}). Server and peer run in
 * this one JVM, so both instants are read from the same {@link System#nanoTime()}: the peer reads it just before
 * the write of its Close frame (or the close that resets), the server's callback as its first act. Connections are
 * opened first (the load generator's handshake); then each is closed alone, and the next only once the server has
 * reported the last, so no close waits behind another. Every report is checked to be that connection's (its peer
 * address); a foreign one fails the run. A connection whose close is not reported within {@link #REPORT} is counted
 * as missed and the run goes on with the next (a library that misses a reset now and then is a finding, measured
 * like the others); a report that comes later for a missed connection is set aside.
 *
 * <p>After a Close frame, the peer behaves as RFC 6455 §7.1.1 asks of a client: it waits (at most {@link #LINGER})
 * for the server to close TCP, then closes its own side. {@code CloseDetection <server> <closes per kind>} in a JVM
 * of its own prints {@code CLOSE <p50 ns> <p99 ns> <missed>} and {@code RESET <p50 ns> <p99 ns> <missed>}, or
 * {@code ERROR <why>}, after as many closes of each kind again as a warm-up.
 */
public final class CloseDetection {
    /** How long a server has to report a close before it counts as missed. */
    static final Duration REPORT = Duration.ofSeconds(5);
    /** How long the peer waits for the server to close TCP after the closing handshake. */
    private static final Duration LINGER = Duration.ofSeconds(1);
    /** A masked Close frame: FIN + opcode 8, 2 payload bytes (1000) masked with the key 0 (RFC 6455 §5.5.1). */
    private static final byte[] CLOSE_FRAME = {(byte) 0x88, (byte) 0x82, 0, 0, 0, 0, 0x03, (byte) 0xE8};

    /** How the peer ends each connection. */
    public enum How {
        /** A Close frame, then the closing handshake. */
        CLOSE_FRAME,
        /** A TCP reset (SO_LINGER 0), no Close frame. */
        RESET
    }

    /**
     * Percentiles of one kind of close over the {@code closes} reported, with how many connections' closes were
     * {@code missed} (not reported in time); or why there are none.
     */
    public record Result(How how, int closes, int missed, long p50Nanos, long p99Nanos, String error) {
        public boolean ok() {
            return error == null;
        }

        /**
         * One line for the harness: {@code CLOSE p50 p99 missed}, {@code RESET p50 p99 missed} or
         * {@code ERROR why}.
         */
        public String toLine() {
            return ok() ? (how == How.CLOSE_FRAME ? "CLOSE " : "RESET ") + p50Nanos + " " + p99Nanos + " " + missed
                    : "ERROR " + error.replace('\n', ' ');
        }
    }

    private final Reports reports = new Reports();

    /** For the server's callback: a connection from {@code peer} is over, now. Thread-safe. */
    void closed(SocketAddress peer) {
        reports.closed(peer);
    }

    /** Opens {@code closes} connections to the server on {@code port}, and ends each in turn {@code how}. */
    Result run(int port, How how, int closes) throws IOException, InterruptedException {
        return run(port, how, closes, REPORT);
    }

    /** Like {@link #run(int, How, int)}, counting a close as missed when not reported within {@code within}. */
    Result run(int port, How how, int closes, Duration within) throws IOException, InterruptedException {
        Opened opened = Connector.open(Target.webSocket(port), closes, 64, Duration.ofSeconds(60));
        Histogram latency = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        List<SocketChannel> channels = opened.channels();
        int missed = 0;
        try {
            for (int i = 0; i < channels.size(); i++) {
                SocketChannel ch = channels.get(i);
                ch.configureBlocking(true);
                SocketAddress local = ch.getLocalAddress();
                long left = end(ch, how);
                Reports.Report r = reports.await(local, left + within.toNanos());
                if (r == null) {
                    missed++;
                    continue;
                }
                if (!local.equals(r.peer())) {
                    return failed(how, "connection " + i + " from " + local + ": the close reported was " + r.peer()
                            + "'s");
                }
                latency.recordValue(Math.max(0, r.nanos() - left));
            }
        } finally {
            opened.abort();
        }
        List<Reports.Report> extra = reports.unaccounted();
        if (!extra.isEmpty()) {
            return failed(how, extra.size() + " closes reported more than the peer made, first " + extra.get(0));
        }
        int reported = closes - missed;
        if (reported == 0) {
            return failed(how, "none of " + closes + " closes reported within " + within);
        }
        return new Result(how, reported, missed, latency.getValueAtPercentile(50),
                latency.getValueAtPercentile(99), null);
    }

    /** Ends the connection; returns when the Close frame or the reset left, by {@link System#nanoTime()}. */
    private static long end(SocketChannel ch, How how) throws IOException {
        if (how == How.RESET) {
            ch.setOption(StandardSocketOptions.SO_LINGER, 0);
            long left = System.nanoTime();
            ch.close();
            return left;
        }
        long left = System.nanoTime();
        ch.write(ByteBuffer.wrap(CLOSE_FRAME));
        ch.socket().setSoTimeout((int) LINGER.toMillis());
        InputStream in = ch.socket().getInputStream();
        byte[] sink = new byte[256];
        try {
            while (in.read(sink) >= 0) {
                // the server's Close frame, then its end of TCP
            }
        } catch (SocketTimeoutException e) {
            // it waits for us to close first
        }
        ch.close();
        return left;
    }

    private static Result failed(How how, String error) {
        return new Result(how, 0, 0, 0, 0, error);
    }

    /** Whether the comparison's server of this name takes part ({@link ClosingServers}). */
    public static boolean serves(String id) {
        return ClosingServers.has(id);
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: CloseDetection <" + String.join("|", ClosingServers.ids())
                    + "> <closes per kind>");
            System.exit(2);
        }
        int closes = Integer.parseInt(args[1]);
        CloseDetection detection = new CloseDetection();
        try (ClosingServers.Running server = ClosingServers.of(args[0]).start(detection::closed)) {
            for (How how : How.values()) {
                Result r;
                try {
                    Result warmUp = detection.run(server.port(), how, closes);
                    r = warmUp.ok() ? detection.run(server.port(), how, closes) : warmUp;
                } catch (IOException | RuntimeException e) {
                    r = failed(how, e.toString());
                }
                System.out.println(r.toLine()); // one line per kind, always: the harness waits for both
                System.err.printf(Locale.ROOT, "%s %s: %s%n", args[0], how, r.toLine());
            }
        }
        System.out.flush();
        System.exit(0);
    }
}
