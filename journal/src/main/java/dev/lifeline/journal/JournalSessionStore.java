package dev.lifeline.journal;

import dev.lifeline.reliable.CloseReason;
import dev.lifeline.reliable.InMemorySessionStore;
import dev.lifeline.reliable.ReliableOptions;
import dev.lifeline.reliable.ServerSession;
import dev.lifeline.reliable.SessionState;
import dev.lifeline.reliable.SessionStore;
import dev.lifeline.reliable.SessionStoreException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link SessionStore} for one server node whose sessions survive a restart of the node: every session is saved
 * on every change (see {@link dev.lifeline.reliable.SessionJournal}) in an SQLite database in a state directory,
 * and a client that comes back within the resume window after the node restarted gets its session RESUMED, with
 * what it had not acknowledged sent again and the messages whose handling was not committed handed to the handler
 * again.
 *
 * <pre>{@code
 * ReliableServer server = ReliableServer.builder(handler)
 *         .store(JournalSessionStore.builder(Path.of("/var/lib/lifeline")).build())
 *         .start();
 * }</pre>
 *
 * <p>The running sessions are kept in memory too (an {@link InMemorySessionStore} of the same window and capacity,
 * which expires and evicts them); those on disk that no client resumed after a restart are deleted once their window
 * has passed (counted from the restart for those that had a connection when the node stopped). Tokens are stored
 * hashed (SHA-256): whoever reads the file cannot resume a session. One process per directory (a lock file).
 *
 * <p>Not shared: {@link #shared()} is false; a session belongs to this node. Thread-safe.
 */
public final class JournalSessionStore implements SessionStore {
    private static final System.Logger LOG = System.getLogger("dev.lifeline.journal");

    private final Database db;
    private final Duration window;
    private final InMemorySessionStore local;
    /** The sessions running here, by hashed token. */
    private final Map<String, ServerSession> owned = new ConcurrentHashMap<>();
    private final ReentrantLock[] resuming = new ReentrantLock[64];
    private final ScheduledThreadPoolExecutor timer;

    private JournalSessionStore(Builder b) {
        this.window = b.window;
        this.db = Database.open(b.directory, b.fsyncEvery);
        this.local = new InMemorySessionStore(b.window, b.capacity);
        for (int i = 0; i < resuming.length; i++) {
            resuming[i] = new ReentrantLock();
        }
        // the sessions that had a connection when the node stopped: their window starts now
        long now = System.currentTimeMillis();
        try {
            if (db.call(c -> SqliteClientJournal.count(c, "SELECT (SELECT count(*) FROM client)"
                    + " + (SELECT count(*) FROM session WHERE id = ?)", SqliteClientJournal.ID)) > 0) {
                throw new SessionStoreException("the directory " + b.directory + " is a client's journal; a server"
                        + " needs a state directory of its own", null);
            }
            db.call(c -> SqliteJournal.update(c, "UPDATE session SET detached_at = ? WHERE detached_at IS NULL",
                    now));
        } catch (SessionStoreException e) {
            local.close();
            db.close();
            throw e;
        }
        sweep();
        this.timer = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().name("lifeline-journal-sweep").daemon().factory());
        long third = Math.max(1, window.toMillis() / 3);
        timer.scheduleWithFixedDelay(this::sweep, third, third, TimeUnit.MILLISECONDS);
    }

    /** A store on {@code directory} (created if missing) with the defaults: 2 minutes, fsync on every commit. */
    public static Builder builder(Path directory) {
        return new Builder(directory);
    }

    public Duration window() {
        return window;
    }

    /** The hashed token under which a session is stored: the first 132 bits of its SHA-256, URL-safe base64. */
    static String idOf(String token) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(hash).substring(0, 22);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    @Override
    public boolean add(ServerSession session) {
        String id = idOf(session.token().orElseThrow());
        int created = db.call(c -> SqliteJournal.update(c, "INSERT OR IGNORE INTO session (id, next, acked, recv,"
                + " used, detached_at) VALUES (?, 1, 0, 0, 0, NULL)", id));
        if (created != 1) {
            return false; // a token drawn twice: refused, the client tries again
        }
        session.journal(new SqliteJournal(db, id));
        if (!local.add(session)) {
            quietly(id, db.submit(c -> delete(c, id)));
            return false;
        }
        owned.put(id, session);
        return true;
    }

    @Override
    public Optional<ServerSession> find(String token) {
        return local.find(token).filter(s -> s.closeReason().isEmpty());
    }

    /**
     * The session running here, or the one saved on disk (by this node before it restarted), restored; empty if
     * there is none, or if it cannot be restored within {@code options}' bounds (then it is reported lost, with the
     * reason, and deleted).
     */
    @Override
    public Optional<ServerSession> resume(String token, ReliableOptions options) {
        ReentrantLock lock = resuming[Math.floorMod(token.hashCode(), resuming.length)];
        lock.lock();
        try {
            String id = idOf(token);
            if (local.find(token).flatMap(ServerSession::closeReason).filter(r -> endedForGood(r.kind()))
                    .isPresent()) {
                quietly(id, db.submit(c -> delete(c, id))); // it ended here just now: not to be revived
                return Optional.empty();
            }
            Optional<ServerSession> running = find(token);
            if (running.isPresent()) {
                quietly(id, db.submit(c -> SqliteJournal.update(c,
                        "UPDATE session SET detached_at = NULL WHERE id = ?", id)));
                return running;
            }
            Loaded loaded = db.call(c -> load(c, id, options));
            if (loaded == null) {
                return Optional.empty();
            }
            if (loaded.lost() != null) {
                LOG.log(Level.WARNING, "session " + id + " is lost and deleted: " + loaded.lost());
                quietly(id, db.submit(c -> delete(c, id)));
                return Optional.empty();
            }
            ServerSession session = ServerSession.restore("journal-" + id.substring(0, 8),
                    Base64.getUrlDecoder().decode(token), options, loaded.state(), new SqliteJournal(db, id));
            if (!local.add(session)) {
                LOG.log(Level.WARNING, "session " + id + " resumed beyond the capacity of " + local.capacity());
            }
            owned.put(id, session);
            LOG.log(Level.DEBUG, "session " + id + " restored: " + loaded.state().outbox().size() + " to resend, "
                    + loaded.state().unconsumed().size() + " to handle again");
            return Optional.of(session);
        } finally {
            lock.unlock();
        }
    }

    /** A saved session: its state, or why it cannot be restored. */
    private record Loaded(SessionState state, String lost) {
    }

    /** Reads the session's saved state and marks it attached (the sweep leaves it); null if there is none. */
    private static Loaded load(Connection c, String id, ReliableOptions options) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM session WHERE id = ?")) {
            s.setString(1, id);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    return null;
                }
            }
        }
        long[] n = SqliteJournal.numbers(c, id);
        long next = n[0];
        long acked = n[1];
        if (next - 1 - acked > options.outboxMessages()) {
            return new Loaded(null, "its replay buffer holds " + (next - 1 - acked) + " messages, more than the"
                    + " outbox bound of " + options.outboxMessages());
        }
        List<SessionState.Saved> out = SqliteJournal.messages(c, "outbox", id, acked + 1, next - 1);
        long bytes = out.stream().mapToLong(m -> m.message().size()).sum();
        if (bytes > options.outboxBytes()) {
            return new Loaded(null, "its replay buffer holds " + bytes + " bytes, more than the outbox bound of "
                    + options.outboxBytes());
        }
        List<SessionState.Saved> in = SqliteJournal.messages(c, "inbox", id, n[3] + 1, n[2]);
        SessionState state;
        try {
            state = new SessionState(next, acked, n[2], n[3], out, in);
        } catch (IllegalArgumentException e) {
            return new Loaded(null, e.getMessage());
        }
        SqliteJournal.update(c, "UPDATE session SET detached_at = NULL WHERE id = ?", id);
        return new Loaded(state, null);
    }

    @Override
    public void detached(ServerSession session) {
        local.detached(session);
        String id = idOf(session.token().orElseThrow());
        long now = System.currentTimeMillis();
        quietly(id, db.submit(c -> SqliteJournal.update(c, "UPDATE session SET detached_at = ? WHERE id = ?",
                now, id)));
    }

    /**
     * Forgets the session here. One that ended for good (closed by either side, its handler failed, its window
     * passed, evicted to make room) is deleted from disk; one stopped with the server, or whose save failed, stays
     * there for its window, for the client to resume after the restart.
     */
    @Override
    public void remove(ServerSession session) {
        String id = idOf(session.token().orElseThrow());
        try {
            if (!owned.remove(id, session)) {
                return;
            }
            CloseReason.Kind kind = session.closeReason().map(CloseReason::kind).orElse(CloseReason.Kind.CLOSED);
            if (endedForGood(kind)) {
                quietly(id, db.submit(c -> delete(c, id)));
            } else {
                long now = System.currentTimeMillis();
                quietly(id, db.submit(c -> SqliteJournal.update(c, "UPDATE session SET detached_at = ? WHERE id = ?"
                        + " AND detached_at IS NULL", now, id)));
            }
        } finally {
            // last: a resume that no longer finds the session here reads the disk after the deletion (one queue)
            local.remove(session);
        }
    }

    /** Anything but stopped with the server or failed to save: deleted from disk. */
    private static boolean endedForGood(CloseReason.Kind kind) {
        return kind != CloseReason.Kind.SERVER_STOPPED && kind != CloseReason.Kind.STORE_FAILED;
    }

    private static int delete(Connection c, String id) throws SQLException {
        SqliteJournal.update(c, "DELETE FROM outbox WHERE id = ?", id);
        SqliteJournal.update(c, "DELETE FROM inbox WHERE id = ?", id);
        return SqliteJournal.update(c, "DELETE FROM session WHERE id = ?", id);
    }

    /** Deletes the sessions on disk, not running here, whose window has passed. */
    private void sweep() {
        long cutoff = System.currentTimeMillis() - window.toMillis();
        db.submit(c -> {
            List<String> expired = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT id FROM session WHERE detached_at < ?")) {
                s.setLong(1, cutoff);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        expired.add(r.getString(1));
                    }
                }
            }
            for (String id : expired) {
                if (!owned.containsKey(id)) {
                    delete(c, id);
                }
            }
            return expired.size();
        }).whenComplete((n, e) -> {
            if (e != null) {
                LOG.log(Level.WARNING, "sweeping expired sessions failed: " + e.getMessage());
            }
        });
    }

    @Override
    public int size() {
        return local.size();
    }

    /** Stops the timers, saves what was submitted and closes the database; the sessions stay on disk. */
    @Override
    public void close() {
        timer.shutdownNow();
        local.close();
        db.close();
    }

    private static void quietly(String id, java.util.concurrent.CompletionStage<?> save) {
        save.whenComplete((v, e) -> {
            if (e != null) {
                LOG.log(Level.DEBUG, "session " + id + ": " + e.getMessage());
            }
        });
    }

    /** Options of a {@link JournalSessionStore}. */
    public static final class Builder {
        private final Path directory;
        private Duration window = InMemorySessionStore.DEFAULT_WINDOW;
        private int capacity = InMemorySessionStore.DEFAULT_CAPACITY;
        private Duration fsyncEvery = Duration.ZERO;

        private Builder(Path directory) {
            this.directory = Objects.requireNonNull(directory, "directory");
        }

        /** How long a session without a connection is kept; 2 minutes. */
        public Builder window(Duration window) {
            this.window = Objects.requireNonNull(window, "window");
            return this;
        }

        /** The most sessions kept at once; 10,000. */
        public Builder capacity(int capacity) {
            this.capacity = capacity;
            return this;
        }

        /**
         * The default: every commit is fsynced ({@code synchronous=FULL}) before any save in it completes, so what
         * a client was told is saved survives the machine losing power.
         */
        public Builder fsyncEveryCommit() {
            this.fsyncEvery = Duration.ZERO;
            return this;
        }

        /**
         * Commits are not fsynced ({@code synchronous=NORMAL}); the log is fsynced every {@code interval} (a
         * checkpoint). A process crash loses nothing; a power loss may lose the saves of the last
         * {@code interval}: messages the server acknowledged or sent in that time may be lost.
         */
        public Builder fsyncEvery(Duration interval) {
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("the fsync interval must be positive: " + interval);
            }
            this.fsyncEvery = interval;
            return this;
        }

        /**
         * Opens (or creates) the state directory.
         *
         * @throws SessionStoreException if another process has it, or its database is damaged or not Lifeline's
         */
        public JournalSessionStore build() {
            if (window.isNegative() || window.isZero() || capacity <= 0) {
                throw new IllegalArgumentException("window and capacity must be positive");
            }
            return new JournalSessionStore(this);
        }
    }
}
