package dev.lifeline.bench.load;

import dev.lifeline.bench.load.Connector.Opened;
import dev.lifeline.bench.load.Connector.Target;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * The connections scenario: opens many WebSocket connections, measures how fast they open and what they cost the
 * server in memory (resident set and heap, each after a full GC), then proves every one of them is still alive by
 * echoing one message on each. A warm-up first opens and closes {@value #WARM_UP_FACTOR} times as many connections
 * as are measured, a few hundred at a time, then waits until the server's JIT compilers have been idle for
 * {@link #QUIET} (at most {@link #QUIET_BOUND}): the figures are meant as the server's steady state, with class
 * loading, compilation and the collector's first passes over the young generation not charged to the connections.
 * (After a warm-up of as many handshakes as measured, the C2 compiler still took half of the server's core during the
 * burst, for every server: methods run once per handshake reach the compile thresholds only after 15,000 or so.)
 * How long the JIT still worked during the measured burst is reported ({@link Result#burstCompileMillis}): a server
 * whose code takes paths the warm-up did not (with 10,000 connections open rather than 500) compiles them then. No
 * more than a few hundred connections are ever open before the baseline, so the warm-up does not touch the pages
 * the measured connections will need.
 *
 * <p>Besides the rate, the server's CPU time per connection is measured (its JIT compilers left out), and how busy
 * each core was: on loopback the kernel's work for both ends of TCP's handshake lands mostly on the connecting
 * side's core, so the generator's core can be the one that limits the rate, and then the CPU time tells the servers
 * apart where the rate cannot.
 */
public final class IdleConnections {
    static final int WINDOW = 64;
    /** Connections open at once during the warm-up. */
    private static final int WARM_UP_ROUND = 500;
    static final int WARM_UP_FACTOR = 5;
    /** How long the server's JIT must have done nothing before the baseline. */
    static final Duration QUIET = Duration.ofSeconds(1);
    static final Duration QUIET_BOUND = Duration.ofSeconds(20);
    private static final Duration JIT_POLL = Duration.ofMillis(100);
    static final Duration TIMEOUT = Duration.ofSeconds(180);

    /** The server's memory: heap in use and resident set size, in bytes, after a full GC. */
    public record Memory(long heapUsed, long rss) {
        /** Resident set growth since {@code before}, per connection of {@code count}, in bytes. */
        double rssPerConnection(Memory before, int count) {
            return (rss - before.rss) / (double) count;
        }

        /** Heap growth since {@code before}, per connection of {@code count}, in bytes. */
        double heapPerConnection(Memory before, int count) {
            return (heapUsed - before.heapUsed) / (double) count;
        }
    }

    /** The CPU time the server's process has used so far, and its JIT compilers' share of it, in nanoseconds. */
    public record Cpu(long processNanos, long compilerNanos) {
        /** The process's CPU time since {@code before}, its JIT compilers' left out. */
        long ownNanosSince(Cpu before) {
            return (processNanos - before.processNanos) - (compilerNanos - before.compilerNanos);
        }
    }

    /** Asks the server about itself. */
    public interface ServerProbe {
        /** The server's memory (after it collected garbage). */
        Memory memory() throws IOException;

        /** How long the server's JIT compilers have worked so far, in milliseconds. */
        long compileMillis() throws IOException;

        /** The CPU time the server has used so far. */
        Cpu cpu() throws IOException;
    }

    /**
     * @param connectsPerSecond connections opened per second (TCP + opening handshake), {@value #WINDOW} at a time
     * @param rssPerConnection resident set growth per connection, bytes
     * @param heapPerConnection heap growth per connection, bytes
     * @param warmUp connections opened and closed before the baseline
     * @param jitQuiet whether the server's JIT was idle for {@link #QUIET} before the baseline (else the wait
     *     for it ran out)
     * @param burstCompileMillis how long the server's JIT worked while the measured connections opened
     * @param cpuPerConnection the server's CPU time per connection while they opened, nanoseconds, its JIT
     *     compilers' left out (they are {@code burstCompileMillis})
     * @param coresBusy how busy each core of the machine was (0 to 1) while they opened; empty if unknown
     * @param error why there is no figure; null on success
     */
    public record Result(double connectsPerSecond, double rssPerConnection, double heapPerConnection, int warmUp,
            boolean jitQuiet, long burstCompileMillis, double cpuPerConnection, List<Double> coresBusy,
            String error) {
        static Result failed(String error) {
            return new Result(0, 0, 0, 0, false, 0, 0, List.of(), error);
        }

        public boolean ok() {
            return error == null;
        }
    }

    private IdleConnections() {
    }

    public static Result run(Target target, int count, ServerProbe probe) {
        return run(target, count, probe, QUIET, QUIET_BOUND);
    }

    static Result run(Target target, int count, ServerProbe probe, Duration quiet, Duration quietBound) {
        try {
            Settled settled = settle(target, count, probe, quiet, quietBound);
            Memory before = probe.memory();
            long compiledBefore = probe.compileMillis();
            Cpu cpuBefore = probe.cpu();
            CoreLoad coresBefore = CoreLoad.sample();
            Opened opened = Connector.open(target, count, WINDOW, TIMEOUT);
            try {
                List<Double> coresBusy = CoreLoad.sample().busySince(coresBefore);
                Cpu cpuAfter = probe.cpu();
                double cpuPerConnection = cpuAfter.ownNanosSince(cpuBefore) / (double) count;
                long burstCompileMillis = probe.compileMillis() - compiledBefore;
                Memory after = probe.memory();
                LoadResult alive = EchoLoad.run(opened.channels(),
                        EchoLoad.Plan.counted(Scenario.CONNECTIONS, target.raw(), 1));
                if (!alive.ok()) {
                    return Result.failed("after opening " + count + " connections: " + alive.error());
                }
                return new Result(opened.perSecond(), after.rssPerConnection(before, count),
                        after.heapPerConnection(before, count), settled.warmed(), settled.jitQuiet(),
                        burstCompileMillis, cpuPerConnection, coresBusy, null);
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

    /** What {@link #settle} did: connections warmed up with, and whether the JIT was quiet before the baseline. */
    record Settled(int warmed, boolean jitQuiet) {
    }

    /**
     * Brings the server to the steady state its baseline is taken in: {@link #warmUp}, then
     * {@link #awaitQuietJit}, then half a second for the server to notice the warm-up's connections closed.
     */
    static Settled settle(Target target, int count, ServerProbe probe, Duration quiet, Duration quietBound)
            throws IOException, InterruptedException {
        int warmed = warmUp(target, count);
        boolean jitQuiet = awaitQuietJit(probe, quiet, quietBound);
        Thread.sleep(500);
        return new Settled(warmed, jitQuiet);
    }

    /**
     * Opens and closes {@value #WARM_UP_FACTOR} times {@code count} connections, a few hundred at a time, each echoing
     * once; returns how many.
     *
     * @throws EchoException if an echo fails
     */
    private static int warmUp(Target target, int count) throws IOException {
        int warmed = 0;
        while (warmed < WARM_UP_FACTOR * count) {
            int round = Math.min(WARM_UP_ROUND, count);
            Opened warm = Connector.open(target, round, WINDOW, TIMEOUT);
            LoadResult warmEcho = EchoLoad.run(warm.channels(),
                    EchoLoad.Plan.counted(Scenario.CONNECTIONS, target.raw(), 1));
            warm.abort();
            if (!warmEcho.ok()) {
                throw new EchoException("warm-up: " + warmEcho.error());
            }
            warmed += round;
        }
        return warmed;
    }

    /** Waits until the server's JIT has done nothing for {@code quiet}, or {@code bound} passed (then false). */
    private static boolean awaitQuietJit(ServerProbe probe, Duration quiet, Duration bound)
            throws IOException, InterruptedException {
        long start = System.nanoTime();
        long compiled = probe.compileMillis();
        long quietSince = start;
        while (System.nanoTime() - start < bound.toNanos()) {
            Thread.sleep(JIT_POLL);
            long now = probe.compileMillis();
            if (now != compiled) {
                compiled = now;
                quietSince = System.nanoTime();
            } else if (System.nanoTime() - quietSince >= quiet.toNanos()) {
                return true;
            }
        }
        return false;
    }
}
