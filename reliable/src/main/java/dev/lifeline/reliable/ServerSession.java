package dev.lifeline.reliable;

import dev.lifeline.WebSocket;
import dev.lifeline.protocol.CloseCode;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A session on a {@link ReliableServer}: what its handler talks to, for as long as the session lives, across every
 * connection the client makes. Between connections it waits in the {@link SessionStore} for the resume window.
 *
 * <p>Besides {@link ReliableSession}, it offers what stores need: {@link #idleFor()}, {@link #expire(Duration)} and
 * {@link #evict()}. Thread-safe.
 */
public final class ServerSession extends Endpoint {
    private final String token;

    ServerSession(String id, byte[] token, ReliableOptions options) {
        super(id, options);
        this.token = ReliableClient.encodeToken(token);
    }

    /**
     * A session another node ran, resumed here from the state a shared store saved: its handler starts again, and
     * is first handed the messages whose handling was not committed. For {@link SessionStore#resume}.
     *
     * @param token the token's bytes, as the client presented it
     */
    public static ServerSession restore(String id, byte[] token, ReliableOptions options, SessionState state,
            SessionJournal journal) {
        ServerSession session = new ServerSession(id, token, options);
        session.restore(state, journal);
        return session;
    }

    /**
     * Saves this new session's every change in {@code journal} from now on. For a shared store's
     * {@link SessionStore#add}, before the session is attached to a connection.
     */
    public void journal(SessionJournal journal) {
        journalTo(journal);
    }

    /** The session's token: URL-safe base64 (no padding) of its bytes on the wire. Always present. */
    @Override
    public Optional<String> token() {
        return Optional.of(token);
    }

    /** The connection attached now (its handshake request carries the client's headers); empty between them. */
    public Optional<WebSocket> connection() {
        return currentConnection();
    }

    /** How long the session has been without a connection; empty while one is attached or once it has ended. */
    public Optional<Duration> idleFor() {
        OptionalLong since = detachedSince();
        return since.isPresent() ? Optional.of(Duration.ofNanos(System.nanoTime() - since.getAsLong()))
                : Optional.empty();
    }

    /** Ends the session as {@link CloseReason.Kind#EXPIRED} if it has been without a connection for {@code window}. */
    public boolean expire(Duration window) {
        int unacknowledged = outboxSize();
        // told before closed() completes, so that whoever waits on it finds the expiry counted and recorded
        return endIfDetachedFor(window, CloseReason.of(CloseReason.Kind.EXPIRED, "no connection for " + window),
                () -> {
                    SessionEvents.expired(options.metrics(), id, unacknowledged);
                    log(Level.DEBUG, "expired after " + window + " without a connection");
                });
    }

    /** Ends the session as {@link CloseReason.Kind#EVICTED} if it is without a connection (to make room). */
    public boolean evict() {
        return endIfDetachedFor(Duration.ZERO, CloseReason.of(CloseReason.Kind.EVICTED,
                "evicted to make room for a new session"));
    }

    /**
     * Ends this node's copy of the session as {@link CloseReason.Kind#MOVED}: a shared store found that another node
     * took the session over. Its connection, if any, is closed with 1012 (service restart), so that its client
     * comes back to wherever the session now lives.
     */
    public void moved(String detail) {
        terminate(CloseReason.of(CloseReason.Kind.MOVED, detail), CloseCode.SERVICE_RESTART);
    }

    /** Ends the session from the server's side without waiting for acknowledgements; closes with {@code code}. */
    void terminate(CloseReason reason, CloseCode code) {
        end(reason).ifPresent(ws -> ws.close(code, Wire.truncate(reason.detail())));
    }

    @Override
    public void close() {
        closeGracefully();
    }

    @Override
    public String toString() {
        return "ServerSession[" + id + " " + (idleFor().map(d -> "idle " + d.toMillis() + " ms").orElse(
                isEnded() ? "ended" : "attached")) + "]";
    }
}
