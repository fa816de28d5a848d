package dev.lifeline.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/** The markdown report of a comparison: one table per side, the targets, and the errors. */
final class Report {
    static final String LIFELINE = "lifeline";
    /** Lifeline's echo with the Micrometer binding on (issue 17), when it takes part. */
    static final String MEASURED = "lifeline-metrics";
    /** {@code lifeline serve} (issue 18), when it takes part. */
    static final String SERVE = "lifeline-serve";

    private final Results results;
    private final List<String> servers;
    private final List<String> clients;

    Report(Results results, List<String> servers, List<String> clients) {
        this.results = results;
        this.servers = servers;
        this.clients = clients;
    }

    static String title(String subject) {
        return switch (subject) {
            case "lifeline" -> "Lifeline";
            case MEASURED -> "Lifeline with metrics";
            case SERVE -> "lifeline serve";
            case "netty" -> "Netty";
            case "jetty" -> "Jetty";
            case "java-websocket" -> "Java-WebSocket";
            case "node-ws" -> "Node's ws";
            case "raw-tcp" -> "raw TCP";
            case "jdk" -> "JDK";
            case "okhttp" -> "OkHttp";
            case "generator" -> "our generator";
            default -> subject;
        };
    }

    /** The subjects of a side, in report order: Lifeline, the peers, the reference. */
    List<String> subjects(Metric.Side side) {
        return side == Metric.Side.SERVER ? servers : clients;
    }

    List<String> peers(Metric.Side side) {
        return subjects(side).stream().filter(s -> !s.equals(LIFELINE) && !s.equals(MEASURED)
                && !s.equals(SERVE) && !s.equals(side.reference)).toList();
    }

    String markdown(List<String> header) {
        StringBuilder md = new StringBuilder();
        header.forEach(line -> md.append(line).append('\n'));
        table(md, Metric.Side.SERVER, "Servers", "echo server under test on core 0, our load generator on core 1");
        table(md, Metric.Side.CLIENT, "Clients", "client under test on core 1, the fixed fast echo server on core 0");
        targets(md);
        errors(md);
        if (!results.notes().isEmpty()) {
            md.append("\n## Notes\n\n");
            results.notes().forEach(n -> md.append("- ").append(n).append('\n'));
        }
        return md.toString();
    }

    private void table(StringBuilder md, Metric.Side side, String name, String setup) {
        List<String> subjects = subjects(side);
        if (subjects.isEmpty()) {
            return;
        }
        md.append("\n## ").append(name).append(" (").append(setup).append(")\n\n| figure |");
        subjects.forEach(s -> md.append(' ').append(title(s)).append(" |"));
        md.append(" Lifeline ÷ best peer | Lifeline ÷ ").append(side.referenceTitle).append(" |\n|---|");
        md.append("---:|".repeat(subjects.size() + 2)).append('\n');
        for (Metric m : Metric.values()) {
            if (m.side != side || subjects.stream().noneMatch(s -> measured(m, s))) {
                continue;
            }
            md.append("| ").append(m.title).append(", ").append(m.unit).append(m.higherIsBetter ? " ↑" : " ↓")
                    .append(" |");
            for (String s : subjects) {
                md.append(' ').append(cell(m, s)).append(" |");
            }
            Optional<Map.Entry<String, Double>> best = results.best(m, peers(side));
            md.append(' ').append(best.map(b -> ratio(m, LIFELINE, b.getValue()).map(r -> r + " (" + title(b.getKey())
                    + ")").orElse("—")).orElse("—")).append(" |");
            OptionalDouble ref = results.median(m, side.reference);
            md.append(' ').append(ref.isPresent() ? ratio(m, LIFELINE, ref.getAsDouble()).orElse("—") : "—")
                    .append(" |\n");
        }
    }

    /** Whether the subject ran this metric at all (with a figure, an error, or a reason it cannot). */
    boolean measured(Metric m, String subject) {
        return results.median(m, subject).isPresent() || results.error(m, subject).isPresent()
                || results.notApplicable(m, subject).isPresent();
    }

    /** A subject's median, or why there is none: "error", "n/a (reason)", or "—" when it did not run. */
    String cell(Metric m, String subject) {
        OptionalDouble v = results.median(m, subject);
        if (v.isPresent()) {
            return m.format(v.getAsDouble());
        }
        return results.notApplicable(m, subject).map(r -> "n/a (" + r + ")")
                .orElse(results.error(m, subject).isPresent() ? "error" : "—");
    }

    private Optional<String> ratio(Metric m, String subject, double to) {
        OptionalDouble v = results.median(m, subject);
        return v.isPresent() && to > 0 ? Optional.of(String.format(Locale.ROOT, "%.2f", v.getAsDouble() / to))
                : Optional.empty();
    }

    private void targets(StringBuilder md) {
        List<String[]> rows = new ArrayList<>();
        rows.add(target("server, small messages: ≥ 1.2 × Netty", Metric.SERVER_SMALL, "netty", 1.2, true));
        rows.add(target("server, 1 MiB messages: ≥ 0.8 × raw TCP", Metric.SERVER_LARGE, "raw-tcp", 0.8, true));
        rows.add(absolute("server, idle: ≤ 4 KiB RSS per connection", Metric.SERVER_RSS, 4.0));
        rows.add(target("server, connect rate: ≥ Netty's", Metric.SERVER_CONNECT, "netty", 1.0, true));
        rows.add(bestPeer("server, latency p99: ≤ the best peer's", Metric.SERVER_P99));
        rows.add(target("client, small messages: ≥ Netty's", Metric.CLIENT_SMALL, "netty", 1.0, true));
        rows.add(target("client, 1 MiB messages: ≥ Netty's", Metric.CLIENT_LARGE, "netty", 1.0, true));
        if (results.median(Metric.SERVER_BROADCAST, LIFELINE).isPresent()) {
            rows.add(bestPeer("server, broadcast deliveries: ≥ 1.5 × the best peer's (issue 18)",
                    Metric.SERVER_BROADCAST, 1.5, true));
            // like for like: every server at the same rate, below the slowest one's saturation
            rows.add(bestPeer("server, broadcast latency p99 at the common rate: ≤ the best peer's (issue 18)",
                    Metric.SERVER_BROADCAST_P99, 1.0, false));
            BroadcastScenario.commonRate(results, servers).ifPresent(rate -> rows.get(rows.size() - 1)[1] +=
                    ", at " + rate.describe());
        }
        if (results.median(Metric.SERVER_HELD_RSS, LIFELINE).isPresent()) {
            rows.add(absolute("server, held connections: ≤ 3 KiB RSS per connection (issue 18)",
                    Metric.SERVER_HELD_RSS, 3.0));
            rows.add(absolute("server, held connections: idle CPU < 5 % of a core (issue 18)",
                    Metric.SERVER_HELD_CPU, 5.0));
        }
        if (servers.contains(MEASURED)) {
            rows.add(target("server, small messages with metrics: ≥ 0.95 × without (issue 17)", Metric.SERVER_SMALL,
                    MEASURED, LIFELINE, 0.95, true));
            rows.add(target("server, latency p99 with metrics: ≤ 1.05 × without (issue 17)", Metric.SERVER_P99,
                    MEASURED, LIFELINE, 1.05, false));
        }
        if (results.median(Metric.SERVER_RELIABLE_ACKED, LIFELINE).isPresent()) {
            rows.add(ratio("reliable layer: acknowledged ≥ 0.6 × plain echo (issue 18)",
                    Metric.SERVER_RELIABLE_ACKED, Metric.SERVER_PLAIN_ECHOED, 0.6));
            rows.add(absolute("reliable layer: acknowledgement p99 < 1 ms (issue 18)", Metric.SERVER_RELIABLE_ACK_P99,
                    1000));
        }
        if (results.median(Metric.SERVER_CLOSE_P99, LIFELINE).isPresent()) {
            rows.add(absolute("close detection: p99 < 1 ms (issue 18)", Metric.SERVER_CLOSE_P99, 1000));
        }
        if (servers.contains(SERVE)) {
            rows.add(target("lifeline serve, small messages: ≥ 0.8 × the library's echo (issue 18)",
                    Metric.SERVER_SMALL, SERVE, LIFELINE, 0.8, true));
            rows.add(target("lifeline serve, idle: ≤ 1.2 × the library's RSS per connection (issue 18)",
                    Metric.SERVER_RSS, SERVE, LIFELINE, 1.2, false));
        }
        md.append("\n## Targets (issue 5)\n\n| target | measured | met |\n|---|---:|:---:|\n");
        for (String[] r : rows) {
            md.append("| ").append(r[0]).append(" | ").append(r[1]).append(" | ").append(r[2]).append(" |\n");
        }
    }

    private String[] target(String name, Metric m, String other, double factor, boolean atLeast) {
        return target(name, m, LIFELINE, other, factor, atLeast);
    }

    /** {@code subject}'s median over {@code other}'s, against {@code factor}. */
    private String[] target(String name, Metric m, String subject, String other, double factor, boolean atLeast) {
        OptionalDouble l = results.median(m, subject);
        OptionalDouble o = results.median(m, other);
        if (l.isEmpty() || o.isEmpty() || o.getAsDouble() == 0) {
            return new String[] {name, "no figure", "—"};
        }
        double r = l.getAsDouble() / o.getAsDouble();
        boolean met = atLeast ? r >= factor : r <= factor;
        return new String[] {name, String.format(Locale.ROOT, "%.2f ×", r), met ? "yes" : "**no**"};
    }

    /** Lifeline's median of {@code m} over its median of {@code base}, at least {@code factor}. */
    private String[] ratio(String name, Metric m, Metric base, double factor) {
        OptionalDouble l = results.median(m, LIFELINE);
        OptionalDouble b = results.median(base, LIFELINE);
        if (l.isEmpty() || b.isEmpty() || b.getAsDouble() == 0) {
            return new String[] {name, "no figure", "—"};
        }
        double r = l.getAsDouble() / b.getAsDouble();
        return new String[] {name, String.format(Locale.ROOT, "%.2f ×", r), r >= factor ? "yes" : "**no**"};
    }

    private String[] absolute(String name, Metric m, double limit) {
        OptionalDouble l = results.median(m, LIFELINE);
        if (l.isEmpty()) {
            return new String[] {name, "no figure", "—"};
        }
        return new String[] {name, m.format(l.getAsDouble()) + " " + m.unit,
            l.getAsDouble() <= limit ? "yes" : "**no**"};
    }

    private String[] bestPeer(String name, Metric m) {
        return bestPeer(name, m, 1.0, false);
    }

    /** Lifeline's median over the best peer's, against {@code factor}. */
    private String[] bestPeer(String name, Metric m, double factor, boolean atLeast) {
        Optional<Map.Entry<String, Double>> best = results.best(m, peers(m.side));
        if (best.isEmpty()) {
            return new String[] {name, "no figure", "—"};
        }
        String[] r = target(name, m, best.get().getKey(), factor, atLeast);
        r[1] += " " + title(best.get().getKey());
        return r;
    }

    private void errors(StringBuilder md) {
        StringBuilder e = new StringBuilder();
        for (Metric m : Metric.values()) {
            for (String s : subjects(m.side)) {
                results.error(m, s).ifPresent(err -> e.append("- ").append(m.side.name().toLowerCase(Locale.ROOT))
                        .append(", ").append(m.title).append(", ").append(title(s)).append(": ").append(err)
                        .append('\n'));
            }
        }
        if (!e.isEmpty()) {
            md.append("\n## Errors (no figure is shown for these)\n\n").append(e);
        }
    }
}
