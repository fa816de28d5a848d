package dev.lifeline.bench.load;

/**
 * The traffic of one comparison scenario: how many connections, how many messages in flight on each, and the
 * messages' size and kind. {@link #CONNECTIONS} is measured differently (idle connections, see
 * {@link IdleConnections}); its message is the one each connection echoes once to prove it is alive.
 * {@link #COMPRESSED} runs against servers started with permessage-deflate.
 */
public enum Scenario {
    /** One connection, 64-byte text messages, one at a time: round-trip time. */
    LATENCY(1, 1, 64, true),
    /** 64 connections with 16 messages in flight each, 64-byte text: messages per second. */
    SMALL(64, 16, 64, true),
    /** One connection, 1 MiB binary messages, 4 in flight: MiB per second. */
    LARGE(1, 4, 1 << 20, false),
    /** Many idle connections: memory per connection and connect rate. */
    CONNECTIONS(10_000, 1, 64, true),
    /**
     * 16 connections with 16 messages in flight each, 1 KiB JSON text compressed with permessage-deflate without
     * context takeover (RFC 7692): messages per second ({@link DeflatedTraffic}).
     */
    COMPRESSED(16, 16, 1024, true),
    /**
     * Broadcast fan-out ({@link BroadcastLoad}): 10,000 connections to a server in its broadcast mode, one of them
     * publishing 64-byte text messages at rising rates: deliveries per second at saturation, then the
     * publish-to-receive latency at half that rate.
     */
    BROADCAST(10_000, 1, 64, true),
    /**
     * The reliable layer's cost (issue 18, {@code dev.lifeline.bench.reliable.AckedLoad}): Lifeline's clients send
     * 64-byte text messages, 16 connections with 16 unanswered each, to an echo over plain WebSocket and to a reliable
     * echo over reliable sessions: echoed against acknowledged messages per second; then one connection, one message
     * at a time, for the latency of the answer.
     */
    RELIABLE(16, 16, 64, true),
    /**
     * Close detection (issue 18, {@code dev.lifeline.bench.closing.CloseDetection}): connections ended one at a time
     * by a Close frame, then by a TCP reset; from the moment it leaves the peer to the server library's callback.
     */
    CLOSE(1_000, 1, 64, true),
    /**
     * 100,000 connections (or as many as the descriptor limit allows) held idle for minutes against servers with
     * keepalive on ({@link HeldConnections}): memory per connection and the server's CPU while idle; then one echo
     * on each. Not in a default run (it takes minutes per server): asked for by name.
     */
    HELD(100_000, 1, 64, true);

    private final int connections;
    private final int inFlight;
    private final int size;
    private final boolean text;

    Scenario(int connections, int inFlight, int size, boolean text) {
        this.connections = connections;
        this.inFlight = inFlight;
        this.size = size;
        this.text = text;
    }

    public int connections() {
        return connections;
    }

    public int inFlight() {
        return inFlight;
    }

    public Payload payload() {
        return Payload.of(size, text);
    }

    /** What the load generator sends: compressed JSON documents for {@link #COMPRESSED}, else the payload. */
    public Traffic traffic() {
        return deflate() ? new DeflatedTraffic(size) : new PlainTraffic(payload());
    }

    /** Whether the connections must negotiate permessage-deflate. */
    public boolean deflate() {
        return this == COMPRESSED;
    }

    /** The name used on the command line and in reports. */
    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Scenario of(String id) {
        return valueOf(id.toUpperCase(java.util.Locale.ROOT));
    }
}
