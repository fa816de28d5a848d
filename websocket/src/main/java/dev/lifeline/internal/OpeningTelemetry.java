package dev.lifeline.internal;

import dev.lifeline.WebSocketMetrics;
import dev.lifeline.protocol.handshake.HttpResponse;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a server tells its {@link WebSocketMetrics} and the flight recorder about opening handshakes: in flight,
 * refused, and how long those that opened took (a client's tells its {@link Telemetry} itself). Thread-safe:
 * called from the poller's thread and from workers.
 */
final class OpeningTelemetry {
    private final WebSocketMetrics metrics;
    /** When each socket in flight was accepted ({@link System#nanoTime()}). */
    private final Map<SocketChannel, Long> acceptedAt = new ConcurrentHashMap<>();

    OpeningTelemetry(WebSocketMetrics metrics) {
        this.metrics = metrics;
    }

    /**
     * A socket was accepted: its handshake is in flight. Its start is noted only if someone will want the handshake's
     * duration (the listener, or a recording of {@code ConnectionOpened}).
     */
    void started(SocketChannel tcp) {
        if (metrics != WebSocketMetrics.NONE || new Events.ConnectionOpened().isEnabled()) {
            acceptedAt.put(tcp, System.nanoTime());
        }
        metrics.handshakeStarted();
    }

    /** The handshake of {@code tcp}, {@link #started} before, is no longer in flight. Once per socket. */
    void ended(SocketChannel tcp) {
        acceptedAt.remove(tcp);
        metrics.handshakeEnded();
    }

    /** The server answered {@code response} instead of 101; an error status counts as a refusal. */
    void answered(String id, HttpResponse response) {
        if (response.status() < 400) {
            return; // a page served instead (a health check, a redirect): not a refusal
        }
        metrics.handshakeRefused(response.status());
        Events.HandshakeRefused event = new Events.HandshakeRefused();
        if (event.shouldCommit()) {
            event.id = id;
            event.status = response.status();
            event.reason = response.bodyText();
            event.commit();
        }
    }

    /**
     * The connection accepted on {@code tcp} is open (its 101 written). Its handshake counts as taking no time if its
     * start was not noted (a recording that began during it).
     */
    void opened(Telemetry connection, InetSocketAddress remote, SocketChannel tcp) {
        Long start = acceptedAt.get(tcp);
        connection.opened(start == null ? System.nanoTime() : start, String.valueOf(remote));
    }
}
