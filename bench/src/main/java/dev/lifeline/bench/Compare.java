package dev.lifeline.bench;

import dev.lifeline.bench.client.ClientMain;
import dev.lifeline.bench.client.Clients;
import dev.lifeline.bench.load.Connector;
import dev.lifeline.bench.load.Connector.Opened;
import dev.lifeline.bench.load.Connector.Target;
import dev.lifeline.bench.load.EchoLoad;
import dev.lifeline.bench.load.HeldConnections;
import dev.lifeline.bench.load.IdleConnections;
import dev.lifeline.bench.load.LoadResult;
import dev.lifeline.bench.load.Scenario;
import dev.lifeline.bench.server.EchoMain;
import dev.lifeline.bench.server.Servers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The side-by-side comparison, run by {@code ./bench/run}: every server under test in its own JVM on core 0,
 * driven by our load generator in this JVM (which the script pins to core 1); then every client library in its own
 * JVM on core 1 against the fixed fast server on core 0. Repetitions are interleaved (each repetition runs every
 * subject, in a rotated order) and the report gives medians; the broadcast scenario's latency pass runs after
 * every repetition of its saturation pass ({@link BroadcastScenario}). Writes {@code <out>/<date>.md} and
 * {@code .svg} and prints the markdown.
 */
public final class Compare {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final int SERVER_CORE = 0;
    private static final int CLIENT_CORE = 1;
    private static final String GENERATOR = "generator";
    /** Descriptors left for everything but the held connections (jars, the selector, the server's own). */
    private static final int DESCRIPTORS_SPARE = 1_000;
    /** Flags for the servers under test only, from {@code BENCH_SERVER_OPTS} (e.g. a JFR recording). */
    private static final List<String> SERVER_OPTS = List.of(System.getenv().getOrDefault("BENCH_SERVER_OPTS", "")
            .trim().split("\\s+")).stream().filter(f -> !f.isEmpty()).toList();

    private final Options options;
    private final Results results = new Results();
    private final boolean pinned = Jvm.canPin();

    private Compare(Options options) {
        this.options = options;
    }

    public static void main(String[] args) throws Exception {
        new Compare(Options.parse(args)).run();
    }

    private void run() throws Exception {
        Files.createDirectories(options.out);
        Files.createDirectories(options.logs);
        String loadBefore = Machine.loadAverage();
        LocalDateTime started = LocalDateTime.now();
        SessionScenarios.Sink sink = sink();
        SessionScenarios sessions = new SessionScenarios(sink, pinned ? SERVER_CORE : -1, SERVER_OPTS, options.logs,
                Duration.ofSeconds(options.warmup), Duration.ofSeconds(options.seconds), options.quick ? 200 : 1000);
        // steps of the warm-up's length; the latency phases as long as a run
        BroadcastScenario broadcast = new BroadcastScenario(sink, this::coresBusy, options.subscribers,
                options.broadcastSize, Duration.ofSeconds(Math.max(1, options.warmup)),
                Duration.ofSeconds(options.seconds));
        for (int rep = 0; rep < options.reps; rep++) {
            if (!options.servers.isEmpty()) {
                for (Scenario s : options.scenarios) {
                    if (s == Scenario.RELIABLE) {
                        if (options.servers.contains(Report.LIFELINE)) {
                            sessions.reliable(rep); // Lifeline's own plain and reliable echoes
                        }
                        continue;
                    }
                    for (String server : rotate(options.servers, rep)) {
                        if (s == Scenario.CLOSE) {
                            sessions.close(server, rep);
                        } else {
                            serverRun(Servers.of(server), s, rep, broadcast, Optional.empty());
                        }
                    }
                }
            }
            for (Scenario s : options.scenarios) {
                if (s != Scenario.SMALL && s != Scenario.LARGE) {
                    continue; // the client comparison has these two
                }
                for (String client : rotate(options.clients, rep)) {
                    clientRun(client, s, rep);
                }
            }
        }
        if (options.scenarios.contains(Scenario.BROADCAST)) {
            broadcastLatency(broadcast);
        }
        List<String> serverSubjects = options.servers;
        List<String> clientSubjects = options.clients;
        Report report = new Report(results, serverSubjects, clientSubjects);
        // the time too: a second run on the same day must not overwrite the first's report
        String stamp = started.format(DateTimeFormatter.ofPattern("yyyy-MM-dd-HHmm"));
        String name = stamp + (options.quick ? "-quick" : "");
        String heading = "Lifeline benchmarks, " + started.format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm"))
                + (options.quick ? " (quick)" : "");
        String machine = Machine.describe();
        String setup = options.reps + " repetition" + (options.reps == 1 ? "" : "s") + " × " + options.seconds
                + " s after " + options.warmup + " s of warm-up, interleaved; medians";
        List<String> header = List.of("# " + heading, "",
                "- Command: `" + options.command + "`",
                "- Machine: " + machine,
                "- Load average (1, 5, 15 min) before: " + loadBefore + "; after: " + Machine.loadAverage(),
                "- Runs: " + setup + "; " + (pinned ? "pinned with taskset (server core 0, load core 1)"
                        : "**not pinned** (taskset unavailable)") + "; JVM flags of every process: "
                        + String.join(" ", Jvm.FLAGS),
                "- Every echo is verified byte for byte and in order; a wrong or missing echo is an error, never"
                        + " a figure. Chart: [" + name + ".svg](" + name + ".svg)");
        String md = report.markdown(header);
        Files.writeString(options.out.resolve(name + ".md"), md);
        Files.writeString(options.out.resolve(name + ".svg"), SvgChart.render(results, report, heading,
                machine + "; " + setup + "; `" + options.command + "`"));
        System.out.println();
        System.out.println(md);
        System.out.println("written: " + options.out.resolve(name + ".md") + " and .svg");
    }

    /**
     * The broadcast scenario's latency pass: every server (every repetition, interleaved) at the common rate of the
     * saturation pass's figures, or an error for each if none has one.
     */
    private void broadcastLatency(BroadcastScenario broadcast) {
        Optional<BroadcastScenario.CommonRate> rate = BroadcastScenario.commonRate(results, options.servers);
        rate.ifPresent(r -> results.note(String.format(Locale.ROOT, "broadcast latency: every server at %,.2f msg/s"
                + " published to %,d connections, %s", r.messagesPerSecond(options.subscribers), options.subscribers,
                r.describe())));
        for (int rep = 0; rep < options.reps; rep++) {
            for (String server : rotate(options.servers, rep)) {
                if (rate.isPresent()) {
                    serverRun(Servers.of(server), Scenario.BROADCAST, rep, broadcast, rate);
                } else if (Servers.of(server).broadcasts()) {
                    fail(BroadcastScenario.COMMON, server, rep, "no server had a saturation figure to take the"
                            + " common rate from");
                }
            }
        }
    }

    /**
     * One server's run of {@code scenario}, in a JVM of its own; for the broadcast scenario, its saturation pass, or
     * its latency pass when {@code commonRate} is given.
     */
    private void serverRun(Servers server, Scenario scenario, int rep, BroadcastScenario broadcast,
            Optional<BroadcastScenario.CommonRate> commonRate) {
        List<Metric> metrics = scenario != Scenario.BROADCAST ? metricsOf(scenario, Metric.Side.SERVER)
                : commonRate.isPresent() ? BroadcastScenario.COMMON : BroadcastScenario.SATURATION;
        Path log = options.logs.resolve("server-" + server.id() + ".log");
        if (scenario == Scenario.BROADCAST && !server.broadcasts()
                || scenario == Scenario.HELD && !server.keepsAlive()) {
            for (Metric m : metrics) {
                results.notApplicable(m, server.id(), scenario == Scenario.HELD ? "no keepalive"
                        : "no broadcast mode");
            }
            return;
        }
        List<String> mode = switch (scenario) {
            case COMPRESSED -> List.of(EchoMain.DEFLATE);
            case BROADCAST -> List.of(EchoMain.BROADCAST);
            case HELD -> List.of(EchoMain.KEEPALIVE);
            default -> List.of();
        };
        int core = pinned ? SERVER_CORE : -1;
        List<String> args = new ArrayList<>(List.of(server.id()));
        args.addAll(mode);
        try (Jvm jvm = server.node() ? Jvm.startNode(core, mode, log)
                : Jvm.start(core, EchoMain.class, args, SERVER_OPTS, log)) {
            int port = Integer.parseInt(jvm.await("READY ", START_TIMEOUT).trim());
            Target target = server.raw() ? Target.rawTcp(port) : Target.webSocket(port);
            if (scenario.deflate()) {
                target = target.deflating();
            }
            if (scenario == Scenario.CONNECTIONS) {
                IdleConnections.Result r = IdleConnections.run(target, options.connections, probe(jvm));
                if (r.ok()) {
                    results.note(String.format(Locale.ROOT, "connections, %s, run %d: warm-up of %,d handshakes; %s;"
                            + " the JIT then compiled for %,d ms while the %,d measured connections opened",
                            Report.title(server.id()), rep + 1, r.warmUp(),
                            r.jitQuiet() ? "the JIT was idle before the baseline"
                                    : "the JIT was still compiling when the wait for it ran out",
                            r.burstCompileMillis(), options.connections)
                            + coresBusy(r.coresBusy()));
                    record(Metric.SERVER_RSS, server.id(), rep, r.rssPerConnection() / 1024);
                    record(Metric.SERVER_HEAP, server.id(), rep, r.heapPerConnection() / 1024);
                    record(Metric.SERVER_CONNECT, server.id(), rep, r.connectsPerSecond());
                    record(Metric.SERVER_CONNECT_CPU, server.id(), rep, r.cpuPerConnection() / 1000);
                } else {
                    fail(List.of(Metric.SERVER_RSS, Metric.SERVER_HEAP, Metric.SERVER_CONNECT,
                            Metric.SERVER_CONNECT_CPU), server.id(), rep, r.error());
                }
                return;
            }
            if (scenario == Scenario.BROADCAST) {
                if (commonRate.isPresent()) {
                    broadcast.latency(server.id(), target, rep, commonRate.get());
                } else {
                    broadcast.saturation(server.id(), target, rep);
                }
                return;
            }
            if (scenario == Scenario.HELD) {
                held(server, target, probe(jvm), rep);
                return;
            }
            LoadResult r = generate(target, scenario);
            switch (scenario) {
                case LATENCY -> {
                    if (r.ok()) {
                        record(Metric.SERVER_P50, server.id(), rep, r.p50Nanos() / 1000.0);
                        record(Metric.SERVER_P99, server.id(), rep, r.p99Nanos() / 1000.0);
                    } else {
                        fail(List.of(Metric.SERVER_P50, Metric.SERVER_P99), server.id(), rep, r.error());
                    }
                }
                case SMALL -> result(Metric.SERVER_SMALL, server.id(), rep, r);
                case LARGE -> result(Metric.SERVER_LARGE, server.id(), rep, r);
                case COMPRESSED -> {
                    result(Metric.SERVER_COMPRESSED, server.id(), rep, r);
                    result(Metric.SERVER_COMPRESSED_MIB, server.id(), rep, r);
                }
                case CONNECTIONS, BROADCAST, HELD, RELIABLE, CLOSE -> throw new IllegalStateException("handled above");
            }
        } catch (Connector.NotNegotiated e) {
            for (Metric m : metricsOf(scenario, Metric.Side.SERVER)) {
                results.notApplicable(m, server.id(), "no permessage-deflate");
            }
            System.out.printf(Locale.ROOT, "rep %d/%d  server %-42s %-15s n/a: %s%n", rep + 1, options.reps,
                    Metric.SERVER_COMPRESSED.title, Report.title(server.id()), e.getMessage());
        } catch (IOException | RuntimeException e) {
            fail(metrics, server.id(), rep, describe(e));
        }
    }

    /** Asks the server in {@code jvm} about itself, over its standard input and output ({@link EchoMain}). */
    private static IdleConnections.ServerProbe probe(Jvm jvm) {
        return new IdleConnections.ServerProbe() {
            @Override
            public IdleConnections.Memory memory() throws IOException {
                jvm.send("stats");
                String[] f = jvm.await("STATS ", START_TIMEOUT).trim().split(" ");
                return new IdleConnections.Memory(Long.parseLong(f[0]), Long.parseLong(f[1]));
            }

            @Override
            public long compileMillis() throws IOException {
                jvm.send("jit");
                return Long.parseLong(jvm.await("JIT ", START_TIMEOUT).trim());
            }

            @Override
            public IdleConnections.Cpu cpu() throws IOException {
                jvm.send("cpu");
                String[] f = jvm.await("CPU ", START_TIMEOUT).trim().split(" ");
                return new IdleConnections.Cpu(Long.parseLong(f[0]), Long.parseLong(f[1]));
            }
        };
    }

    /**
     * The held-connections scenario against {@code server}, started with keepalive on: as many connections as asked,
     * or as this process's descriptor limit allows (the server's is the same: {@code bench/run} starts both).
     */
    private void held(Servers server, Target target, IdleConnections.ServerProbe probe, int rep) {
        int count = (int) Math.min(options.held, Machine.maxDescriptors() - DESCRIPTORS_SPARE);
        HeldConnections.Result r = HeldConnections.run(target, count, Duration.ofSeconds(options.hold), probe);
        if (!r.ok()) {
            fail(metricsOf(Scenario.HELD, Metric.Side.SERVER), server.id(), rep, r.error());
            return;
        }
        results.note(String.format(Locale.ROOT, "held, %s, run %d: %,d connections%s held %d s; %,d Pings answered"
                + " (%,d connections pinged)", Report.title(server.id()), rep + 1, r.connections(),
                count < options.held ? " (of " + String.format(Locale.ROOT, "%,d", options.held)
                        + " asked: the descriptor limit is " + String.format(Locale.ROOT, "%,d",
                                Machine.maxDescriptors()) + ")" : "",
                r.held().toSeconds(), r.pings(), r.pinged()));
        record(Metric.SERVER_HELD_RSS, server.id(), rep, r.rssPerConnection() / 1024);
        record(Metric.SERVER_HELD_HEAP, server.id(), rep, r.heapPerConnection() / 1024);
        record(Metric.SERVER_HELD_CPU, server.id(), rep, 100 * r.idleCpu());
    }

    /** Where the scenarios that run outside this class record. */
    private SessionScenarios.Sink sink() {
        return new SessionScenarios.Sink() {
            @Override
            public void record(Metric metric, String subject, int rep, double value) {
                Compare.this.record(metric, subject, rep, value);
            }

            @Override
            public void fail(List<Metric> metrics, String subject, int rep, String error) {
                Compare.this.fail(metrics, subject, rep, error);
            }

            @Override
            public void notApplicable(Metric metric, String subject, String reason) {
                results.notApplicable(metric, subject, reason);
            }

            @Override
            public void note(String note) {
                results.note(note);
            }
        };
    }

    private LoadResult generate(Target target, Scenario scenario) throws IOException {
        Opened opened = Connector.open(target, scenario.connections(), 64, START_TIMEOUT);
        try {
            return EchoLoad.run(opened.channels(), EchoLoad.Plan.timed(scenario, target.raw(),
                    Duration.ofSeconds(options.warmup), Duration.ofSeconds(options.seconds)));
        } finally {
            opened.abort();
        }
    }

    private void clientRun(String client, Scenario scenario, int rep) {
        Metric metric = scenario == Scenario.SMALL ? Metric.CLIENT_SMALL : Metric.CLIENT_LARGE;
        Path log = options.logs.resolve("fixed-server.log");
        try (Jvm server = Jvm.start(pinned ? SERVER_CORE : -1, EchoMain.class, List.of(Servers.FIXED.id()), List.of(),
                log)) {
            int port = Integer.parseInt(server.await("READY ", START_TIMEOUT).trim());
            LoadResult r;
            if (client.equals(GENERATOR)) {
                r = generate(Target.webSocket(port), scenario);
            } else {
                List<String> args = List.of(client, scenario.id(), "ws://127.0.0.1:" + port + "/",
                        Long.toString(options.warmup * 1000L), Long.toString(options.seconds * 1000L));
                try (Jvm jvm = Jvm.start(pinned ? CLIENT_CORE : -1, ClientMain.class, args, List.of(),
                        options.logs.resolve("client-" + client + ".log"))) {
                    Duration bound = START_TIMEOUT.plusSeconds(options.warmup + options.seconds);
                    r = LoadResult.parse(jvm.await(ClientMain.PREFIX, bound).trim());
                }
            }
            result(metric, client, rep, r);
        } catch (IOException | RuntimeException e) {
            fail(List.of(metric), client, rep, describe(e));
        }
    }

    private void result(Metric metric, String subject, int rep, LoadResult r) {
        if (!r.ok()) {
            fail(List.of(metric), subject, rep, r.error());
        } else {
            record(metric, subject, rep, metric.unit.equals("MiB/s") ? r.mibPerSecond() : r.messagesPerSecond());
        }
    }

    /** "; cores busy meanwhile: server 60 %, load 85 %" when pinned (else per core), or nothing if unknown. */
    private String coresBusy(List<Double> busy) {
        if (busy.isEmpty()) {
            return "";
        }
        if (pinned && busy.size() > Math.max(SERVER_CORE, CLIENT_CORE)) {
            return String.format(Locale.ROOT, "; cores busy meanwhile: server %.0f %%, load %.0f %%",
                    100 * busy.get(SERVER_CORE), 100 * busy.get(CLIENT_CORE));
        }
        List<String> each = new ArrayList<>();
        for (int c = 0; c < busy.size(); c++) {
            each.add(String.format(Locale.ROOT, "core %d %.0f %%", c, 100 * busy.get(c)));
        }
        return "; cores busy meanwhile: " + String.join(", ", each);
    }

    private void record(Metric metric, String subject, int rep, double value) {
        results.add(metric, subject, value);
        System.out.printf(Locale.ROOT, "rep %d/%d  %-6s %-42s %-15s %s %s%n", rep + 1, options.reps,
                metric.side.name().toLowerCase(Locale.ROOT), metric.title, Report.title(subject), metric.format(value),
                metric.unit);
    }

    private void fail(List<Metric> metrics, String subject, int rep, String error) {
        for (Metric m : metrics) {
            results.fail(m, subject, error);
        }
        System.out.printf(Locale.ROOT, "rep %d/%d  %-6s %-42s %-15s ERROR %s%n", rep + 1, options.reps,
                metrics.get(0).side.name().toLowerCase(Locale.ROOT), metrics.get(0).title, Report.title(subject),
                error);
    }

    /** An unexpected exception, with where it was thrown (a harness bug must be findable from the report). */
    private static String describe(Exception e) {
        StackTraceElement[] at = e.getStackTrace();
        return e + (e instanceof RuntimeException && at.length > 0 ? " at " + at[0] : "");
    }

    private static List<Metric> metricsOf(Scenario s, Metric.Side side) {
        return switch (s) {
            case LATENCY -> List.of(Metric.SERVER_P50, Metric.SERVER_P99);
            case SMALL -> List.of(side == Metric.Side.SERVER ? Metric.SERVER_SMALL : Metric.CLIENT_SMALL);
            case LARGE -> List.of(side == Metric.Side.SERVER ? Metric.SERVER_LARGE : Metric.CLIENT_LARGE);
            case CONNECTIONS -> List.of(Metric.SERVER_RSS, Metric.SERVER_HEAP, Metric.SERVER_CONNECT,
                    Metric.SERVER_CONNECT_CPU);
            case COMPRESSED -> List.of(Metric.SERVER_COMPRESSED, Metric.SERVER_COMPRESSED_MIB);
            case BROADCAST -> BroadcastScenario.SATURATION;
            case HELD -> List.of(Metric.SERVER_HELD_RSS, Metric.SERVER_HELD_HEAP, Metric.SERVER_HELD_CPU);
            case RELIABLE -> SessionScenarios.RELIABLE;
            case CLOSE -> SessionScenarios.CLOSE;
        };
    }

    /** The subjects in the order of repetition {@code rep}: Lifeline first in one, last in another. */
    private static List<String> rotate(List<String> subjects, int rep) {
        List<String> order = new ArrayList<>(subjects);
        if (!order.isEmpty()) {
            java.util.Collections.rotate(order, -(rep % order.size()));
        }
        return order;
    }

    /** Command-line options. */
    record Options(boolean quick, int reps, int seconds, int warmup, int connections, int subscribers,
            int broadcastSize, int held, int hold, List<Scenario> scenarios,
            List<String> servers, List<String> clients, Path out, Path logs, String command) {

        static Options parse(String[] args) {
            boolean quick = List.of(args).contains("--quick");
            int reps = quick ? 1 : 3;
            int seconds = quick ? 3 : 10;
            int warmup = quick ? 1 : 3;
            int connections = Scenario.CONNECTIONS.connections();
            int subscribers = Scenario.BROADCAST.connections();
            int broadcastSize = Scenario.BROADCAST.payload().size();
            int held = Scenario.HELD.connections();
            int hold = quick ? 30 : 180;
            List<Scenario> scenarios = java.util.Arrays.stream(Scenario.values()).filter(s -> s != Scenario.HELD)
                    .toList();
            List<String> servers = new ArrayList<>(List.of("lifeline", "netty", "jetty", "java-websocket"));
            if (Jvm.nodeScript().isPresent()) {
                servers.add(Servers.NODE_WS.id()); // bench/run installs its ws package when Node is there
            }
            servers.add("raw-tcp");
            List<String> clients = new ArrayList<>(Clients.ids());
            clients.add(GENERATOR);
            Path out = Path.of("bench", "results");
            Path logs = Path.of("bench", "target", "logs");
            String command = "./bench/run" + (quick ? " --quick" : "");
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--quick" -> { }
                    case "--reps" -> reps = Integer.parseInt(args[++i]);
                    case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                    case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                    case "--connections" -> connections = Integer.parseInt(args[++i]);
                    case "--subscribers" -> subscribers = Integer.parseInt(args[++i]);
                    case "--broadcast-size" -> broadcastSize = Integer.parseInt(args[++i]);
                    case "--held" -> held = Integer.parseInt(args[++i]);
                    case "--hold" -> hold = Integer.parseInt(args[++i]);
                    case "--scenarios" -> scenarios = list(args[++i]).stream().map(Scenario::of).toList();
                    case "--servers" -> servers = list(args[++i]);
                    case "--clients" -> clients = list(args[++i]);
                    case "--out" -> out = Path.of(args[++i]);
                    case "--logs" -> logs = Path.of(args[++i]);
                    case "--command" -> command = args[++i];
                    default -> throw new IllegalArgumentException("unknown option " + a + "; options: --quick --reps N"
                            + " --seconds N --warmup N --connections N --subscribers N --broadcast-size N --held N"
                            + " --hold SECONDS --scenarios a,b --servers a,b --clients a,b"
                            + " --out DIR --logs DIR --command TEXT");
                }
            }
            servers.forEach(Servers::of);
            clients.stream().filter(c -> !c.equals(GENERATOR)).forEach(Clients::of);
            return new Options(quick, reps, seconds, warmup, connections, subscribers, broadcastSize, held, hold,
                    scenarios, servers, clients, out, logs, command);
        }

        private static List<String> list(String csv) {
            return csv.isEmpty() ? List.of() : List.of(csv.split(","));
        }
    }
}
