package dev.lifeline.bench.load;

import dev.lifeline.bench.load.Connector.Opened;
import dev.lifeline.bench.load.Connector.Target;
import java.io.IOException;
import java.time.Duration;

/**
 * The connections scenario: opens many WebSocket connections, measures how fast they open and what they cost the
 * server in memory (resident set and heap, each after a full GC), then proves every one of them is still alive by
 * echoing one message on each. A warm-up first opens and closes as many connections as are measured, a few hundred
 * at a time, so that class loading, compilation and the collector's first passes over the young generation are not
 * charged to the connections, while no more than a few hundred are ever open before the baseline (so the warm-up
 * does not touch the pages the measured connections will need).
 */
public final class IdleConnections {
    private static final int WINDOW = 64;
    /** Connections open at once during the warm-up. */
    private static final int WARM_UP_ROUND = 500;
    private static final Duration TIMEOUT = Duration.ofSeconds(180);

    /** The server's memory: heap in use and resident set size, in bytes, after a full GC. */
    public record Memory(long heapUsed, long rss) {
    }

    /** Reads the server's memory (after asking it to collect garbage). */
    @FunctionalInterface
    public interface MemoryProbe {
        Memory read() throws IOException;
    }

    /**
     * @param connectsPerSecond connections opened per second (TCP + opening handshake), {@value #WINDOW} at a time
     * @param rssPerConnection resident set growth per connection, bytes
     * @param heapPerConnection heap growth per connection, bytes
     * @param error why there is no figure; null on success
     */
    public record Result(double connectsPerSecond, double rssPerConnection, double heapPerConnection, String error) {
        static Result failed(String error) {
            return new Result(0, 0, 0, error);
        }

        public boolean ok() {
            return error == null;
        }
    }

    private IdleConnections() {
    }

    public static Result run(Target target, int count, MemoryProbe probe) {
        try {
            for (int warmed = 0; warmed < count; warmed += WARM_UP_ROUND) {
                Opened warm = Connector.open(target, Math.min(WARM_UP_ROUND, count - warmed), WINDOW, TIMEOUT);
                LoadResult warmEcho = EchoLoad.run(warm.channels(),
                        EchoLoad.Plan.counted(Scenario.CONNECTIONS, false, 1));
                warm.abort();
                if (!warmEcho.ok()) {
                    return Result.failed("warm-up: " + warmEcho.error());
                }
            }
            Thread.sleep(500); // lets the server notice the closed connections before the baseline
            Memory before = probe.read();
            Opened opened = Connector.open(target, count, WINDOW, TIMEOUT);
            try {
                Memory after = probe.read();
                LoadResult alive = EchoLoad.run(opened.channels(),
                        EchoLoad.Plan.counted(Scenario.CONNECTIONS, false, 1));
                if (!alive.ok()) {
                    return Result.failed("after opening " + count + " connections: " + alive.error());
                }
                return new Result(opened.perSecond(), (after.rss() - before.rss()) / (double) count,
                        (after.heapUsed() - before.heapUsed()) / (double) count, null);
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
