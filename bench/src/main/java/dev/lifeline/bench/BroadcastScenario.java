package dev.lifeline.bench;

import dev.lifeline.bench.load.BroadcastLoad;
import dev.lifeline.bench.load.Connector;
import dev.lifeline.bench.load.Connector.Opened;
import dev.lifeline.bench.load.Connector.Target;
import dev.lifeline.bench.load.Scenario;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Function;

/**
 * {@link Scenario#BROADCAST} in two passes, so that the latency of every server is taken at one rate. The saturation
 * pass runs every server (every repetition, interleaved): deliveries per second at saturation, and the latency at
 * half that server's own saturation rate. Then the common rate is half the lowest saturation figure (the median of
 * the repetitions) among the servers of the run, so that every server is measured below its saturation, at the same
 * load; the latency pass runs every server again, in a fresh JVM, at that rate. Figures go to the {@link
 * SessionScenarios.Sink} of the comparison; called from its thread only.
 */
final class BroadcastScenario {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    /** How long to wait for what was published to arrive, after the ramp and at the end. */
    private static final Duration DRAIN = Duration.ofSeconds(10);

    /** The saturation pass's metrics. */
    static final List<Metric> SATURATION = List.of(Metric.SERVER_BROADCAST, Metric.SERVER_BROADCAST_OWN_P50,
            Metric.SERVER_BROADCAST_OWN_P99);
    /** The latency pass's metrics: the comparison and the target use these. */
    static final List<Metric> COMMON = List.of(Metric.SERVER_BROADCAST_P50, Metric.SERVER_BROADCAST_P99);

    /**
     * The rate of the latency pass: half the slowest server's saturation figure.
     *
     * @param deliveriesPerSecond deliveries per second, summed over the subscribers (divided by their number, the
     *        messages published per second)
     * @param slowest the server whose saturation figure was the lowest
     */
    record CommonRate(double deliveriesPerSecond, String slowest) {
        double messagesPerSecond(int subscribers) {
            return deliveriesPerSecond / subscribers;
        }

        /** "28,214 deliveries/s (half Netty's saturation)". */
        String describe() {
            return String.format(Locale.ROOT, "%,.0f deliveries/s (half %s's saturation)", deliveriesPerSecond,
                    Report.title(slowest));
        }
    }

    private final SessionScenarios.Sink sink;
    private final Function<List<Double>, String> cores;
    private final int subscribers;
    private final int size;
    private final Duration step;
    private final Duration latency;

    /**
     * @param cores the cores' busy shares as the report words them ("; cores busy meanwhile: ...", or "")
     * @param step how long each step of the ramp publishes from 10,000 deliveries per second up, and the latency
     *        pass's warm-up
     * @param latency how long each latency phase records
     */
    BroadcastScenario(SessionScenarios.Sink sink, Function<List<Double>, String> cores, int subscribers, int size,
            Duration step, Duration latency) {
        this.sink = sink;
        this.cores = cores;
        this.subscribers = subscribers;
        this.size = size;
        this.step = step;
        this.latency = latency;
    }

    /**
     * The common rate of a run: half the lowest median of {@link Metric#SERVER_BROADCAST} among the servers under
     * test (those without a figure, having no broadcast mode or an error, left out; the raw TCP reference too, which
     * is no server under test); empty when none has one.
     */
    static Optional<CommonRate> commonRate(Results results, List<String> servers) {
        Map.Entry<String, Double> slowest = null;
        for (String s : servers) {
            if (s.equals(Metric.Side.SERVER.reference)) {
                continue;
            }
            OptionalDouble m = results.median(Metric.SERVER_BROADCAST, s);
            if (m.isPresent() && m.getAsDouble() > 0 && (slowest == null || m.getAsDouble() < slowest.getValue())) {
                slowest = Map.entry(s, m.getAsDouble());
            }
        }
        return Optional.ofNullable(slowest).map(e -> new CommonRate(e.getValue() / 2, e.getKey()));
    }

    /** The saturation pass against {@code server}, started in its broadcast mode at {@code target}. */
    void saturation(String server, Target target, int rep) throws IOException {
        Opened opened = Connector.open(target, subscribers, 64, START_TIMEOUT);
        BroadcastLoad.Result r;
        try {
            r = BroadcastLoad.run(opened.channels(), new BroadcastLoad.Plan(size, Math.max(1, 10_000 / subscribers),
                    BroadcastLoad.UNBOUNDED, step, latency, DRAIN));
        } finally {
            opened.abort();
        }
        if (!r.ok()) {
            sink.fail(SATURATION, server, rep, r.error());
            return;
        }
        sink.note(String.format(Locale.ROOT, "broadcast, %s, run %d: %,d connections, %,d-byte messages; saturated"
                + " at %,d msg/s published; %,d deliveries dropped by the server; steps: %s", Report.title(server),
                rep + 1, r.subscribers(), size, r.saturationRate(), r.dropped(),
                String.join("; ", r.steps().stream().map(s -> s.text() + cores.apply(s.coresBusy())).toList())));
        sink.record(Metric.SERVER_BROADCAST, server, rep, r.deliveriesPerSecond());
        sink.record(Metric.SERVER_BROADCAST_OWN_P50, server, rep, r.p50Nanos() / 1000.0);
        sink.record(Metric.SERVER_BROADCAST_OWN_P99, server, rep, r.p99Nanos() / 1000.0);
    }

    /** The latency pass against {@code server}, started afresh in its broadcast mode at {@code target}. */
    void latency(String server, Target target, int rep, CommonRate rate) throws IOException {
        Opened opened = Connector.open(target, subscribers, 64, START_TIMEOUT);
        BroadcastLoad.Latency r;
        try {
            // the ramp's bounds are not used: one step's warm-up at the rate, then the latency phase
            r = BroadcastLoad.latencyAt(opened.channels(), new BroadcastLoad.Plan(size, 1, 1, step, latency, DRAIN),
                    rate.messagesPerSecond(subscribers));
        } finally {
            opened.abort();
        }
        if (!r.ok()) {
            sink.fail(COMMON, server, rep, r.error());
            return;
        }
        sink.note(String.format(Locale.ROOT, "broadcast latency, %s, run %d: at the common rate, %s: %s; %,d"
                + " deliveries dropped by the server%s", Report.title(server), rep + 1, rate.describe(),
                r.phase().text(), r.dropped(), cores.apply(r.phase().coresBusy())));
        sink.record(Metric.SERVER_BROADCAST_P50, server, rep, r.p50Nanos() / 1000.0);
        sink.record(Metric.SERVER_BROADCAST_P99, server, rep, r.p99Nanos() / 1000.0);
    }
}
