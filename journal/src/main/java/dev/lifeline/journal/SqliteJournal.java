package dev.lifeline.journal;

import dev.lifeline.Message;
import dev.lifeline.reliable.Session;
import dev.lifeline.reliable.SessionJournal;
import dev.lifeline.reliable.SessionState;
import dev.lifeline.reliable.SessionStoreException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * One session's journal in the state database, under its hashed token {@code id}: each save is one piece of work
 * on the database's writer ({@link Database#submit}), in the order the session makes them, and checks that it
 * follows the previous save (else it fails, changing nothing). Thread-safe.
 */
final class SqliteJournal implements SessionJournal {
    private final Database db;
    private final String id;

    SqliteJournal(Database db, String id) {
        this.db = db;
        this.id = id;
    }

    @Override
    public CompletionStage<Void> received(long firstSeq, List<Message> messages) {
        return db.submit(c -> {
            long[] saved = numbers(c, id);
            if (firstSeq != saved[2] + 1) {
                throw new SessionStoreException("gap: saved received " + saved[2] + ", saving from " + firstSeq,
                        null);
            }
            insert(c, "inbox", id, firstSeq, messages);
            update(c, "UPDATE session SET recv = ? WHERE id = ?", firstSeq + messages.size() - 1, id);
            return null;
        });
    }

    @Override
    public CompletionStage<Void> commit(long consumedBefore, long consumed, long firstSeq, List<Message> sends) {
        return db.submit(c -> {
            long[] saved = numbers(c, id);
            if (saved[3] != consumedBefore || saved[0] != firstSeq) {
                throw new SessionStoreException("gap: saved consumed " + saved[3] + " and next " + saved[0]
                        + ", commit expects " + consumedBefore + " and " + firstSeq, null);
            }
            if (consumed != consumedBefore) {
                update(c, "UPDATE session SET used = ? WHERE id = ?", consumed, id);
                update(c, "DELETE FROM inbox WHERE seq <= ? AND id = ?", consumed, id);
            }
            insert(c, "outbox", id, firstSeq, sends);
            update(c, "UPDATE session SET next = ? WHERE id = ?", firstSeq + sends.size(), id);
            return null;
        });
    }

    @Override
    public CompletionStage<Void> acknowledged(long ack) {
        return db.submit(c -> {
            update(c, "UPDATE session SET acked = max(acked, ?) WHERE id = ?", ack, id);
            update(c, "DELETE FROM outbox WHERE seq <= ? AND id = ?", ack, id);
            return null;
        });
    }

    /** The session's saved next, acked, recv and used. */
    static long[] numbers(Connection c, String id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT next, acked, recv, used FROM session WHERE id = ?")) {
            s.setString(1, id);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    throw new SessionStoreException("the session is no longer in the state database", null);
                }
                return new long[] {r.getLong(1), r.getLong(2), r.getLong(3), r.getLong(4)};
            }
        }
    }

    /** The saved messages of {@code table} numbered {@code first} to {@code last}, in order. */
    static List<SessionState.Saved> messages(Connection c, String table, String id, long first, long last)
            throws SQLException {
        List<SessionState.Saved> saved = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT seq, text, payload FROM " + table
                + " WHERE id = ? AND seq BETWEEN ? AND ? ORDER BY seq")) {
            s.setString(1, id);
            s.setLong(2, first);
            s.setLong(3, last);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    byte[] payload = r.getBytes(3);
                    Message m = r.getInt(2) == 1 ? Message.text(new String(payload, StandardCharsets.UTF_8))
                            : Message.binary(payload);
                    saved.add(new SessionState.Saved(r.getLong(1), m));
                }
            }
        }
        return saved;
    }

    private static void insert(Connection c, String table, String id, long firstSeq, List<Message> messages)
            throws SQLException {
        if (messages.isEmpty()) {
            return;
        }
        try (PreparedStatement s = c.prepareStatement("INSERT INTO " + table
                + " (id, seq, text, payload) VALUES (?, ?, ?, ?)")) {
            long seq = firstSeq;
            for (Message m : messages) {
                s.setString(1, id);
                s.setLong(2, seq++);
                s.setInt(3, m instanceof Message.Text ? 1 : 0);
                s.setBytes(4, Session.payloadOf(m));
                s.addBatch();
            }
            s.executeBatch();
        }
    }

    static int update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setObject(i + 1, args[i]);
            }
            return s.executeUpdate();
        }
    }
}
