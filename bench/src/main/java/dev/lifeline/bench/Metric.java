package dev.lifeline.bench;

import java.util.Locale;

/** A figure the comparison reports, with its unit and which way is better. */
enum Metric {
    SERVER_P50(Side.SERVER, "latency p50 (1 connection, 64 B)", "µs", false),
    SERVER_P99(Side.SERVER, "latency p99 (1 connection, 64 B)", "µs", false),
    SERVER_SMALL(Side.SERVER, "small messages (64 × 16 in flight, 64 B)", "msg/s", true),
    SERVER_LARGE(Side.SERVER, "large messages (1 MiB, 4 in flight)", "MiB/s", true),
    SERVER_RSS(Side.SERVER, "idle connections: RSS per connection", "KiB", false),
    SERVER_HEAP(Side.SERVER, "idle connections: heap per connection", "KiB", false),
    SERVER_CONNECT(Side.SERVER, "connect rate (TCP + handshake)", "conn/s", true),
    SERVER_CONNECT_CPU(Side.SERVER, "connect: server CPU per connection (JIT compilers left out)", "µs", false),
    SERVER_COMPRESSED(Side.SERVER, "compressed echo (16 × 16 in flight, 1 KiB JSON, deflate)", "msg/s", true),
    SERVER_COMPRESSED_MIB(Side.SERVER, "compressed echo (16 × 16 in flight, 1 KiB JSON, deflate), payload",
            "MiB/s", true),
    SERVER_BROADCAST(Side.SERVER, "broadcast fan-out at saturation (one message to every connection)", "deliveries/s",
            true),
    SERVER_BROADCAST_P50(Side.SERVER, "broadcast latency p50 at the common rate (half the slowest server's"
            + " saturation)", "µs", false),
    SERVER_BROADCAST_P99(Side.SERVER, "broadcast latency p99 at the common rate (half the slowest server's"
            + " saturation)", "µs", false),
    SERVER_BROADCAST_OWN_P50(Side.SERVER, "broadcast latency p50 at half its own saturation rate", "µs", false),
    SERVER_BROADCAST_OWN_P99(Side.SERVER, "broadcast latency p99 at half its own saturation rate", "µs", false),
    SERVER_HELD_RSS(Side.SERVER, "held connections, keepalive on: RSS per connection", "KiB", false),
    SERVER_HELD_HEAP(Side.SERVER, "held connections, keepalive on: heap per connection", "KiB", false),
    SERVER_HELD_CPU(Side.SERVER, "held connections, keepalive on: server CPU while idle (JIT left out)",
            "% of a core", false),
    SERVER_PLAIN_ECHOED(Side.SERVER, "reliable layer: plain echo, Lifeline's client (16 × 16 in flight, 64 B)",
            "msg/s", true),
    SERVER_RELIABLE_ACKED(Side.SERVER, "reliable layer: acknowledged, ReliableClient (16 × 16 in flight, 64 B)",
            "msg/s", true),
    SERVER_PLAIN_P99(Side.SERVER, "reliable layer: plain echo round trip p99 (1 connection, 1 at a time)", "µs",
            false),
    SERVER_RELIABLE_ACK_P50(Side.SERVER, "reliable layer: send to acknowledgement p50 (1 connection, 1 at a time)",
            "µs", false),
    SERVER_RELIABLE_ACK_P99(Side.SERVER, "reliable layer: send to acknowledgement p99 (1 connection, 1 at a time)",
            "µs", false),
    SERVER_CLOSE_P50(Side.SERVER, "close detection: Close frame sent to the server's callback, p50", "µs", false),
    SERVER_CLOSE_P99(Side.SERVER, "close detection: Close frame sent to the server's callback, p99", "µs", false),
    SERVER_RESET_P50(Side.SERVER, "close detection: TCP reset to the server's callback, p50", "µs", false),
    SERVER_RESET_P99(Side.SERVER, "close detection: TCP reset to the server's callback, p99", "µs", false),
    SERVER_CLOSE_MISSED(Side.SERVER, "close detection: Close frames not reported within 5 s", "connections", false),
    SERVER_RESET_MISSED(Side.SERVER, "close detection: TCP resets not reported within 5 s", "connections", false),
    CLIENT_SMALL(Side.CLIENT, "small messages (64 × 16 in flight, 64 B)", "msg/s", true),
    CLIENT_LARGE(Side.CLIENT, "large messages (1 MiB, 4 in flight)", "MiB/s", true);

    /** Which comparison a metric belongs to, and the subject that is its physical reference. */
    enum Side {
        SERVER("raw-tcp", "raw TCP"),
        CLIENT("generator", "our generator");

        final String reference;
        final String referenceTitle;

        Side(String reference, String referenceTitle) {
            this.reference = reference;
            this.referenceTitle = referenceTitle;
        }
    }

    final Side side;
    final String title;
    final String unit;
    final boolean higherIsBetter;

    Metric(Side side, String title, String unit, boolean higherIsBetter) {
        this.side = side;
        this.title = title;
        this.unit = unit;
        this.higherIsBetter = higherIsBetter;
    }

    /** True when {@code a} is better than {@code b}. */
    boolean better(double a, double b) {
        return higherIsBetter ? a > b : a < b;
    }

    String format(double v) {
        if (v >= 100) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        return String.format(Locale.ROOT, v >= 10 ? "%.1f" : "%.2f", v);
    }
}
