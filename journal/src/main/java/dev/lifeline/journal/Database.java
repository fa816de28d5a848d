package dev.lifeline.journal;

import dev.lifeline.reliable.SessionStoreException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The state directory: its SQLite database ({@value #FILE}, WAL mode) and its lock file ({@value #LOCK}, held for
 * as long as the database is open, so that a second process gets a clear error instead of sharing the files).
 *
 * <p>One writer thread owns the connection and runs every piece of work submitted ({@link #submit}) in order. Group
 * commit: the work waiting when the writer becomes free runs in one transaction, each piece in its own savepoint
 * (a piece that fails is undone alone and fails alone), and one commit (one fsync of the WAL with the
 * every-commit policy) completes them all. With a periodic policy ({@code fsyncEvery} not zero) commits do not
 * fsync ({@code synchronous=NORMAL}) and the writer checkpoints the WAL every {@code fsyncEvery}, which fsyncs it.
 * Thread-safe.
 */
final class Database implements AutoCloseable {
    static final String FILE = "sessions.db";
    static final String LOCK = "lock";
    /** {@code PRAGMA application_id} of a Lifeline state database: "LfLn". */
    private static final int APPLICATION_ID = 0x4c664c6e;
    /** 2 added the client's table (a version 1 database is upgraded when opened). */
    private static final int SCHEMA_VERSION = 2;
    private static final int MAX_BATCH = 4096;
    private static final System.Logger LOG = System.getLogger("dev.lifeline.journal");

    /** Work run on the writer thread, inside the batch's transaction. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private record Job<T>(Work<T> work, CompletableFuture<T> done) {
        void fail(Throwable cause) {
            done.completeExceptionally(cause);
        }
    }

    private static final Job<Void> STOP = new Job<>(null, null);

    private final Path file;
    private final FileChannel lockChannel;
    private final Connection connection;
    private final Duration fsyncEvery;
    private final LinkedBlockingQueue<Job<?>> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    /** Transactions committed (each one fsync with the every-commit policy): for tests and monitoring. */
    private final java.util.concurrent.atomic.AtomicLong commits = new java.util.concurrent.atomic.AtomicLong();
    /** Guarded by {@link #queue}'s monitor: no work is taken once {@link #STOP} is queued. */
    private boolean stopping;

    private Database(Path file, FileChannel lockChannel, Connection connection, Duration fsyncEvery) {
        this.file = file;
        this.lockChannel = lockChannel;
        this.connection = connection;
        this.fsyncEvery = fsyncEvery;
        this.writer = Thread.ofPlatform().name("lifeline-journal-writer").daemon().start(this::write);
    }

    /**
     * Locks the directory, opens (or creates) its database and checks it.
     *
     * @param fsyncEvery {@link Duration#ZERO} to fsync every commit, else how often the WAL is fsynced
     * @throws SessionStoreException if another process has the directory, or the database is damaged or not ours
     */
    static Database open(Path directory, Duration fsyncEvery) {
        FileChannel lock = lock(directory);
        Path file = directory.resolve(FILE);
        Connection c = null;
        try {
            c = new org.sqlite.JDBC().connect("jdbc:sqlite:" + file.toAbsolutePath(), new Properties());
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA locking_mode=EXCLUSIVE");
                int version = check(s, file); // before anything changes the file
                String mode = text(s, "PRAGMA journal_mode=WAL");
                if (!"wal".equalsIgnoreCase(mode)) {
                    throw new SQLException("the database refused WAL mode (" + mode + ")");
                }
                s.execute("PRAGMA synchronous=" + (fsyncEvery.isZero() ? "FULL" : "NORMAL"));
                if (version == 0) {
                    create(s);
                } else if (version == 1) {
                    s.execute(CLIENT_TABLE);
                    s.execute("PRAGMA user_version=" + SCHEMA_VERSION);
                }
            }
            return new Database(file, lock, c, fsyncEvery);
        } catch (SQLException | RuntimeException e) {
            closeQuietly(c);
            closeQuietly(lock);
            if (e instanceof SessionStoreException known) {
                throw known;
            }
            throw damaged(file, e.getMessage(), e);
        }
    }

    /** Takes the directory's lock file, or fails naming the process that holds it. */
    private static FileChannel lock(Path directory) {
        Path path = directory.resolve(LOCK);
        FileChannel channel;
        try {
            Files.createDirectories(directory);
            channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new SessionStoreException("cannot open the state directory " + directory + ": " + e, e);
        }
        try {
            FileLock held = channel.tryLock();
            if (held != null) {
                channel.truncate(0);
                channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n")
                        .getBytes(StandardCharsets.US_ASCII)), 0);
                return channel;
            }
        } catch (OverlappingFileLockException e) {
            // held by this process already: the same error
        } catch (IOException e) {
            closeQuietly(channel);
            throw new SessionStoreException("cannot lock the state directory " + directory + ": " + e, e);
        }
        String holder;
        try {
            holder = Files.readString(path, StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            holder = "?";
        }
        closeQuietly(channel);
        throw new SessionStoreException("the state directory " + directory + " is in use by another process (pid "
                + holder + "): one process per state directory", null);
    }

    /**
     * Refuses a damaged database, or one that is not a Lifeline state database, changing nothing.
     *
     * @return the schema version found: 0 if the database is new (empty), its tables to be created
     */
    private static int check(Statement s, Path file) throws SQLException {
        String integrity = text(s, "PRAGMA quick_check");
        if (!"ok".equals(integrity)) {
            throw damaged(file, integrity, null);
        }
        int application = Integer.parseInt(text(s, "PRAGMA application_id"));
        int tables = Integer.parseInt(text(s, "SELECT count(*) FROM sqlite_schema"));
        if (application == 0 && tables == 0) {
            return 0;
        }
        if (application != APPLICATION_ID) {
            throw new SessionStoreException(file + " is not a Lifeline state database (application_id "
                    + application + "); refusing to use it", null);
        }
        int version = Integer.parseInt(text(s, "PRAGMA user_version"));
        if (version != SCHEMA_VERSION && version != 1) {
            throw new SessionStoreException(file + " has schema version " + version + ", this Lifeline reads "
                    + SCHEMA_VERSION + "; refusing to use it", null);
        }
        return version;
    }

    /** A client's journal: its session's token (the session itself is the row {@code client} of the others). */
    private static final String CLIENT_TABLE = "CREATE TABLE client (id TEXT PRIMARY KEY, token BLOB) WITHOUT ROWID";

    /**
     * The tables: a session's numbers, and its unacknowledged (outbox) and unhandled (inbox) messages; a client's
     * token.
     */
    private static void create(Statement s) throws SQLException {
        s.execute("PRAGMA application_id=" + APPLICATION_ID);
        s.execute("PRAGMA user_version=" + SCHEMA_VERSION);
        s.execute("""
                CREATE TABLE session (id TEXT PRIMARY KEY, next INTEGER NOT NULL, acked INTEGER NOT NULL,
                  recv INTEGER NOT NULL, used INTEGER NOT NULL, detached_at INTEGER) WITHOUT ROWID""");
        s.execute("""
                CREATE TABLE outbox (id TEXT NOT NULL, seq INTEGER NOT NULL, text INTEGER NOT NULL,
                  payload BLOB NOT NULL, PRIMARY KEY (id, seq)) WITHOUT ROWID""");
        s.execute("""
                CREATE TABLE inbox (id TEXT NOT NULL, seq INTEGER NOT NULL, text INTEGER NOT NULL,
                  payload BLOB NOT NULL, PRIMARY KEY (id, seq)) WITHOUT ROWID""");
        s.execute(CLIENT_TABLE);
    }

    private static SessionStoreException damaged(Path file, String detail, Throwable cause) {
        return new SessionStoreException("the state database " + file + " is damaged (" + detail + "); refusing to"
                + " start on it: move it away to start with no sessions, or restore a copy", cause);
    }

    private static String text(Statement s, String sql) throws SQLException {
        try (ResultSet r = s.executeQuery(sql)) {
            return r.next() ? r.getString(1) : "";
        }
    }

    /** Runs {@code work} on the writer thread in the next batch; the stage fails with a SessionStoreException. */
    <T> CompletableFuture<T> submit(Work<T> work) {
        CompletableFuture<T> done = new CompletableFuture<>();
        synchronized (queue) {
            if (stopping) {
                done.completeExceptionally(new SessionStoreException("the session store is closed", null));
            } else {
                queue.add(new Job<>(work, done));
            }
        }
        return done;
    }

    /** {@link #submit} and waits (at most 30 s: the disk is stuck). Never on the writer thread. */
    <T> T call(Work<T> work) {
        try {
            return submit(work).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SessionStoreException("interrupted while waiting for the state database", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof SessionStoreException s ? s
                    : new SessionStoreException(String.valueOf(e.getCause()), e.getCause());
        } catch (TimeoutException e) {
            throw new SessionStoreException("the state database did not answer in 30 s", e);
        }
    }

    /** How many transactions were committed so far. */
    long commits() {
        return commits.get();
    }

    /** The writer thread: batches, commits, and with a periodic policy checkpoints. */
    private void write() {
        List<Job<?>> batch = new ArrayList<>();
        long nextSync = System.nanoTime() + fsyncEvery.toNanos();
        try {
            while (true) {
                Job<?> first = fsyncEvery.isZero() ? queue.take()
                        : queue.poll(Math.max(0, nextSync - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (first != null) {
                    batch.add(first);
                    queue.drainTo(batch, MAX_BATCH - 1);
                    boolean stop = batch.remove(STOP);
                    run(batch);
                    batch.clear();
                    if (stop) {
                        return;
                    }
                }
                if (!fsyncEvery.isZero() && System.nanoTime() - nextSync >= 0) {
                    checkpoint("PASSIVE");
                    nextSync = System.nanoTime() + fsyncEvery.toNanos();
                }
            }
        } catch (InterruptedException e) {
            batch.forEach(j -> j.fail(new SessionStoreException("the session store is closed", e)));
        }
    }

    /** One transaction: each job in its savepoint, then one commit. */
    private void run(List<Job<?>> batch) {
        List<Object> results = new ArrayList<>(batch.size());
        try {
            connection.setAutoCommit(false);
            for (Job<?> job : batch) {
                Savepoint savepoint = connection.setSavepoint();
                try {
                    results.add(job.work().run(connection));
                    connection.releaseSavepoint(savepoint);
                } catch (SQLException | RuntimeException e) {
                    connection.rollback(savepoint);
                    connection.releaseSavepoint(savepoint);
                    results.add(e instanceof SessionStoreException s ? s
                            : new SessionStoreException("could not save the session: " + e.getMessage(), e));
                }
            }
            connection.commit();
            commits.incrementAndGet();
            connection.setAutoCommit(true);
        } catch (SQLException e) {
            LOG.log(Level.ERROR, "the state database could not commit " + batch.size() + " saves: " + e);
            try {
                connection.rollback();
                connection.setAutoCommit(true);
            } catch (SQLException again) {
                e.addSuppressed(again);
            }
            SessionStoreException failure = new SessionStoreException("could not commit to " + file + ": "
                    + e.getMessage(), e);
            batch.forEach(j -> j.fail(failure));
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            complete(batch.get(i), results.get(i));
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> void complete(Job<T> job, Object result) {
        if (result instanceof SessionStoreException failure) {
            job.fail(failure);
        } else {
            job.done().complete((T) result);
        }
    }

    /** Copies the WAL into the database; the WAL is fsynced first (with synchronous=NORMAL too). */
    private void checkpoint(String mode) {
        try (Statement s = connection.createStatement()) {
            s.execute("PRAGMA wal_checkpoint(" + mode + ")");
        } catch (SQLException e) {
            LOG.log(Level.WARNING, "checkpoint of " + file + " failed: " + e);
        }
    }

    /** Runs the work already submitted, checkpoints, closes the database and releases the lock. */
    @Override
    public void close() {
        synchronized (queue) {
            if (stopping) {
                return;
            }
            stopping = true;
            queue.add(STOP);
        }
        try {
            writer.join(Duration.ofSeconds(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (writer.isAlive()) {
            LOG.log(Level.ERROR, "the state database writer did not finish in 30 s; closing anyway");
            writer.interrupt();
        } else {
            checkpoint("TRUNCATE");
        }
        closeQuietly(connection);
        closeQuietly(lockChannel);
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.log(Level.DEBUG, "closing: " + e);
            }
        }
    }
}
