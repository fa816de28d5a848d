package dev.lifeline.journal;

import dev.lifeline.Message;
import dev.lifeline.reliable.ClientJournal;
import dev.lifeline.reliable.SessionState;
import dev.lifeline.reliable.SessionStoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A {@link ClientJournal} in a directory of its own: the same SQLite database (WAL mode, group commit, one writer, a
 * lock file naming the process that holds it) as {@link JournalSessionStore}, holding one session, the client's.
 *
 * <pre>{@code
 * ReliableClient client = ReliableClient.builder(uri)
 *         .journal(SqliteClientJournal.open(Path.of("client-state")))
 *         .connect();
 * }</pre>
 *
 * <p>The token is kept as issued (the client must present it): the directory is made readable by its owner only,
 * and whoever can read it can resume the session. A server's state directory is refused, and a server refuses a
 * client's. Thread-safe.
 */
public final class SqliteClientJournal implements ClientJournal {
    /** The client's row in the session tables. */
    static final String ID = "client";

    private final Database db;
    private final SqliteJournal session;
    private final Path directory;
    private final AtomicBoolean loaded = new AtomicBoolean();

    private SqliteClientJournal(Path directory, Database db) {
        this.directory = directory;
        this.db = db;
        this.session = new SqliteJournal(db, ID);
    }

    /** The journal in {@code directory} (created if missing), every commit fsynced. */
    public static SqliteClientJournal open(Path directory) {
        return open(directory, Duration.ZERO);
    }

    /**
     * The journal in {@code directory} (created if missing).
     *
     * @param fsyncEvery {@link Duration#ZERO}: every commit is fsynced before the saves in it complete (a send is
     *        "persisted" on disk); else commits are not fsynced and the log is fsynced every {@code fsyncEvery}
     *        (a crash of the process loses nothing; a power loss may lose the saves of the last interval)
     * @throws SessionStoreException if another process has the directory open (naming it), or its database is
     *         damaged, not Lifeline's, or a server's
     */
    public static SqliteClientJournal open(Path directory, Duration fsyncEvery) {
        if (fsyncEvery.isNegative()) {
            throw new IllegalArgumentException("the fsync interval must not be negative: " + fsyncEvery);
        }
        Database db = Database.open(directory, fsyncEvery);
        try {
            long servers = db.call(c -> count(c, "SELECT count(*) FROM session WHERE id <> ?", ID));
            if (servers > 0) {
                throw new SessionStoreException("the directory " + directory + " holds a server's sessions; a client"
                        + " journal needs a directory of its own", null);
            }
            ownerOnly(directory);
            return new SqliteClientJournal(directory, db);
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    private static void ownerOnly(Path directory) {
        try {
            Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
        } catch (UnsupportedOperationException | IOException e) {
            // not a POSIX file system: left as the system made it
        }
    }

    static long count(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setObject(i + 1, args[i]);
            }
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    /**
     * @throws IllegalStateException if called twice (one client per journal)
     * @throws SessionStoreException if the saved numbers and messages contradict each other: refused, not misread
     */
    @Override
    public Saved load() {
        if (!loaded.compareAndSet(false, true)) {
            throw new IllegalStateException("the journal in " + directory + " is in use by a client already");
        }
        return db.call(c -> {
            SqliteJournal.update(c, "INSERT OR IGNORE INTO session (id, next, acked, recv, used, detached_at)"
                    + " VALUES (?, 1, 0, 0, 0, NULL)", ID);
            long[] n = SqliteJournal.numbers(c, ID);
            List<SessionState.Saved> out = SqliteJournal.messages(c, "outbox", ID, n[1] + 1, n[0] - 1);
            List<SessionState.Saved> in = SqliteJournal.messages(c, "inbox", ID, n[3] + 1, n[2]);
            try {
                return new Saved(token(c), new SessionState(n[0], n[1], n[2], n[3], out, in));
            } catch (IllegalArgumentException e) {
                throw new SessionStoreException("the client journal in " + directory + " is inconsistent ("
                        + e.getMessage() + "); refusing to use it: move it away to start a new session", e);
            }
        });
    }

    private static Optional<byte[]> token(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT token FROM client WHERE id = ?")) {
            s.setString(1, ID);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(r.getBytes(1)) : Optional.empty();
            }
        }
    }

    @Override
    public CompletionStage<Void> token(byte[] token) {
        return db.submit(c -> {
            SqliteJournal.update(c, "INSERT OR REPLACE INTO client (id, token) VALUES (?, ?)", ID, token);
            return null;
        });
    }

    @Override
    public CompletionStage<Void> renewed(byte[] token) {
        return db.submit(c -> {
            forget(c);
            SqliteJournal.update(c, "INSERT INTO session (id, next, acked, recv, used, detached_at)"
                    + " VALUES (?, 1, 0, 0, 0, NULL)", ID);
            SqliteJournal.update(c, "INSERT INTO client (id, token) VALUES (?, ?)", ID, token);
            return null;
        });
    }

    @Override
    public CompletionStage<Void> ended() {
        return db.submit(c -> {
            forget(c);
            return null;
        });
    }

    private static void forget(Connection c) throws SQLException {
        for (String table : List.of("outbox", "inbox", "session", "client")) {
            SqliteJournal.update(c, "DELETE FROM " + table + " WHERE id = ?", ID);
        }
    }

    @Override
    public CompletionStage<Void> received(long firstSeq, List<Message> messages) {
        return session.received(firstSeq, messages);
    }

    @Override
    public CompletionStage<Void> commit(long consumedBefore, long consumed, long firstSeq, List<Message> sends) {
        return session.commit(consumedBefore, consumed, firstSeq, sends);
    }

    @Override
    public CompletionStage<Void> acknowledged(long ack) {
        return session.acknowledged(ack);
    }

    /** How many transactions were committed so far (each one fsync with the every-commit policy). */
    long commits() {
        return db.commits();
    }

    /** Saves what was submitted and closes the database; the session stays on disk as last saved. */
    @Override
    public void close() {
        db.close();
    }

    @Override
    public String toString() {
        return "SqliteClientJournal[" + directory + "]";
    }
}
