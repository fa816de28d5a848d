package dev.lifeline.bench.load;

import dev.lifeline.bench.load.Connector.Opened;
import dev.lifeline.bench.load.Connector.Target;
import dev.lifeline.bench.load.IdleConnections.Cpu;
import dev.lifeline.bench.load.IdleConnections.Memory;
import dev.lifeline.bench.load.IdleConnections.ServerProbe;
import java.io.IOException;
import java.time.Duration;

/**
 * The held-connections scenario: as many connections as asked (or as the descriptor limit allows), held idle for
 * minutes against a server with keepalive on at its project's default interval, every Ping answered
 * ({@link KeepaliveHold}). Measures what they cost the server once held (resident set and heap per connection, each
 * after a full GC, against a baseline taken after the same warm-up as {@link IdleConnections}) and the server's CPU
 * while they idle (its JIT compilers left out), as a share of one core; then echoes once on every connection to prove
 * that none was lost.
 */
public final class HeldConnections {
    private static final Duration ECHO_TIMEOUT = Duration.ofSeconds(60);

    /**
     * @param connections connections held
     * @param held how long they were held
     * @param rssPerConnection resident set growth per connection at the end of the hold, bytes
     * @param heapPerConnection heap growth per connection at the end of the hold, bytes
     * @param idleCpu the server's CPU time during the hold over its length (0.05: 5 % of one core), JIT left out
     * @param pings Pings the server sent during the hold and the final echo, all connections together
     * @param pinged connections that received at least one Ping
     * @param error why there is no figure; null on success
     */
    public record Result(int connections, Duration held, double rssPerConnection, double heapPerConnection,
            double idleCpu, long pings, int pinged, String error) {
        static Result failed(String error) {
            return new Result(0, Duration.ZERO, 0, 0, 0, 0, 0, error);
        }

        public boolean ok() {
            return error == null;
        }
    }

    private HeldConnections() {
    }

    public static Result run(Target target, int count, Duration hold, ServerProbe probe) {
        return run(target, count, hold, probe, IdleConnections.QUIET, IdleConnections.QUIET_BOUND);
    }

    static Result run(Target target, int count, Duration hold, ServerProbe probe, Duration quiet,
            Duration quietBound) {
        try {
            IdleConnections.settle(target, count, probe, quiet, quietBound);
            Memory before = probe.memory();
            Opened opened = Connector.open(target, count, IdleConnections.WINDOW, IdleConnections.TIMEOUT);
            try {
                Cpu cpuBefore = probe.cpu();
                long start = System.nanoTime();
                KeepaliveHold.Result kept = KeepaliveHold.run(opened.channels(), hold, ECHO_TIMEOUT);
                if (!kept.ok()) {
                    return Result.failed("holding " + count + " connections: " + kept.error());
                }
                // the final echo ran after the hold: the CPU time of its few milliseconds is charged to the idle
                // connections, which errs on the side of a higher figure
                long elapsed = System.nanoTime() - start;
                Cpu cpuAfter = probe.cpu();
                double idleCpu = cpuAfter.ownNanosSince(cpuBefore) / (double) elapsed;
                Memory after = probe.memory();
                return new Result(count, hold, after.rssPerConnection(before, count),
                        after.heapPerConnection(before, count), idleCpu, kept.pings(), kept.pinged(), null);
            } finally {
                opened.abort();
            }
        } catch (IOException | EchoException e) {
            return Result.failed(e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Result.failed("interrupted");
        }
    }
}
