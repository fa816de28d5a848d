package dev.lifeline.internal;

import dev.lifeline.WebSocketOptions;
import dev.lifeline.protocol.CloseCode;
import dev.lifeline.protocol.Protocol;
import dev.lifeline.protocol.WebSocketException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Pings, Pongs, latency and keepalive. A Pong answers its Ping and every earlier one (RFC 6455 §5.5.3 lets a peer
 * answer only the most recent). Keepalive sends a Ping every {@code pingInterval} and fails the connection with
 * 1011 "keepalive ping timeout" when no Pong comes within {@code pingTimeout}. Futures complete on virtual
 * threads, never under the connection's lock. All methods but {@link #latency()} run under that lock. A keepalive
 * Ping has no future: its answer cancels the timeout and schedules the next one right where the Pong is handled
 * (on the connection's reading thread), so that an idle connection's keepalive costs no thread of its own.
 *
 * <p>What an idle connection holds here is kept small: the keepalive Ping in flight is two fields, not an entry of
 * the map of application Pings, which exists only while such a Ping awaits its Pong. The keepalive's timer is this
 * object itself, one {@link Timers.Entry} armed again each round (for the next Ping, then for its Pong's timeout):
 * a keepalive round allocates no timer task, and nothing waits in the timer queue once stopped.
 */
final class Pings extends Timers.Entry {
    private static final ExecutorService COMPLETIONS =
            Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("lifeline-pong-", 0).factory());

    private final ProtocolGuard guard;
    private final Protocol protocol;
    /** Fails the connection when a keepalive Ping goes unanswered. */
    private final Closing closing;
    /** Writes the keepalive's Ping (or probe) from a flush thread. */
    private final Outgoing outgoing;
    /** Where the keepalive is timed, and the clock that times Pongs: the connection's. */
    private final Timers timers;
    private final WebSocketOptions options;
    /** Application Pings awaiting their Pong, in the order sent (ascending ids); null while there are none. */
    private Map<Long, Pending> pending;
    private long counter;
    private volatile long latencyNanos;
    private boolean stopped;
    /** The reader's pause count when the keepalive Ping {@link #keepaliveId} left or its timeout started over. */
    private long pausesBefore;
    /** The keepalive Ping waiting for its Pong, or 0. */
    private long keepaliveId;
    /** When the keepalive Ping {@link #keepaliveId} was sent. */
    private long keepaliveSentNanos;

    /** An application Ping sent, whose Pong completes {@code future}. */
    private record Pending(CompletableFuture<Duration> future, long sentNanos) {
    }

    Pings(ProtocolGuard guard, Protocol protocol, Closing closing, Outgoing outgoing, Timers timers,
            WebSocketOptions options) {
        this.guard = guard;
        this.protocol = protocol;
        this.closing = closing;
        this.outgoing = outgoing;
        this.timers = timers;
        this.options = options;
    }

    CompletableFuture<Duration> sendPingLocked() {
        long id = sendLocked();
        CompletableFuture<Duration> future = new CompletableFuture<>();
        if (pending == null) {
            pending = new LinkedHashMap<>(4);
        }
        pending.put(id, new Pending(future, timers.nanoTime()));
        return future;
    }

    /** Sends a Ping whose payload is its id, a number never used before on this connection; returns the id. */
    private long sendLocked() {
        assert guard.lock.isHeldByCurrentThread();
        long id = ++counter;
        protocol.sendPing(ByteBuffer.allocate(8).putLong(0, id));
        return id;
    }

    void pongReceivedLocked(byte[] payload) {
        assert guard.lock.isHeldByCurrentThread();
        long now = timers.nanoTime();
        if (payload.length != 8) {
            guard.log(Level.TRACE, "< PONG not answering any ping of ours");
            return;
        }
        long id = ByteBuffer.wrap(payload).getLong();
        boolean keepalive = keepaliveId != 0 && id == keepaliveId;
        if (!keepalive && (pending == null || !pending.containsKey(id))) {
            return; // answers no Ping in flight
        }
        // Ids grow with each Ping sent: this Pong answers every Ping in flight whose id is not greater.
        if (keepaliveId != 0 && keepaliveId <= id) {
            if (keepalive) {
                answeredLocked(Duration.ofNanos(now - keepaliveSentNanos));
            }
            keepaliveAnsweredLocked();
        }
        if (pending == null) {
            return;
        }
        Iterator<Map.Entry<Long, Pending>> it = pending.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Long, Pending> entry = it.next();
            if (entry.getKey() > id) {
                break;
            }
            Duration rtt = Duration.ofNanos(now - entry.getValue().sentNanos());
            it.remove();
            if (entry.getKey() == id) {
                answeredLocked(rtt); // before the future completes: its waiter may read latency() at once
            }
            entry.getValue().future().completeAsync(() -> rtt, COMPLETIONS);
        }
        if (pending.isEmpty()) {
            pending = null;
        }
    }

    /** The Ping this Pong names was answered after {@code rtt}. */
    private void answeredLocked(Duration rtt) {
        latencyNanos = rtt.toNanos();
        guard.telemetry.pingAnswered(rtt);
        guard.log(Level.TRACE, "< PONG after " + rtt.toNanos() / 1000 + " µs");
    }

    Duration latency() {
        return Duration.ofNanos(latencyNanos);
    }

    void startKeepalive() {
        guard.lock.lock();
        try {
            scheduleNextLocked();
        } finally {
            guard.lock.unlock();
        }
    }

    void stopLocked() {
        assert guard.lock.isHeldByCurrentThread();
        stopped = true;
        timers.cancel(this);
    }

    void failAllLocked(Supplier<? extends WebSocketException> why) {
        assert guard.lock.isHeldByCurrentThread();
        keepaliveId = 0;
        if (pending == null) {
            return;
        }
        WebSocketException cause = why.get();
        for (Pending p : pending.values()) {
            COMPLETIONS.execute(() -> p.future().completeExceptionally(cause));
        }
        pending = null;
    }

    /**
     * On the timer thread, at this entry's deadline: sends the keepalive Ping, or, if one awaits its Pong, its
     * timeout passed. A run whose entry was armed again meanwhile (a Pong came just as its timeout was due) is stale
     * and does nothing: the new arming runs on its own.
     */
    @Override
    void due() {
        boolean failed;
        guard.lock.lock();
        try {
            if (stopped || timers.isArmed(this)) {
                return;
            }
            if (keepaliveId == 0) {
                if (!sendKeepaliveLocked()) {
                    return;
                }
                failed = false;
            } else {
                failed = timedOutLocked();
            }
        } catch (WebSocketException e) {
            return; // closing: no more keepalive
        } finally {
            guard.lock.unlock();
        }
        if (failed) {
            guard.telemetry.keepaliveFailed();
            Thread.ofVirtual().name("lifeline-keepalive-" + guard.id)
                    .start(() -> closing.failAndDrop(CloseCode.INTERNAL_ERROR, "keepalive ping timeout"));
        } else {
            outgoing.flushIfIdle(); // the Ping or the probe: a virtual thread writes it
        }
    }

    /** Queues a keepalive Ping and arms its timeout; false if the connection is no longer open. */
    private boolean sendKeepaliveLocked() {
        assert guard.lock.isHeldByCurrentThread();
        if (!guard.isOpenLocked()) {
            return false;
        }
        keepaliveId = sendLocked();
        keepaliveSentNanos = timers.nanoTime();
        guard.afterProtocolLocked();
        armTimeoutLocked();
        return true;
    }

    /**
     * Fails the connection with 1011 if the keepalive Ping is not answered within {@code pingTimeout}: arms this
     * entry for it, noting the reader's pauses. Caller holds the connection's lock.
     */
    private void armTimeoutLocked() {
        assert guard.lock.isHeldByCurrentThread();
        pausesBefore = guard.readerPausesLocked();
        timers.arm(this, options.pingTimeout());
    }

    /**
     * The keepalive Ping's timeout passed: true if the connection is to fail. While the reader is paused by a full
     * inbox (or was, since the Ping left), the Pong may be waiting in TCP behind messages the application has not
     * taken: that says nothing about the peer, so the timeout starts over instead, and an unsolicited Pong (RFC 6455
     * §5.5.3: a unidirectional heartbeat) probes TCP: a write to a connection the peer reset fails, so a dead peer is
     * still found while nobody reads. Caller holds the connection's lock.
     */
    private boolean timedOutLocked() {
        assert guard.lock.isHeldByCurrentThread();
        if (guard.readerPausedLocked() || guard.readerPausesLocked() != pausesBefore) {
            armTimeoutLocked();
            probeLocked();
            return false;
        }
        return true;
    }

    /**
     * Queues an empty unsolicited Pong to find out whether TCP still works, unless bytes already wait to be written
     * (writing those tells the same). Caller holds the connection's lock.
     */
    private void probeLocked() {
        assert guard.lock.isHeldByCurrentThread();
        if (guard.isOpenLocked() && outgoing.pendingBytesLocked() == 0) {
            protocol.sendPong(ByteBuffer.allocate(0));
            guard.afterProtocolLocked();
        }
    }

    private void scheduleNextLocked() {
        assert guard.lock.isHeldByCurrentThread();
        if (!stopped && options.keepalive()) {
            timers.arm(this, options.pingInterval());
        }
    }

    /** The keepalive Ping was answered (by its Pong or a later one): no timeout, the next Ping in an interval. */
    private void keepaliveAnsweredLocked() {
        assert guard.lock.isHeldByCurrentThread();
        keepaliveId = 0;
        scheduleNextLocked(); // arming moves this entry from the Pong's timeout to the next Ping
    }
}
