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
 * <p>{@link InMemorySessionStore} is the default. The interface is the seam for stores shared by several server
 * nodes; such a store must also move a session's state between nodes, which this module does not provide yet.
 * Implementations must be thread-safe; their methods must not block for long (they run on connection threads).
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

    /** The session lost its connection: keep it for the resume window, then {@link ServerSession#expire} it. */
    void detached(ServerSession session);

    /** The session has ended: forget it. */
    void remove(ServerSession session);

    /** How many sessions are kept. */
    int size();

    /** Stops the store's timers; sessions still kept are left as they are. */
    @Override
    void close();
}
