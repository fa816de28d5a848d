package dev.lifeline.micrometer;

import dev.lifeline.WebSocketMetrics;
import dev.lifeline.protocol.CloseCode;
import dev.lifeline.protocol.Side;
import dev.lifeline.reliable.SessionMetrics;
import dev.lifeline.reliable.SessionOutcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.BaseUnits;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Lifeline's connections and sessions as Micrometer meters. Give it to the options of servers and clients:
 *
 * <pre>{@code
 * LifelineMetrics metrics = new LifelineMetrics(registry);
 * WebSocketServer.builder(handler).options(WebSocketOptions.DEFAULT.withMetrics(metrics))...
 * ReliableServer.builder(handler).reliable(ReliableOptions.DEFAULT.withMetrics(metrics))...
 * }</pre>
 *
 * <p>Names follow Micrometer's conventions (dot-separated, base units: seconds, bytes); a Prometheus registry shows
 * {@code lifeline.messages.received} as {@code lifeline_messages_received_total}. Tags are bounded: {@code side}
 * (client, server), {@code type} (text, binary), {@code code} (see {@link CloseCodeTag}), {@code closed.first} (us,
 * peer, neither), {@code status} (an HTTP error status), {@code outcome} (new, resumed); never a connection's id or
 * address. docs/topics/monitoring.md says what each meter means.
 *
 * <p>Thread-safe; the meters of messages, bytes and sends are created up front, so that counting them is a
 * counter's increment. One instance per registry: its gauges are registered once.
 */
public final class LifelineMetrics implements WebSocketMetrics, SessionMetrics {
    private static final Side[] SIDES = Side.values();
    private static final Kind[] KINDS = Kind.values();

    private final MeterRegistry registry;
    private final AtomicInteger[] open = new AtomicInteger[SIDES.length];
    private final AtomicInteger handshakesInFlight = new AtomicInteger();
    /** By side, then kind. */
    private final Counter[][] messagesIn = new Counter[SIDES.length][KINDS.length];
    private final Counter[][] messagesOut = new Counter[SIDES.length][KINDS.length];
    private final Counter[][] bytesIn = new Counter[SIDES.length][KINDS.length];
    private final Counter[][] bytesOut = new Counter[SIDES.length][KINDS.length];
    private final Timer[] pingRoundTrip = new Timer[SIDES.length];
    private final Timer[] handshakeDuration = new Timer[SIDES.length];
    private final Timer[] sendBlocked = new Timer[SIDES.length];
    private final Counter[] keepaliveFailures = new Counter[SIDES.length];
    private final Counter[] writesStalled = new Counter[SIDES.length];
    private final Counter[] readerPauses = new Counter[SIDES.length];
    /** By kind: a server's broadcasts. */
    private final Counter[] broadcastDropped = new Counter[KINDS.length];
    private final Counter sessionsExpired;
    private final Counter expiredUnacknowledged;
    private final Counter resent;
    private final DistributionSummary outboxDepth;
    private final Timer ackLatency;

    /** Registers the meters in {@code registry}. */
    public LifelineMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("lifeline.handshakes.in.flight", handshakesInFlight, AtomicInteger::get)
                .description("Opening handshakes a server accepted and has not yet answered, opened or dropped")
                .register(registry);
        for (Side side : SIDES) {
            int s = side.ordinal();
            Tags tags = Tags.of("side", tag(side));
            open[s] = new AtomicInteger();
            Gauge.builder("lifeline.connections.open", open[s], AtomicInteger::get).tags(tags)
                    .description("Connections open now").register(registry);
            for (Kind kind : KINDS) {
                int k = kind.ordinal();
                Tags typed = tags.and("type", kind.name().toLowerCase(Locale.ROOT));
                messagesIn[s][k] = counter("lifeline.messages.received", typed, null, "Messages received");
                messagesOut[s][k] = counter("lifeline.messages.sent", typed, null, "Messages sent");
                bytesIn[s][k] = counter("lifeline.payload.received", typed, BaseUnits.BYTES,
                        "Payload bytes of the messages received");
                bytesOut[s][k] = counter("lifeline.payload.sent", typed, BaseUnits.BYTES,
                        "Payload bytes of the messages sent");
            }
            pingRoundTrip[s] = Timer.builder("lifeline.ping.round.trip").tags(tags)
                    .description("Time from a Ping of ours to its Pong").register(registry);
            handshakeDuration[s] = Timer.builder("lifeline.handshake.duration").tags(tags)
                    .description("Time from the accepted socket (server) or the connect (client) to OPEN")
                    .register(registry);
            sendBlocked[s] = Timer.builder("lifeline.send.blocked").tags(tags)
                    .description("Time a send() call took: waiting for room below writeLimit, and writing")
                    .register(registry);
            keepaliveFailures[s] = counter("lifeline.keepalive.failures", tags, null,
                    "Connections failed (1011) because a keepalive Ping went unanswered for pingTimeout");
            writesStalled[s] = counter("lifeline.writes.stalled", tags, null,
                    "Connections dropped because a write stayed blocked longer than writeTimeout");
            readerPauses[s] = counter("lifeline.reader.pauses", tags, null,
                    "Times a reader stopped reading because maxQueue received messages waited (backpressure)");
        }
        for (Kind kind : KINDS) {
            broadcastDropped[kind.ordinal()] = counter("lifeline.broadcast.dropped",
                    Tags.of("type", kind.name().toLowerCase(Locale.ROOT)), "messages",
                    "Broadcast messages a connection missed: a slow reader's outgoing buffer was over writeLimit");
        }
        sessionsExpired = counter("lifeline.sessions.expired", Tags.empty(), null,
                "Reliable sessions ended because no connection came back within the resume window");
        expiredUnacknowledged = counter("lifeline.sessions.expired.unacknowledged", Tags.empty(), "messages",
                "Messages still unacknowledged in sessions that expired");
        resent = counter("lifeline.sessions.resent", Tags.empty(), "messages",
                "Unacknowledged messages transmitted again after a resume");
        outboxDepth = DistributionSummary.builder("lifeline.sessions.outbox.depth").baseUnit("messages")
                .description("Unacknowledged messages in a session's outbox, after each send").register(registry);
        ackLatency = Timer.builder("lifeline.sessions.ack.latency")
                .description("Time from a reliable send() to the peer's acknowledgement").register(registry);
    }

    private Counter counter(String name, Tags tags, String unit, String description) {
        return Counter.builder(name).tags(tags).baseUnit(unit).description(description).register(registry);
    }

    private static String tag(Side side) {
        return side.name().toLowerCase(Locale.ROOT);
    }

    // ------------------------------------------------------------------ WebSocketMetrics

    @Override
    public void handshakeStarted() {
        handshakesInFlight.incrementAndGet();
    }

    @Override
    public void handshakeEnded() {
        handshakesInFlight.decrementAndGet();
    }

    @Override
    public void handshakeRefused(int status) {
        counter("lifeline.handshakes.refused", Tags.of("status", String.valueOf(status)), null,
                "Handshake requests answered with an HTTP error status instead of 101").increment();
    }

    @Override
    public void opened(Side side, Duration handshake) {
        open[side.ordinal()].incrementAndGet();
        handshakeDuration[side.ordinal()].record(handshake);
    }

    /** Counts the close under the code of the first Close frame (1006 when there was none) and who sent it. */
    @Override
    public void closed(Side side, Duration openFor, Optional<CloseCode> sent, Optional<CloseCode> received,
            ClosedFirst first) {
        open[side.ordinal()].decrementAndGet();
        CloseCode code = switch (first) {
            case US -> sent.orElseThrow();
            case PEER -> received.orElseThrow();
            case NEITHER -> CloseCode.ABNORMAL_CLOSURE;
        };
        counter("lifeline.connections.closed", Tags.of("side", tag(side), "code", CloseCodeTag.of(code),
                "closed.first", first.name().toLowerCase(Locale.ROOT)), null,
                "Connections closed, by the code of the first Close frame (1006: none) and who sent it").increment();
    }

    @Override
    public void received(Side side, Kind kind, int messages, long bytes) {
        messagesIn[side.ordinal()][kind.ordinal()].increment(messages);
        bytesIn[side.ordinal()][kind.ordinal()].increment(bytes);
    }

    @Override
    public void sent(Side side, Kind kind, int messages, long bytes) {
        if (messages > 0) {
            messagesOut[side.ordinal()][kind.ordinal()].increment(messages);
        }
        bytesOut[side.ordinal()][kind.ordinal()].increment(bytes);
    }

    @Override
    public void pingAnswered(Side side, Duration roundTrip) {
        pingRoundTrip[side.ordinal()].record(roundTrip);
    }

    @Override
    public void keepaliveFailed(Side side) {
        keepaliveFailures[side.ordinal()].increment();
    }

    @Override
    public void sendBlocked(Side side, long nanos) {
        sendBlocked[side.ordinal()].record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void writeStalled(Side side) {
        writesStalled[side.ordinal()].increment();
    }

    @Override
    public void readerPaused(Side side) {
        readerPauses[side.ordinal()].increment();
    }

    @Override
    public void broadcastDropped(Kind kind, long bytes) {
        broadcastDropped[kind.ordinal()].increment();
    }

    // ------------------------------------------------------------------ SessionMetrics

    @Override
    public void joined(SessionOutcome.Kind outcome, boolean resumeAsked) {
        counter("lifeline.sessions.joined", Tags.of("outcome", outcome.name().toLowerCase(Locale.ROOT),
                "resume.asked", String.valueOf(resumeAsked)), null,
                "Connections joined to reliable sessions: resumed, or new (resume.asked: the old one was gone)")
                .increment();
    }

    @Override
    public void expired(int unacknowledged) {
        sessionsExpired.increment();
        expiredUnacknowledged.increment(unacknowledged);
    }

    @Override
    public void resent(int messages) {
        resent.increment(messages);
    }

    @Override
    public void outboxDepth(int messages) {
        outboxDepth.record(messages);
    }

    @Override
    public void acknowledged(long nanos) {
        ackLatency.record(nanos, TimeUnit.NANOSECONDS);
    }
}
