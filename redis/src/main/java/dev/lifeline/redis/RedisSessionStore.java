package dev.lifeline.redis;

import dev.lifeline.Message;
import dev.lifeline.reliable.CloseReason;
import dev.lifeline.reliable.InMemorySessionStore;
import dev.lifeline.reliable.ReliableOptions;
import dev.lifeline.reliable.ServerSession;
import dev.lifeline.reliable.SessionState;
import dev.lifeline.reliable.SessionStore;
import dev.lifeline.reliable.SessionStoreException;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link SessionStore} shared by several server nodes through Redis: any node resumes any session, from the state
 * saved on every change (see {@link dev.lifeline.reliable.SessionJournal} and {@link RedisScripts}); one node owns a
 * session at a time, and a takeover fences the previous owner. Data layout: {@link SessionKeys}.
 *
 * <pre>{@code
 * ReliableServer server = ReliableServer.builder(handler)
 *         .store(RedisSessionStore.create("redis://127.0.0.1:6379/0"))
 *         .start();
 * }</pre>
 *
 * <p>Each node keeps its own sessions in memory too (an {@link InMemorySessionStore} of the same window, which ends
 * the local copy of a session left without a connection); Redis keeps every session for at least the resume window
 * after its last save (the keys' TTL, at most a second more), renewed every third of the window while a connection
 * is attached here.
 *
 * <p>Redis unreachable: {@link #healthy()} turns false within a second (the server then answers handshakes with 503
 * and Retry-After), new sessions and resumes are refused with 1013, a session whose change cannot be saved ends on
 * this node (its client comes back later and resumes from the last saved state). Commands are rejected at once
 * while the connection is down, and it reconnects by itself.
 *
 * <p>Any node can send to any session ({@link #send}, by {@link #sessionId}): through the session's mailbox in
 * Redis and a notification on its owner's channel; a notification lost (pub/sub is not reliable) only delays the
 * message until the owner's next sweep (every third of the window) or the session's next resume. Thread-safe.
 */
public final class RedisSessionStore implements SessionStore {
    private static final System.Logger LOG = System.getLogger("dev.lifeline.redis");
    private static final int PAGE = 256;
    /** Each node's channel, told of mail for the sessions it owns: this prefix and the node's id. */
    static final String CHANNEL = "lifeline:node:";

    /** A session this node owns, its journal and its mailbox. */
    private record Owned(ServerSession session, RedisJournal journal, Mailbox mailbox) {
    }

    private final String node = UUID.randomUUID().toString();
    private final Duration window;
    private final Duration timeout;
    private final int replicas;
    private final Duration replicaTimeout;
    private final RedisConnector redis;
    /** Whether {@link #redis} was made for this store (closed with it), not given by the application. */
    private final boolean ownsConnector;
    private final StatefulConnection<byte[], byte[]> connection;
    private final RedisClusterAsyncCommands<byte[], byte[]> commands;
    private final InMemorySessionStore local;
    private final Map<String, Owned> owned = new ConcurrentHashMap<>();
    /**
     * Sessions that ended for good on this node (their deletion sent), with when: a resume that races the deletion
     * (on a Redis Cluster it may reach its shard first) must not revive them. Kept one window.
     */
    private final Map<String, Long> endedHere = new ConcurrentHashMap<>();
    /** The same, by {@link #sessionId}: for the notifications of mail. */
    private final Map<String, Owned> ownedById = new ConcurrentHashMap<>();
    private final StatefulRedisPubSubConnection<byte[], byte[]> notifications;
    private final ReentrantLock[] resuming = new ReentrantLock[64];
    private final ScheduledExecutorService timer;
    private volatile boolean healthy = true;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private RedisSessionStore(Builder b) {
        this.window = b.window;
        this.replicas = b.replicas;
        this.replicaTimeout = b.replicaTimeout;
        this.local = new InMemorySessionStore(b.window, b.capacity);
        for (int i = 0; i < resuming.length; i++) {
            resuming[i] = new ReentrantLock();
        }
        RedisConnector redis;
        try {
            redis = b.shared != null ? b.shared : RedisConnector.connect(b.url, b.timeout);
        } catch (IllegalArgumentException | RedisUnavailableException e) {
            local.close();
            throw e;
        } catch (RuntimeException e) {
            local.close();
            throw new SessionStoreException("cannot connect to Redis at " + b.url + ": " + e.getMessage(), e);
        }
        this.redis = redis;
        this.ownsConnector = b.shared == null;
        this.timeout = redis.timeout();
        if (b.replicas > 0 && redis.isCluster()) {
            closeConnector();
            local.close();
            throw new IllegalArgumentException("replicas(" + b.replicas + ") needs a single primary: WAIT would not"
                    + " reach the shard of each session in a Redis Cluster");
        }
        RedisConnector.Link<byte[], byte[]> link = null;
        try {
            link = redis.open(ByteArrayCodec.INSTANCE);
            this.notifications = redis.newPubSub(ByteArrayCodec.INSTANCE);
            this.connection = link.connection();
            this.commands = link.commands();
        } catch (RuntimeException e) {
            if (link != null) {
                link.connection().close();
            }
            closeConnector();
            local.close();
            throw new SessionStoreException("cannot connect to " + redis.where() + ": " + e.getMessage(), e);
        }
        notifications.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(byte[] channel, byte[] sessionId) {
                Owned o = ownedById.get(new String(sessionId, StandardCharsets.US_ASCII));
                if (o != null) {
                    o.mailbox().drain();
                }
            }
        });
        notifications.sync().subscribe(SessionKeys.bytes(CHANNEL + node));
        this.timer = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().name("lifeline-redis-store").daemon().factory());
        long third = Math.max(1, window.toMillis() / 3);
        timer.scheduleWithFixedDelay(this::probe, 0, b.probeInterval.toMillis(), TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(this::renewAttached, third, third, TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(() -> endedHere.values().removeIf(at -> System.nanoTime() - at
                > window.toNanos()), third, third, TimeUnit.MILLISECONDS);
    }

    /** A store on the Redis at {@code url} ({@link RedisUrls}), with the default resume window of 2 minutes. */
    public static RedisSessionStore create(String url) {
        return builder(url).build();
    }

    /** A store that connects to {@code url} itself (and disconnects on {@link #close()}). */
    public static Builder builder(String url) {
        return new Builder(Objects.requireNonNull(url, "url"), null);
    }

    /**
     * A store on the Redis (or Redis Cluster) of {@code redis}, with its options (TLS trust, command timeout): it
     * opens its own connections through it, and leaves {@code redis} open on {@link #close()}.
     */
    public static Builder builder(RedisConnector redis) {
        return new Builder(redis.url(), redis);
    }

    /** This node's id in Redis (the owner of the sessions it runs). */
    public String node() {
        return node;
    }

    public Duration window() {
        return window;
    }

    RedisClusterAsyncCommands<byte[], byte[]> commands() {
        return commands;
    }

    /** Completes when the writes issued so far are on {@link Builder#replicas} replicas (at once if none). */
    CompletionStage<Void> replicated() {
        if (replicas == 0) {
            return java.util.concurrent.CompletableFuture.completedFuture(null);
        }
        return commands.waitForReplication(replicas, replicaTimeout.toMillis()).handle((acked, failure) -> {
            if (failure != null) {
                throw new java.util.concurrent.CompletionException(RedisJournal.failed(failure));
            }
            if (acked < replicas) {
                throw new java.util.concurrent.CompletionException(new SessionStoreException("only " + acked
                        + " of " + replicas + " replicas have the save after " + replicaTimeout, null));
            }
            return null;
        });
    }

    /**
     * The session's id in Redis (its token hashed, as in its keys): what the application keeps to send to the
     * session from any node ({@link #send}). It is not a secret and cannot resume the session.
     */
    public static String sessionId(ServerSession session) {
        return SessionKeys.of(session.token().orElseThrow()).id();
    }

    /**
     * Sends a message to a session, wherever it runs: appended to the session's mailbox in Redis, and its owner
     * told; the owner takes it into the session's outbox (numbered after what it sent before) and delivers it as any
     * other send. If the owner is gone, the node the session resumes on takes it. The stage completes once the
     * message is in the mailbox (saved in Redis), not when the client acknowledges it; it fails with
     * {@link SessionStoreException} if there is no such session or Redis cannot be reached.
     */
    public CompletionStage<Void> send(String sessionId, Message message) {
        SessionKeys keys = SessionKeys.ofId(sessionId);
        return commands.eval(RedisScripts.MAIL, ScriptOutputType.INTEGER, keys.all(), Mailbox.encode(message),
                RedisJournal.number(window.toMillis()), SessionKeys.bytes(sessionId)).handle((result, failure) -> {
                    if (failure != null) {
                        throw new java.util.concurrent.CompletionException(RedisJournal.failed(failure));
                    }
                    if (!Long.valueOf(1).equals(result)) {
                        throw new java.util.concurrent.CompletionException(
                                new SessionStoreException("no session " + sessionId + " in Redis", null));
                    }
                    return null;
                });
    }

    // ------------------------------------------------------------------ SessionStore

    @Override
    public boolean add(ServerSession session) {
        String token = session.token().orElseThrow();
        SessionKeys keys = SessionKeys.of(token);
        Object created = await(commands.eval(RedisScripts.CREATE, ScriptOutputType.INTEGER, keys.all(),
                SessionKeys.bytes(node), RedisJournal.number(1), RedisJournal.number(window.toMillis())));
        if (!Long.valueOf(1).equals(created)) {
            return false; // a token drawn twice: refused, the client tries again
        }
        RedisJournal journal = new RedisJournal(this, keys, 1);
        session.journal(journal);
        if (!local.add(session)) {
            quietly(journal.delete());
            return false;
        }
        own(token, session, journal);
        return true;
    }

    @Override
    public Optional<ServerSession> find(String token) {
        return Optional.ofNullable(owned.get(token)).map(Owned::session)
                .filter(s -> s.closeReason().isEmpty());
    }

    /**
     * Claims the session in Redis for this node: if this node owns it already, its copy here; else a copy restored
     * from Redis (the previous owner is fenced from now on). Empty if Redis no longer has it, or if it cannot be
     * restored within {@code options}' bounds (then it is reported lost, with the reason, and deleted).
     */
    @Override
    public Optional<ServerSession> resume(String token, ReliableOptions options) {
        ReentrantLock lock = resuming[Math.floorMod(token.hashCode(), resuming.length)];
        lock.lock();
        try {
            return claim(token, options);
        } finally {
            lock.unlock();
        }
    }

    private Optional<ServerSession> claim(String token, ReliableOptions options) {
        SessionKeys keys = SessionKeys.of(token);
        if (endedHere.containsKey(token)) {
            return Optional.empty(); // ended here for good, its deletion already sent
        }
        Owned mine = owned.get(token);
        if (mine != null && mine.session().closeReason().filter(r -> endedForGood(r.kind())).isPresent()) {
            quietly(mine.journal().delete()); // it ended here just now: not to be revived
            return Optional.empty();
        }
        long known = mine != null && mine.session().closeReason().isEmpty() ? mine.journal().epoch() : 0;
        List<?> claimed = await(commands.eval(RedisScripts.CLAIM, ScriptOutputType.MULTI, keys.all(),
                SessionKeys.bytes(node), RedisJournal.number(known), RedisJournal.number(window.toMillis())));
        if (claimed == null || claimed.isEmpty() || claimed.get(0) == null) {
            if (mine != null) {
                mine.session().moved("the session no longer exists in Redis");
            }
            return Optional.empty();
        }
        // What the claim reads may include saves that were never replicated (they failed): the WELCOME would
        // acknowledge them, so it waits for the replicas too.
        await(replicated());
        long epoch = number(claimed.get(0));
        if (number(claimed.get(1)) == 0) {
            mine.mailbox().drain(); // in case a notification was lost
            return Optional.of(mine.session());
        }
        if (mine != null) {
            mine.session().moved("this node's copy is stale: the session was taken over at epoch " + epoch);
        }
        RedisJournal journal = new RedisJournal(this, keys, epoch);
        SessionState state;
        try {
            state = load(keys, number(claimed.get(2)), number(claimed.get(3)), number(claimed.get(4)),
                    number(claimed.get(5)), options);
        } catch (IllegalArgumentException e) {
            LOG.log(Level.WARNING, "session " + keys.id() + " is lost and deleted: " + e.getMessage());
            journal.delete();
            return Optional.empty();
        }
        ServerSession session = ServerSession.restore("redis-" + keys.id().substring(0, 8),
                Base64.getUrlDecoder().decode(token), options, state, journal);
        local.add(session);
        own(token, session, journal).mailbox().drain();
        LOG.log(Level.DEBUG, "session " + keys.id() + " taken over at epoch " + epoch + ": " + state.outbox().size()
                + " to resend, " + state.unconsumed().size() + " to handle again");
        return Optional.of(session);
    }

    private Owned own(String token, ServerSession session, RedisJournal journal) {
        Owned o = new Owned(session, journal, new Mailbox(commands, journal.keys(), session, journal));
        owned.put(token, o);
        ownedById.put(journal.keys().id(), o);
        return o;
    }

    /**
     * Reads the session's saved messages, in pages.
     *
     * @throws IllegalArgumentException if they exceed {@code options}' bounds or some are missing
     */
    private SessionState load(SessionKeys keys, long next, long acked, long recv, long used,
            ReliableOptions options) {
        long outbox = next - 1 - acked;
        if (outbox > options.outboxMessages()) {
            throw new IllegalArgumentException("its replay buffer holds " + outbox + " messages, more than this node's"
                    + " outbox bound of " + options.outboxMessages());
        }
        List<SessionState.Saved> out = range(keys.outbox(), acked + 1, next - 1);
        long bytes = out.stream().mapToLong(m -> m.message().size()).sum();
        if (bytes > options.outboxBytes()) {
            throw new IllegalArgumentException("its replay buffer holds " + bytes + " bytes, more than this node's"
                    + " outbox bound of " + options.outboxBytes());
        }
        return new SessionState(next, acked, recv, used, out, range(keys.inbox(), used + 1, recv));
    }

    /**
     * The messages numbered {@code first} to {@code last} in a session's stream, read a page of entries at a time.
     * An entry is named after its last message ({@link RedisScripts}): the first entry read is the one that holds
     * {@code first}, whose messages below it are skipped, and the reading ends with the entry that holds
     * {@code last}.
     */
    List<SessionState.Saved> range(byte[] stream, long first, long last) {
        List<SessionState.Saved> saved = new ArrayList<>();
        Range.Boundary<String> from = Range.Boundary.including(first + "-0");
        while (first <= last) { // each page goes on from the last entry of the one before
            List<StreamMessage<byte[], byte[]>> page = await(commands.xrange(stream,
                    Range.from(from, Range.Boundary.unbounded()), Limit.from(PAGE)));
            for (StreamMessage<byte[], byte[]> entry : page) {
                long entryLast = Long.parseLong(entry.getId().substring(0, entry.getId().indexOf('-')));
                List<SessionState.Saved> messages = new ArrayList<>();
                entry.getBody().forEach((field, payload) -> {
                    // "t12" names message 12; "t" alone, the entry's only message (as written until 2026-12-04)
                    long seq = field.length == 1 ? entryLast
                            : Long.parseLong(new String(field, 1, field.length - 1, StandardCharsets.US_ASCII));
                    if (seq >= first && seq <= last) {
                        messages.add(new SessionState.Saved(seq, TopicLog.message(field[0], payload)));
                    }
                });
                messages.sort(Comparator.comparingLong(SessionState.Saved::seq));
                saved.addAll(messages);
                if (entryLast >= last) {
                    return saved;
                }
            }
            if (page.size() < PAGE) {
                break;
            }
            from = Range.Boundary.excluding(page.getLast().getId());
        }
        return saved;
    }

    @Override
    public void detached(ServerSession session) {
        local.detached(session);
        Owned o = owned.get(session.token().orElseThrow());
        if (o != null && o.session() == session) {
            quietly(o.journal().touch());
        }
    }

    /**
     * Forgets this node's copy. A session that ended for good (closed by either side, its handler failed, or its
     * window passed) is deleted from Redis; one that ended only here (moved, server stopped, evicted from this node's
     * memory, store failed) stays there, for its TTL, for whichever node its client comes back to.
     */
    @Override
    public void remove(ServerSession session) {
        String token = session.token().orElseThrow();
        try {
            Owned o = owned.get(token);
            if (o == null || o.session() != session) {
                return;
            }
            CloseReason.Kind kind = session.closeReason().map(CloseReason::kind).orElse(CloseReason.Kind.CLOSED);
            boolean forGood = endedForGood(kind);
            Long endedAt = System.nanoTime();
            if (forGood) {
                // before it leaves owned: a resume in between must not claim it from Redis before the deletion
                endedHere.put(token, endedAt);
            }
            if (!owned.remove(token, o)) {
                if (forGood) {
                    endedHere.remove(token, endedAt);
                }
                return;
            }
            ownedById.remove(o.journal().keys().id(), o);
            if (forGood) {
                quietly(o.journal().delete());
            } else if (kind == CloseReason.Kind.SERVER_STOPPED || kind == CloseReason.Kind.EVICTED) {
                quietly(o.journal().touch()); // for the window, for another node (or this one's next copy)
            }
        } finally {
            // last: a resume that no longer finds the session here claims it after the deletion (one connection)
            local.remove(session);
        }
    }

    /** Closed by either side, its handler failed, or its window passed: deleted from Redis. */
    private static boolean endedForGood(CloseReason.Kind kind) {
        return switch (kind) {
            case CLOSED, CLOSED_BY_PEER, FAILED, EXPIRED -> true;
            default -> false;
        };
    }

    @Override
    public int size() {
        return local.size();
    }

    @Override
    public boolean shared() {
        return true;
    }

    /** Whether Redis answered the last probe (every {@link Builder#probeInterval}): what a health check reports. */
    @Override
    public boolean healthy() {
        return healthy;
    }

    /** Stops the timers and disconnects from Redis; the sessions stay there, for their TTL. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        timer.shutdownNow();
        local.close();
        notifications.close();
        connection.close();
        closeConnector();
    }

    private void closeConnector() {
        if (ownsConnector) {
            redis.close();
        }
    }

    // ------------------------------------------------------------------ timers

    private void probe() {
        try {
            commands.ping().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!healthy) {
                LOG.log(Level.INFO, "Redis answers again");
            }
            healthy = true;
        } catch (Exception e) {
            if (healthy) {
                LOG.log(Level.WARNING, "Redis does not answer: " + e);
            }
            healthy = false;
        } catch (Error e) {
            healthy = false;
            throw e;
        }
    }

    /** Renews the TTL of the sessions attached here; a stale owner learns here that its session was taken over. */
    private void renewAttached() {
        for (Owned o : owned.values()) {
            o.mailbox().drain(); // in case a notification was lost
            if (o.session().connection().isPresent()) {
                o.journal().touch().whenComplete((v, e) -> {
                    if (e != null && e.getCause() instanceof dev.lifeline.reliable.SessionMovedException moved) {
                        o.session().moved(moved.getMessage());
                    }
                });
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    private <T> T await(CompletionStage<T> call) {
        try {
            return call.toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SessionStoreException("interrupted while waiting for Redis", e);
        } catch (Exception e) {
            throw RedisJournal.failed(e instanceof java.util.concurrent.ExecutionException ? e.getCause() : e);
        }
    }

    private static void quietly(CompletionStage<Void> save) {
        save.whenComplete((v, e) -> {
            if (e != null) {
                LOG.log(Level.DEBUG, "Redis: " + e.getMessage());
            }
        });
    }

    private static long number(Object reply) {
        return switch (reply) {
            case Long n -> n;
            case byte[] b -> Long.parseLong(new String(b, StandardCharsets.US_ASCII));
            default -> throw new IllegalStateException("unexpected Redis reply " + reply);
        };
    }

    /** Options of a {@link RedisSessionStore}. */
    public static final class Builder {
        private final String url;
        private final RedisConnector shared;
        private Duration window = InMemorySessionStore.DEFAULT_WINDOW;
        private int capacity = InMemorySessionStore.DEFAULT_CAPACITY;
        private Duration timeout = Duration.ofSeconds(5);
        private Duration probeInterval = Duration.ofMillis(500);
        private int replicas;
        private Duration replicaTimeout = Duration.ofSeconds(1);

        private Builder(String url, RedisConnector shared) {
            this.url = url;
            this.shared = shared;
        }

        /** How long a session without a connection is kept (the keys' TTL); 2 minutes. */
        public Builder window(Duration window) {
            this.window = Objects.requireNonNull(window);
            return this;
        }

        /** The most sessions this node keeps in memory; 10,000 (the rest stay in Redis, resumable). */
        public Builder capacity(int capacity) {
            this.capacity = capacity;
            return this;
        }

        /**
         * How long a Redis command may take before it counts as failed; 5 s. A store built on a
         * {@link RedisConnector} takes the connector's timeout instead.
         */
        public Builder timeout(Duration timeout) {
            if (shared != null) {
                throw new IllegalStateException("the timeout is the connector's: set it on RedisConnector.builder");
            }
            this.timeout = Objects.requireNonNull(timeout);
            return this;
        }

        /** How often Redis is pinged for {@link #healthy()}; 500 ms. */
        public Builder probeInterval(Duration interval) {
            this.probeInterval = Objects.requireNonNull(interval);
            return this;
        }

        /**
         * Acknowledges a client's message, and transmits a handler's answers, only once {@code replicas} replicas
         * of the primary have them ({@code WAIT replicas timeout}): a replica promoted after the primary's death
         * then has every acknowledged save. A save not replicated within {@code timeout} fails as if Redis were
         * unreachable. For a single primary (not Redis Cluster); none by default.
         */
        public Builder replicas(int replicas, Duration timeout) {
            if (replicas < 0) {
                throw new IllegalArgumentException("replicas must not be negative: " + replicas);
            }
            this.replicas = replicas;
            this.replicaTimeout = Objects.requireNonNull(timeout);
            return this;
        }

        /**
         * Connects to Redis.
         *
         * @throws SessionStoreException if Redis cannot be reached now
         * @throws RedisUnavailableException if the TLS handshake fails (the message says why)
         * @throws IllegalArgumentException if the URL is not a Redis URL
         */
        public RedisSessionStore build() {
            return new RedisSessionStore(this);
        }
    }
}
