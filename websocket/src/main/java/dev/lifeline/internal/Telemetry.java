package dev.lifeline.internal;

import dev.lifeline.Message;
import dev.lifeline.WebSocketMetrics;
import dev.lifeline.WebSocketMetrics.ClosedFirst;
import dev.lifeline.WebSocketMetrics.Kind;
import dev.lifeline.WebSocketOptions;
import dev.lifeline.protocol.CloseCode;
import dev.lifeline.protocol.CloseStatus;
import dev.lifeline.protocol.Event;
import dev.lifeline.protocol.Protocol;
import dev.lifeline.protocol.Side;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What one connection tells its {@link WebSocketMetrics} and the flight recorder ({@link Events}). With
 * {@link WebSocketMetrics#NONE} the per-message methods return on their first line, allocating nothing. Called on
 * the connection's threads, some under its lock (see {@link WebSocketMetrics} for what that asks of a listener).
 */
final class Telemetry {
    private final String id;
    private final Side side;
    private final WebSocketOptions options;
    private final WebSocketMetrics metrics;
    /** Whether anyone listens: {@link #metrics} is not {@link WebSocketMetrics#NONE}. */
    private final boolean on;
    private final long openedNanos = System.nanoTime();

    Telemetry(String id, Side side, WebSocketOptions options) {
        this.id = id;
        this.side = side;
        this.options = options;
        this.metrics = options.metrics();
        this.on = metrics != WebSocketMetrics.NONE;
    }

    /** Whether {@link #sendBlocked} wants the time a send took. */
    boolean timingSends() {
        return on;
    }

    /** Counts the complete messages among the protocol's events, one call per kind for the whole batch. */
    void received(List<Event> events) {
        if (!on) {
            return;
        }
        int texts = 0;
        int binaries = 0;
        long textBytes = 0;
        long binaryBytes = 0;
        for (Event event : events) {
            if (event instanceof Event.Text t) {
                texts++;
                textBytes += t.size();
            } else if (event instanceof Event.Binary b) {
                binaries++;
                binaryBytes += b.data().length;
            }
        }
        if (texts > 0) {
            metrics.received(side, Kind.TEXT, texts, textBytes);
        }
        if (binaries > 0) {
            metrics.received(side, Kind.BINARY, binaries, binaryBytes);
        }
    }

    void sent(Kind kind, int messages, long bytes) {
        if (on) {
            metrics.sent(side, kind, messages, bytes);
        }
    }

    /** A broadcast message of {@code bytes} was not queued for this connection (see {@link Broadcast}). */
    void broadcastDropped(Kind kind, long bytes) {
        if (on) {
            metrics.broadcastDropped(kind, bytes);
        }
    }

    /** A text message or fragment: its UTF-8 length is counted only if someone listens. */
    void sentText(int messages, String text) {
        if (on) {
            metrics.sent(side, Kind.TEXT, messages, utf8Length(text));
        }
    }

    /** @param startNanos when the send began, from {@link System#nanoTime()} */
    void sendBlocked(long startNanos) {
        if (on) {
            metrics.sendBlocked(side, System.nanoTime() - startNanos);
        }
    }

    void pingAnswered(Duration roundTrip) {
        if (on) {
            metrics.pingAnswered(side, roundTrip);
        }
    }

    void keepaliveFailed() {
        if (on) {
            metrics.keepaliveFailed(side);
        }
        Events.KeepaliveFailed event = new Events.KeepaliveFailed();
        if (event.shouldCommit()) {
            event.id = id;
            event.side = side.name();
            event.pingTimeout = options.pingTimeout().toNanos();
            event.commit();
        }
    }

    void writeStalled() {
        if (on) {
            metrics.writeStalled(side);
        }
        Events.WriteStalled event = new Events.WriteStalled();
        if (event.shouldCommit()) {
            event.id = id;
            event.side = side.name();
            event.writeTimeout = options.writeTimeout().toNanos();
            event.commit();
        }
    }

    void readerPaused() {
        if (on) {
            metrics.readerPaused(side);
        }
        Events.ReaderPaused event = new Events.ReaderPaused();
        if (event.shouldCommit()) {
            event.id = id;
            event.side = side.name();
            event.commit();
        }
    }

    /** The opening handshake, begun at {@code startNanos}, is over and the connection is open. */
    void opened(long startNanos, String remote) {
        long handshake = System.nanoTime() - startNanos;
        if (on) {
            metrics.opened(side, Duration.ofNanos(handshake));
        }
        Events.ConnectionOpened event = new Events.ConnectionOpened();
        if (event.shouldCommit()) {
            event.id = id;
            event.side = side.name();
            event.remote = remote;
            event.handshake = handshake;
            event.commit();
        }
    }

    /**
     * The connection is CLOSED. Its protocol no longer changes then; the caller has held the connection's lock
     * since the protocol's last change, so reading it here is safe.
     */
    void closed(Protocol protocol) {
        Optional<CloseCode> sent = protocol.closeSent().map(CloseStatus::code);
        Optional<CloseCode> received = protocol.closeReceived().map(CloseStatus::code);
        ClosedFirst first = sent.isPresent() && (received.isEmpty() || !protocol.receivedThenSent())
                ? ClosedFirst.US : received.isPresent() ? ClosedFirst.PEER : ClosedFirst.NEITHER;
        long open = System.nanoTime() - openedNanos;
        if (on) {
            metrics.closed(side, Duration.ofNanos(open), sent, received, first);
        }
        Events.ConnectionClosed event = new Events.ConnectionClosed();
        if (event.shouldCommit()) {
            event.id = id;
            event.side = side.name();
            event.openFor = open;
            event.codeSent = sent.map(CloseCode::value).orElse(0);
            event.codeReceived = received.map(CloseCode::value).orElse(0);
            event.closedFirst = first.name();
            event.commit();
        }
    }

    /** The UTF-8 length of {@code text}, without encoding it. */
    static long utf8Length(String text) {
        long n = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }
}
