package dev.lifeline.redis;

import dev.lifeline.Message;
import dev.lifeline.reliable.BroadcastHub;
import dev.lifeline.reliable.OutboxFullException;
import dev.lifeline.reliable.ReliableSession;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A {@link BroadcastHub} shared by every server node connected to the same Redis (or Redis Cluster): a publish on
 * any node reaches the subscribers of every node, and every subscriber gets a topic's messages in one order, the
 * order in which Redis appended them.
 *
 * <p>How: {@link #publish} appends the message to the topic's log in Redis (a Redis Stream; the entry, its sequence
 * number and a notification are written by one script, in one atomic step) and returns; each node that has
 * subscribers for the topic follows its log (a {@code Follower}) and hands each entry to its own subscribers with
 * {@link ReliableSession#trySend}. Notifications (Redis pub/sub) only wake the nodes up: a node checks that each is
 * the next entry and otherwise reads the log, reads each followed log's newest entry every {@code probeInterval}, and
 * probes its own subscription so that one silently dead after a Redis restart or failover is replaced.
 *
 * <p>The futures {@link #publish} returns are those of <em>this node's</em> subscribers (subscribers on other nodes
 * are reached as well; their futures are their nodes' affair, and failures there are logged there). Each completes
 * when its subscriber acknowledges the message, and fails with {@link OutboxFullException} if that subscriber's outbox
 * is full, with {@link RedisUnavailableException} if Redis did not take the message, or with
 * {@link BroadcastLostException} if the entry was lost before this node read it. Nothing is dropped in silence: a
 * node that misses entries (trimmed from the log while it was cut off, or forgotten by Redis) reports a
 * {@link BroadcastLoss} to the loss listener and in its log.
 *
 * <p>Each topic's log keeps at least {@code retain} entries (10,000 by default): a node cut off from Redis for
 * longer than it takes the others to publish that many misses the rest, reported as {@link BroadcastLoss.Kind#TRIMMED}.
 * The keys live until deleted (one log and one counter per topic). Thread-safe.
 */
public final class RedisBroadcastHub implements BroadcastHub {
    private static final Logger LOG = System.getLogger("dev.lifeline.redis");

    /** The futures of one publish made on this node, waiting for its entry to come back from the log. */
    private static final class Publish {
        final String topic;
        final Map<ReliableSession, CompletableFuture<Void>> futures;
        volatile StreamId id;

        Publish(String topic, Map<ReliableSession, CompletableFuture<Void>> futures) {
            this.topic = topic;
            this.futures = futures;
        }
    }

    private final RedisConnector redis;
    private final TopicLog log;
    private final Consumer<BroadcastLoss> lossListener;
    private final String nodeId = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    private final AtomicLong publishes = new AtomicLong();
    private final AtomicLong losses = new AtomicLong();
    private final Map<String, Set<ReliableSession>> topics = new ConcurrentHashMap<>();
    private final Map<String, Publish> pending = new ConcurrentHashMap<>();
    /** The topics whose logs this node follows now: their subscribers get what is published from now on. */
    private final Set<String> following = ConcurrentHashMap.newKeySet();
    /**
     * Per topic, the sessions that subscribed while this node's follower may have been behind the log, and the newest
     * entry when each did: it gets only what comes after (removed once such an entry reached it).
     */
    private final Map<String, Map<ReliableSession, StreamId>> starts = new ConcurrentHashMap<>();
    /** Per topic, the id through which the follower has read or skipped the log. */
    private final Map<String, StreamId> passed = new ConcurrentHashMap<>();
    private final Follower follower;

    private RedisBroadcastHub(Builder b) {
        this.redis = b.redis;
        this.log = new TopicLog(redis, b.retain);
        this.lossListener = b.lossListener;
        this.follower = new Follower(redis, log, new Delivery(), b.probeInterval, nodeId);
        follower.start();
    }

    /** A hub on this connector (which the caller closes, after the hub). */
    public static Builder builder(RedisConnector redis) {
        return new Builder(redis);
    }

    /**
     * Subscribes the session. The first subscriber of a topic on this node starts following the topic's log from its
     * newest entry: every subscriber waits for that (at most twice the connector's timeout; those after the first
     * may come while it is still under way), so that what is published after {@code subscribe} returns reaches the
     * session. With Redis unreachable it returns after that wait and the node
     * starts following once Redis is back (nothing can be published meanwhile).
     */
    @Override
    public void subscribe(String topic, ReliableSession session) {
        Objects.requireNonNull(session, "session");
        startAfterNewest(Objects.requireNonNull(topic, "topic"), session);
        topics.compute(Objects.requireNonNull(topic, "topic"), (t, members) -> {
            Set<ReliableSession> set = members != null ? members : ConcurrentHashMap.newKeySet();
            set.add(session);
            return set;
        });
        // not only the first subscriber waits: one that comes while the first one's start is under way would
        // otherwise return before the node follows the log, and miss what is published right after
        CompletableFuture<Void> started = follower.follow(topic);
        try {
            started.get(redis.timeout().toMillis() * 2, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (TimeoutException | ExecutionException e) {
            LOG.log(Level.INFO, "topic '" + topic + "': not following its log yet (" + redis.where()
                    + " unreachable?); will start once Redis answers");
        }
    }

    /**
     * Makes {@code session} start after the topic's newest entry, where this node's follower may not be yet: a session
     * that moved here from a node that had read further (its client got those entries there, in a session that
     * ended) must not get them again. Without an answer from Redis, it starts where the follower is.
     */
    private void startAfterNewest(String topic, ReliableSession session) {
        if (!following.contains(topic)) {
            return; // the follower will start from the newest entry itself
        }
        try {
            log.newest(topic).ifPresent(newest -> starts.computeIfAbsent(topic, t -> new ConcurrentHashMap<>())
                    .put(session, newest.id()));
        } catch (RedisUnavailableException e) {
            LOG.log(Level.INFO, "topic '" + topic + "': " + session + " starts where this node is in the log ("
                    + e.getMessage() + ")");
        }
    }

    @Override
    public void unsubscribe(String topic, ReliableSession session) {
        Map<ReliableSession, StreamId> started = starts.get(topic);
        if (started != null) {
            started.remove(session);
        }
        boolean[] last = {false};
        topics.computeIfPresent(topic, (t, members) -> {
            members.remove(session);
            last[0] = members.isEmpty();
            return last[0] ? null : members;
        });
        if (last[0]) {
            follower.unfollow(topic);
        }
        for (Map.Entry<String, Publish> p : pending.entrySet()) {
            CompletableFuture<Void> waiting = p.getValue().topic.equals(topic) ? p.getValue().futures.get(session) : null;
            if (waiting != null) {
                waiting.completeExceptionally(new BroadcastLostException("the session left topic '" + topic
                        + "' before the message came back from Redis"));
            }
        }
    }

    @Override
    public void unsubscribeAll(ReliableSession session) {
        for (String topic : Set.copyOf(topics.keySet())) {
            unsubscribe(topic, session);
        }
    }

    /**
     * This node's subscribers of {@code topic}: those that get what is published from now on (a session subscribed
     * while Redis was unreachable counts from when this node could start following the topic).
     */
    @Override
    public Set<ReliableSession> subscribers(String topic) {
        return following.contains(topic) ? Set.copyOf(topics.getOrDefault(topic, Set.of())) : Set.of();
    }

    /**
     * Appends the message to the topic's log in Redis, without waiting; see the class comment for the futures (one
     * per subscriber of this node now).
     */
    @Override
    public Map<ReliableSession, CompletableFuture<Void>> publish(String topic, Message message) {
        Objects.requireNonNull(message, "message");
        Map<ReliableSession, CompletableFuture<Void>> futures = new HashMap<>();
        for (ReliableSession session : subscribers(topic)) {
            futures.put(session, new CompletableFuture<>());
        }
        String origin = nodeId + ":" + publishes.incrementAndGet();
        Publish publish = new Publish(topic, futures);
        if (!futures.isEmpty()) {
            pending.put(origin, publish);
        }
        append(topic, origin, message).whenComplete((entry, failure) -> {
            if (failure != null) {
                pending.remove(origin);
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure; // the RedisUnavailableException itself
                futures.values().forEach(f -> f.completeExceptionally(cause));
            } else {
                publish.id = entry.id();
                StreamId through = passed.get(topic);
                if (through != null && entry.id().compareTo(through) <= 0) {
                    failUnread(origin, publish); // the follower went past it before we knew its id
                }
            }
        });
        return Map.copyOf(futures);
    }

    /**
     * Appends the message to the topic's log; completes with its sequence number in the topic once Redis has it,
     * or fails with {@link RedisUnavailableException} (Redis unreachable, or no answer within the timeout: then the
     * message may or may not have been appended). For publishers that want Redis's acknowledgement even when this
     * node has no subscriber.
     */
    public CompletableFuture<Long> append(String topic, Message message) {
        return append(topic, nodeId + ":" + publishes.incrementAndGet(), message).thenApply(TopicLog.Entry::seq);
    }

    private CompletableFuture<TopicLog.Entry> append(String topic, String origin, Message message) {
        Objects.requireNonNull(topic, "topic");
        return log.append(topic, origin, message).handle((entry, failure) -> {
            if (failure != null) {
                throw new RedisUnavailableException("topic '" + topic + "': not published, or not known to be ("
                        + redis.where() + ": " + RedisHealth.reason(failure) + ")", failure);
            }
            return entry;
        });
    }

    /**
     * Up when Redis answers a PING and this node's subscription is live (its probes come back); the detail adds how
     * many losses this node has reported.
     */
    public RedisHealth health() {
        RedisHealth ping = redis.ping();
        String tail = "; " + losses.get() + " broadcast losses reported";
        if (ping.up() && !follower.subscriptionLive()) {
            return RedisHealth.down(redis.where() + ": broadcast subscription dead, subscribing again" + tail);
        }
        return new RedisHealth(ping.up(), ping.detail() + tail);
    }

    /** Stops following; publishes still waiting for their entry fail with {@link BroadcastLostException}. */
    @Override
    public void close() {
        follower.stop();
        for (String origin : List.copyOf(pending.keySet())) {
            Publish p = pending.remove(origin);
            if (p != null) {
                p.futures.values().forEach(f -> f.completeExceptionally(
                        new BroadcastLostException("the broadcast hub closed before the message came back from Redis")));
            }
        }
        topics.clear();
        starts.clear();
    }

    private void failUnread(String origin, Publish publish) {
        if (pending.remove(origin, publish)) {
            publish.futures.values().forEach(f -> f.completeExceptionally(new BroadcastLostException("topic '"
                    + publish.topic + "': entry " + publish.id + " was appended but this node did not read it"
                    + " (trimmed, forgotten by Redis, or appended before this node followed the topic)")));
        }
    }

    /** What the follower does with entries; runs on its thread. */
    private final class Delivery implements Follower.Sink {
        @Override
        public void deliver(String topic, TopicLog.Entry entry) {
            Publish mine = pending.remove(entry.origin());
            Set<ReliableSession> members = topics.getOrDefault(topic, Set.of());
            Map<ReliableSession, StreamId> started = starts.get(topic);
            for (ReliableSession session : members) {
                if (started != null && !started.isEmpty() && before(started, session, entry.id())) {
                    continue;
                }
                CompletableFuture<Void> sent = session.trySend(entry.message());
                CompletableFuture<Void> publisher = mine == null ? null : mine.futures.get(session);
                if (publisher != null) {
                    sent.whenComplete((ok, failure) -> {
                        if (failure != null) {
                            publisher.completeExceptionally(failure);
                        } else {
                            publisher.complete(null);
                        }
                    });
                } else {
                    sent.whenComplete((ok, failure) -> {
                        if (failure instanceof OutboxFullException) {
                            LOG.log(Level.WARNING, "topic '" + topic + "': entry " + entry.seq() + " not sent to "
                                    + session + ": " + failure.getMessage());
                        }
                    });
                }
            }
            if (mine != null) {
                mine.futures.forEach((session, f) -> {
                    if (!members.contains(session)) {
                        f.completeExceptionally(new BroadcastLostException("the session left topic '" + topic
                                + "' before entry " + entry.seq() + " reached this node"));
                    }
                });
            }
        }

        /** Whether {@code id} comes before {@code session}'s start; forgets the start once past it. */
        private boolean before(Map<ReliableSession, StreamId> started, ReliableSession session, StreamId id) {
            StreamId start = started.get(session);
            if (start == null) {
                return false;
            }
            if (id.compareTo(start) <= 0) {
                return true;
            }
            started.remove(session, start);
            return false;
        }

        @Override
        public void passed(String topic, StreamId through) {
            passed.put(topic, through);
            for (Map.Entry<String, Publish> p : pending.entrySet()) {
                StreamId id = p.getValue().id;
                if (p.getValue().topic.equals(topic) && id != null && id.compareTo(through) <= 0) {
                    failUnread(p.getKey(), p.getValue());
                }
            }
        }

        @Override
        public void following(String topic, boolean now) {
            if (now) {
                following.add(topic);
            } else {
                following.remove(topic);
            }
        }

        @Override
        public boolean wanted(String topic) {
            return topics.containsKey(topic);
        }

        @Override
        public void lost(BroadcastLoss loss) {
            losses.incrementAndGet();
            LOG.log(Level.WARNING, loss.toString());
            try {
                lossListener.accept(loss);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "the broadcast loss listener failed", e);
            }
        }
    }

    /** Options of a {@link RedisBroadcastHub}. */
    public static final class Builder {
        private final RedisConnector redis;
        private long retain = 10_000;
        private Duration probeInterval = Duration.ofSeconds(1);
        private Consumer<BroadcastLoss> lossListener = loss -> { };

        private Builder(RedisConnector redis) {
            this.redis = Objects.requireNonNull(redis, "redis");
        }

        /** How many entries each topic's log keeps at least (trimmed approximately beyond); 10,000 by default. */
        public Builder retain(long entries) {
            if (entries < 1) {
                throw new IllegalArgumentException("retain must be at least 1: " + entries);
            }
            this.retain = entries;
            return this;
        }

        /**
         * How often the node probes its subscription and checks each followed log for entries whose notification
         * was lost; 1 s by default. Also the longest a lost notification delays its entry.
         */
        public Builder probeInterval(Duration interval) {
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("probeInterval must be positive: " + interval);
            }
            this.probeInterval = interval;
            return this;
        }

        /** Told of every {@link BroadcastLoss}, on the hub's thread (it must not block); they are logged anyway. */
        public Builder lossListener(Consumer<BroadcastLoss> listener) {
            this.lossListener = Objects.requireNonNull(listener);
            return this;
        }

        /** Starts following (topics are followed from their first subscriber on). */
        public RedisBroadcastHub build() {
            return new RedisBroadcastHub(this);
        }
    }
}
