package dev.lifeline.bench;

import dev.lifeline.bench.closing.CloseDetection;
import dev.lifeline.bench.load.LoadResult;
import dev.lifeline.bench.load.Scenario;
import dev.lifeline.bench.reliable.AckedLoad;
import dev.lifeline.bench.reliable.ReliableEchoMain;
import dev.lifeline.bench.server.EchoMain;
import dev.lifeline.bench.server.Servers;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The two scenarios of issue 18 that do not run the load generator against an echo: {@link Scenario#RELIABLE}
 * (Lifeline's plain echo and reliable echo, each in a JVM of its own on the server core, Lifeline's clients in the
 * harness) and {@link Scenario#CLOSE} (each server library and its closing peer in one JVM on the server core, so
 * that both instants come from one clock). Figures go to the {@link Sink} of the comparison; called from its
 * thread only.
 */
final class SessionScenarios {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    /** Where figures go: the comparison's results, with its console lines. */
    interface Sink {
        void record(Metric metric, String subject, int rep, double value);

        void fail(List<Metric> metrics, String subject, int rep, String error);

        void notApplicable(Metric metric, String subject, String reason);

        /** Something worth knowing about how a figure was taken, for the report. */
        void note(String note);
    }

    static final List<Metric> RELIABLE = List.of(Metric.SERVER_PLAIN_ECHOED, Metric.SERVER_RELIABLE_ACKED,
            Metric.SERVER_PLAIN_P99, Metric.SERVER_RELIABLE_ACK_P50, Metric.SERVER_RELIABLE_ACK_P99);
    static final List<Metric> CLOSE = List.of(Metric.SERVER_CLOSE_P50, Metric.SERVER_CLOSE_P99,
            Metric.SERVER_CLOSE_MISSED, Metric.SERVER_RESET_P50, Metric.SERVER_RESET_P99, Metric.SERVER_RESET_MISSED);

    private final Sink sink;
    private final int serverCore;
    private final List<String> serverOpts;
    private final Path logs;
    private final Duration warmup;
    private final Duration measure;
    private final int closes;

    /**
     * @param serverCore the core of the servers' JVMs, or -1 to leave them unpinned
     * @param serverOpts flags added to the servers' JVMs ({@code BENCH_SERVER_OPTS})
     * @param closes connections closed of each kind (and as many again to warm up) in {@link Scenario#CLOSE}
     */
    SessionScenarios(Sink sink, int serverCore, List<String> serverOpts, Path logs, Duration warmup,
            Duration measure, int closes) {
        this.sink = sink;
        this.serverCore = serverCore;
        this.serverOpts = serverOpts;
        this.logs = logs;
        this.warmup = warmup;
        this.measure = measure;
        this.closes = closes;
    }

    /** The reliable layer against plain WebSocket, both Lifeline's: recorded as Lifeline's figures. */
    void reliable(int rep) {
        Optional<Answers> plain = answers(AckedLoad.Kind.PLAIN, EchoMain.class, List.of(Servers.LIFELINE.id()), rep);
        Optional<Answers> reliable = plain.isEmpty() ? Optional.empty()
                : answers(AckedLoad.Kind.RELIABLE, ReliableEchoMain.class, List.of(), rep);
        if (reliable.isEmpty()) {
            return; // failed, and recorded as such
        }
        String subject = Report.LIFELINE;
        sink.record(Metric.SERVER_PLAIN_ECHOED, subject, rep, plain.get().many().messagesPerSecond());
        sink.record(Metric.SERVER_PLAIN_P99, subject, rep, plain.get().one().p99Nanos() / 1000.0);
        sink.record(Metric.SERVER_RELIABLE_ACKED, subject, rep, reliable.get().many().messagesPerSecond());
        sink.record(Metric.SERVER_RELIABLE_ACK_P50, subject, rep, reliable.get().one().p50Nanos() / 1000.0);
        sink.record(Metric.SERVER_RELIABLE_ACK_P99, subject, rep, reliable.get().one().p99Nanos() / 1000.0);
    }

    /** What one kind of echo gave: with many messages in flight, and one at a time. */
    private record Answers(LoadResult many, LoadResult one) {
    }

    /** Runs {@code kind} against the echo {@code main} starts; empty (and the failure recorded) if it failed. */
    private Optional<Answers> answers(AckedLoad.Kind kind, Class<?> main, List<String> args, int rep) {
        Scenario s = Scenario.RELIABLE;
        String name = kind.name().toLowerCase(Locale.ROOT);
        try (Jvm server = Jvm.start(serverCore, main, args, serverOpts, logs.resolve("server-" + name + "-echo.log"))) {
            URI uri = URI.create("ws://127.0.0.1:" + Integer.parseInt(server.await("READY ", START_TIMEOUT).trim())
                    + "/");
            LoadResult many = AckedLoad.run(kind, uri, new AckedLoad.Plan(s.connections(), s.inFlight(),
                    s.payload().size(), warmup, measure));
            LoadResult one = many.ok() ? AckedLoad.run(kind, uri, new AckedLoad.Plan(1, 1, s.payload().size(), warmup,
                    measure)) : many;
            if (one.ok()) {
                return Optional.of(new Answers(many, one));
            }
            sink.fail(RELIABLE, Report.LIFELINE, rep, name + " echo: " + one.error());
        } catch (IOException | RuntimeException e) {
            sink.fail(RELIABLE, Report.LIFELINE, rep, name + " echo: " + e);
        }
        return Optional.empty();
    }

    /** Close detection of the server {@code id}, with its closing peer in the same JVM. */
    void close(String id, int rep) {
        if (!CloseDetection.serves(id)) {
            CLOSE.forEach(m -> sink.notApplicable(m, id, "no WebSocket close callback measured"));
            return;
        }
        List<String> args = List.of(id, Integer.toString(closes));
        try (Jvm jvm = Jvm.start(serverCore, CloseDetection.class, args, serverOpts,
                logs.resolve("close-" + id + ".log"))) {
            Duration bound = START_TIMEOUT.plusMinutes(2);
            for (String kind : List.of("CLOSE", "RESET")) {
                String line = jvm.await("", bound);
                while (!line.startsWith(kind) && !line.startsWith("ERROR ")) {
                    line = jvm.await("", bound); // something else on standard output
                }
                String[] f = line.split(" ");
                if (!f[0].equals(kind) || f.length != 4) {
                    sink.fail(kind.equals("CLOSE") ? CLOSE.subList(0, 3) : CLOSE.subList(3, 6), id, rep,
                            line.startsWith("ERROR ") ? line.substring(6) : "unreadable line: " + line);
                    continue;
                }
                boolean frame = kind.equals("CLOSE");
                sink.record(frame ? Metric.SERVER_CLOSE_P50 : Metric.SERVER_RESET_P50, id, rep,
                        Long.parseLong(f[1]) / 1000.0);
                sink.record(frame ? Metric.SERVER_CLOSE_P99 : Metric.SERVER_RESET_P99, id, rep,
                        Long.parseLong(f[2]) / 1000.0);
                sink.record(frame ? Metric.SERVER_CLOSE_MISSED : Metric.SERVER_RESET_MISSED, id, rep,
                        Long.parseLong(f[3]));
            }
        } catch (IOException | RuntimeException e) {
            sink.fail(CLOSE, id, rep, e.toString());
        }
    }
}
