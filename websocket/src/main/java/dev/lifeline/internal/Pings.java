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
import java.util.concurrent.ScheduledFuture;

/**
 * Pings, Pongs, latency and keepalive. A Pong answers its Ping and every earlier one (RFC 6455 §5.5.3 lets a peer
 * answer only the most recent). Keepalive sends a Ping every {@code pingInterval} and fails the connection with
 * 1011 "keepalive ping timeout" when no Pong comes within {@code pingTimeout}. Futures complete on virtual
 * threads, never under the connection's lock. All methods but {@link #latency()} run under that lock. A keepalive
 * Ping has no future: its answer cancels the timeout and schedules the next one right where the Pong is handled
 * (on the connection's reading thread), so that an idle connection's keepalive costs no thread of its own.
 *
 * <p>What an idle connection holds here is kept small: the keepalive Ping in flight is two fields, not an entry of
 * the map of application Pings, which exists only while such a Ping awaits its Pong; a timer task that has run or
 * been cancelled is let go.
 */
final class Pings {
    private static final ExecutorService COMPLETIONS =
            Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("lifeline-pong-", 0).factory());

    private final Connection connection;
    private final Reader reader;
    private final WebSocketOptions options;
    /** Application Pings awaiting their Pong, in the order sent (ascending ids); null while there are none. */
    private Map<Long, Pending> pending;
    private long counter;
    private volatile long latencyNanos;
    private boolean stopped;
    private ScheduledFuture<?> keepaliveTask;
    private ScheduledFuture<?> timeoutTask;
    /** The keepalive Ping waiting for its Pong, or 0. */
    private long keepaliveId;
    /** When the keepalive Ping {@link #keepaliveId} was sent. */
    private long keepaliveSentNanos;

    /** An application Ping sent, whose Pong completes {@code future}. */
    private record Pending(CompletableFuture<Duration> future, long sentNanos) {
    }

    Pings(Connection connection, Reader reader, WebSocketOptions options) {
        this.connection = connection;
        this.reader = reader;
        this.options = options;
    }

    CompletableFuture<Duration> sendPingLocked(Protocol protocol) {
        long id = sendLocked(protocol);
        CompletableFuture<Duration> future = new CompletableFuture<>();
        if (pending == null) {
            pending = new LinkedHashMap<>(4);
        }
        pending.put(id, new Pending(future, System.nanoTime()));
        return future;
    }

    /** Sends a Ping whose payload is its id, a number never used before on this connection; returns the id. */
    private long sendLocked(Protocol protocol) {
        assert connection.lock.isHeldByCurrentThread();
        long id = ++counter;
        protocol.sendPing(ByteBuffer.allocate(8).putLong(0, id));
        return id;
    }

    void pongReceivedLocked(byte[] payload) {
        assert connection.lock.isHeldByCurrentThread();
        long now = System.nanoTime();
        if (payload.length != 8) {
            connection.log(Level.TRACE, "< PONG not answering any ping of ours");
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
        connection.telemetry.pingAnswered(rtt);
        connection.log(Level.TRACE, "< PONG after " + rtt.toNanos() / 1000 + " µs");
    }

    Duration latency() {
        return Duration.ofNanos(latencyNanos);
    }

    void startKeepalive() {
        connection.lock.lock();
        try {
            scheduleNextLocked();
        } finally {
            connection.lock.unlock();
        }
    }

    void stopLocked() {
        assert connection.lock.isHeldByCurrentThread();
        stopped = true;
        if (keepaliveTask != null) {
            keepaliveTask.cancel(false);
        }
        if (timeoutTask != null) {
            timeoutTask.cancel(false);
        }
    }

    void failAllLocked(Supplier<? extends WebSocketException> why) {
        assert connection.lock.isHeldByCurrentThread();
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
     * Fails the connection with 1011 if {@code answer} is not done within {@code pingTimeout}. While the reader is
     * paused by a full inbox (or was, since the Ping left), the Pong may be waiting in TCP behind messages the
     * application has not taken: that says nothing about the peer, so the timeout starts over instead, and an
     * unsolicited Pong (RFC 6455 §5.5.3: a unidirectional heartbeat) probes TCP: a write to a connection the peer
     * reset fails, so a dead peer is still found while nobody reads. Caller holds the connection's lock.
     */
    private void armTimeoutLocked(long id) {
        assert connection.lock.isHeldByCurrentThread();
        long pausesBefore = reader.pausesLocked();
        timeoutTask = Timers.schedule(() -> {
            connection.lock.lock();
            try {
                if (keepaliveId != id || stopped) {
                    return; // answered
                }
                // Paused now, or at any moment since the Ping left: the Pong may still sit behind unread data.
                if (reader.pausedLocked() || reader.pausesLocked() != pausesBefore) {
                    armTimeoutLocked(id);
                    connection.probeLocked();
                    connection.flushIfIdle(); // the probe, or bytes already waiting: either write finds a dead peer
                    return;
                }
            } finally {
                connection.lock.unlock();
            }
            connection.telemetry.keepaliveFailed();
            Thread.ofVirtual().name("lifeline-keepalive-" + connection.id())
                    .start(() -> connection.failAndDrop(CloseCode.INTERNAL_ERROR, "keepalive ping timeout"));
        }, options.pingTimeout());
    }

    private void scheduleNextLocked() {
        assert connection.lock.isHeldByCurrentThread();
        if (!stopped && options.keepalive()) {
            keepaliveTask = Timers.schedule(this::keepalive, options.pingInterval());
        }
    }

    /** Runs on the timer thread: queue a Ping, let a virtual thread write it, and arm the timeout. */
    private void keepalive() {
        connection.lock.lock();
        try {
            keepaliveTask = null; // has run: nothing to cancel
            if (stopped || !connection.isOpenLocked()) {
                return;
            }
            keepaliveId = sendLocked(connection.protocol());
            keepaliveSentNanos = System.nanoTime();
            connection.afterProtocolLocked();
            armTimeoutLocked(keepaliveId);
        } catch (WebSocketException e) {
            return; // closing: no more keepalive
        } finally {
            connection.lock.unlock();
        }
        connection.flushIfIdle();
    }

    /** The keepalive Ping was answered (by its Pong or a later one): no timeout, the next Ping in an interval. */
    private void keepaliveAnsweredLocked() {
        assert connection.lock.isHeldByCurrentThread();
        keepaliveId = 0;
        timeoutTask.cancel(false);
        timeoutTask = null;
        scheduleNextLocked();
    }
}
