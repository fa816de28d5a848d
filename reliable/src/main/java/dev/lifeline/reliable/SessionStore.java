package dev.lifeline.reliable;

import java.util.Optional;

/**
 * Where a {@link ReliableServer} keeps its sessions, so that a client coming back with a token finds its session.
 * The server calls {@link #add} for each new session, {@link #find} when a client presents a token,
 * {@link #detached} whenever a session loses its connection, and {@link #remove} once a session has ended.
 *
 * <p>A store decides how long a detached session is kept (the resume window: it calls
 * {@link ServerSession#expire} when the window has passed) and how many sessions it keeps (it calls
 * {@link ServerSession#evict} on a detached session to make room). Both calls end the session only if it is still
 * without a connection at that moment, so a store never races a client that is coming back.
 *
 * <p>{@link InMemorySessionStore} is the default. A store <em>shared</em> by several server nodes (such as
 * {@code dev.lifeline.redis.RedisSessionStore}) saves each session as it changes: in {@link #add} it gives the new
 * session a {@link SessionJournal} ({@link ServerSession#journal}), and in {@link #resume} it takes the session
 * over from whichever node ran it (fencing that node) and builds it from its saved state
 * ({@link ServerSession#restore}); the server then starts a handler for it. See {@link SessionJournal} for what is
 * saved when.
 *
 * <p>Implementations must be thread-safe; their methods must not block for long (they run on connection threads).
 */
public interface SessionStore extends AutoCloseable {
    /**
     * Keeps a new session (not yet attached to a connection). When full, makes room by evicting a detached
     * session.
     *
     * @return false if there is no room (the server then refuses the connection with 1013, try again later)
     */
    boolean add(ServerSession session);

    /** The session with this token, if it is kept. It may have ended meanwhile; the server checks. */
    Optional<ServerSession> find(String token);

    /**
     * The session a client resumes with this token, if it is kept: for a shared store, taken over from the node
     * that ran it and restored from its saved state when this node does not run it already. {@link #find} by
     * default.
     *
     * @throws SessionStoreException if the store cannot answer now (the server refuses with 1013)
     */
    default Optional<ServerSession> resume(String token, ReliableOptions options) {
        return find(token);
    }

    /** The session lost its connection: keep it for the resume window, then {@link ServerSession#expire} it. */
    void detached(ServerSession session);

    /** The session has ended: forget it. */
    void remove(ServerSession session);

    /** How many sessions are kept. */
    int size();

    /**
     * Whether other server nodes share this store: the server's {@code close()} then leaves the sessions to them
     * (closing connections with 1012, so that clients resume elsewhere) instead of ending them.
     */
    default boolean shared() {
        return false;
    }

    /**
     * Whether the store can take new sessions now; while not, the server answers handshakes with 503. Asked for every
     * handshake, by the server's selecting thread without TLS: it must return at once (a flag, not a round trip).
     */
    default boolean healthy() {
        return true;
    }

    /** Stops the store's timers; sessions still kept are left as they are. */
    @Override
    void close();
}
