package dev.lifeline;

import dev.lifeline.protocol.ProtocolConfig;
import dev.lifeline.protocol.extension.ExtensionFactory;
import dev.lifeline.protocol.handshake.HeadLimits;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Timeouts, limits and extensions of a connection; the same for clients and servers. Start from {@link #DEFAULT}
 * and change what you need: {@code WebSocketOptions.DEFAULT.withKeepalive(Duration.ofSeconds(5), Duration.ofSeconds(5))}.
 *
 * @param openTimeout bound on TCP connect + TLS + opening handshake (client), and on receiving the handshake
 *        request (server); 10 s
 * @param closeTimeout bound on the closing handshake, after which TCP is dropped; 10 s
 * @param pingInterval how often a keepalive Ping is sent; {@link Duration#ZERO} turns keepalive off; 20 s
 * @param pingTimeout how long a keepalive Ping may go unanswered before the connection fails with 1011; 20 s
 * @param writeTimeout how long a write may stay blocked (the peer does not read) before the connection is
 *        dropped; 30 s
 * @param writeLimit bytes that concurrent senders may queue behind a blocked write before further {@code send()}
 *        calls wait (each returns once its message is handed to TCP); {@code broadcast} skips a connection with
 *        more waiting; 32 KiB
 * @param maxMessageSize largest incoming message (1009 beyond it); 1 MiB
 * @param maxFrameSize largest incoming frame (1009 beyond it); same as maxMessageSize by default
 * @param maxQueue incoming messages that may wait for {@code receive()}; with more, the reader stops reading the
 *        socket until the application takes some (TCP then pushes back on the peer); 16
 * @param maxQueueBytes the same bound in bytes; 16 MiB
 * @param headLimits bounds on the opening handshake's HTTP head; 8 KiB, 128 headers
 * @param extensions extensions to offer (client) or accept (server); none by default
 * @param batchReplies whether the receiving thread's sends are batched (see {@link #withBatchedReplies}); on
 * @param metrics told about connections, messages, keepalive and backpressure (see {@link WebSocketMetrics});
 *        {@link WebSocketMetrics#NONE} by default
 */
public record WebSocketOptions(
        Duration openTimeout,
        Duration closeTimeout,
        Duration pingInterval,
        Duration pingTimeout,
        Duration writeTimeout,
        int writeLimit,
        int maxMessageSize,
        int maxFrameSize,
        int maxQueue,
        long maxQueueBytes,
        HeadLimits headLimits,
        List<ExtensionFactory> extensions,
        boolean batchReplies,
        WebSocketMetrics metrics) {

    public static final WebSocketOptions DEFAULT = new WebSocketOptions(
            Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(20), Duration.ofSeconds(20),
            Duration.ofSeconds(30), 32 * 1024, 1 << 20, 1 << 20, 16, 16L << 20, HeadLimits.DEFAULT, List.of(),
            true, WebSocketMetrics.NONE);

    public WebSocketOptions {
        positive(openTimeout, "openTimeout");
        positive(closeTimeout, "closeTimeout");
        Objects.requireNonNull(pingInterval, "pingInterval");
        if (pingInterval.isNegative()) {
            throw new IllegalArgumentException("pingInterval must not be negative");
        }
        positive(pingTimeout, "pingTimeout");
        positive(writeTimeout, "writeTimeout");
        if (writeLimit <= 0 || maxMessageSize <= 0 || maxFrameSize <= 0 || maxQueue <= 0 || maxQueueBytes <= 0) {
            throw new IllegalArgumentException("limits must be positive");
        }
        Objects.requireNonNull(headLimits, "headLimits");
        extensions = List.copyOf(extensions);
        Objects.requireNonNull(metrics, "metrics");
    }

    public WebSocketOptions withOpenTimeout(Duration d) {
        return with(o -> o.openTimeout = d);
    }

    public WebSocketOptions withCloseTimeout(Duration d) {
        return with(o -> o.closeTimeout = d);
    }

    /** Keepalive: a Ping every {@code interval}, failing with 1011 if unanswered after {@code timeout}. */
    public WebSocketOptions withKeepalive(Duration interval, Duration timeout) {
        return with(o -> {
            o.pingInterval = interval;
            o.pingTimeout = timeout;
        });
    }

    /** No keepalive pings. */
    public WebSocketOptions withoutKeepalive() {
        return withKeepalive(Duration.ZERO, pingTimeout);
    }

    public WebSocketOptions withWriteTimeout(Duration d) {
        return with(o -> o.writeTimeout = d);
    }

    public WebSocketOptions withWriteLimit(int bytes) {
        return with(o -> o.writeLimit = bytes);
    }

    /** Sets both the message and the frame limit. */
    public WebSocketOptions withMaxMessageSize(int bytes) {
        return with(o -> {
            o.maxMessageSize = bytes;
            o.maxFrameSize = bytes;
        });
    }

    public WebSocketOptions withMaxFrameSize(int bytes) {
        return with(o -> o.maxFrameSize = bytes);
    }

    public WebSocketOptions withMaxQueue(int messages, long bytes) {
        return with(o -> {
            o.maxQueue = messages;
            o.maxQueueBytes = bytes;
        });
    }

    public WebSocketOptions withHeadLimits(HeadLimits limits) {
        return with(o -> o.headLimits = limits);
    }

    public WebSocketOptions withExtensions(List<ExtensionFactory> factories) {
        return with(o -> o.extensions = factories);
    }

    /**
     * Batched replies (on by default): sends made by the thread that is receiving, while more received messages
     * wait for it, are written together before it next waits in {@code receive()} (or by the watchdog within about
     * 50 ms), one system call per batch instead of one per frame. Off, every {@code send()} returns only once its
     * frame is handed to TCP, at the cost of a system call per message under load.
     */
    public WebSocketOptions withBatchedReplies(boolean on) {
        return with(o -> o.batchReplies = on);
    }

    /** Connections made with these options tell {@code metrics} what happens to them. */
    public WebSocketOptions withMetrics(WebSocketMetrics metrics) {
        return with(o -> o.metrics = metrics);
    }

    /** Whether keepalive pings are on. */
    public boolean keepalive() {
        return !pingInterval.isZero();
    }

    /** The protocol core's share of these options. */
    public ProtocolConfig protocolConfig() {
        return new ProtocolConfig(maxMessageSize, maxFrameSize, headLimits, extensions);
    }

    /** These options with what {@code change} sets in a copy of them. */
    private WebSocketOptions with(Consumer<Draft> change) {
        Draft draft = new Draft(this);
        change.accept(draft);
        return draft.options();
    }

    /** A copy of options being changed by one of the {@code with} methods: the record's components, settable. */
    private static final class Draft {
        Duration openTimeout;
        Duration closeTimeout;
        Duration pingInterval;
        Duration pingTimeout;
        Duration writeTimeout;
        int writeLimit;
        int maxMessageSize;
        int maxFrameSize;
        int maxQueue;
        long maxQueueBytes;
        HeadLimits headLimits;
        List<ExtensionFactory> extensions;
        boolean batchReplies;
        WebSocketMetrics metrics;

        Draft(WebSocketOptions from) {
            openTimeout = from.openTimeout;
            closeTimeout = from.closeTimeout;
            pingInterval = from.pingInterval;
            pingTimeout = from.pingTimeout;
            writeTimeout = from.writeTimeout;
            writeLimit = from.writeLimit;
            maxMessageSize = from.maxMessageSize;
            maxFrameSize = from.maxFrameSize;
            maxQueue = from.maxQueue;
            maxQueueBytes = from.maxQueueBytes;
            headLimits = from.headLimits;
            extensions = from.extensions;
            batchReplies = from.batchReplies;
            metrics = from.metrics;
        }

        WebSocketOptions options() {
            return new WebSocketOptions(openTimeout, closeTimeout, pingInterval, pingTimeout, writeTimeout, writeLimit,
                    maxMessageSize, maxFrameSize, maxQueue, maxQueueBytes, headLimits, extensions, batchReplies,
                    metrics);
        }
    }

    private static void positive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + d);
        }
    }
}
