package dev.lifeline.redis;

import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Follows the logs of the topics this node has subscribers for, and hands their entries, in order, to
 * {@link Sink#deliver}. One virtual thread owns all of it (positions, the pub/sub connection); other threads only
 * post events ({@link #follow}, {@link #unfollow}, notifications from Lettuce's threads).
 *
 * <p>Notifications are a fast path, not the truth: each is delivered only if it is the next entry
 * ({@link Continuity#live}), otherwise the log is read. Every {@code probeInterval} the follower (1) publishes a probe
 * on its own channel and expects to hear it on its subscription before the next probe: two probes published and not
 * heard mean the subscription is dead (Redis restarted or failed over and the connection did not notice), so it opens
 * a new pub/sub connection, subscribes again and reads every log; (2) reads the newest entry of each topic it follows,
 * and reads the log when it is behind (notifications lost); (3) starts following the topics it could not start on
 * before (Redis was unreachable).
 */
final class Follower {
    private static final Logger LOG = System.getLogger("dev.lifeline.redis");
    private static final int READ_BATCH = 256;
    private static final int QUEUE_LIMIT = 10_000;

    /** Where the entries go, called on the follower's thread. */
    interface Sink {
        void deliver(String topic, TopicLog.Entry entry);

        /** Entries with ids up to {@code through} have all been read or skipped: no later delivery of them. */
        void passed(String topic, StreamId through);

        void lost(BroadcastLoss loss);

        /** Whether this node has subscribers for the topic now. */
        boolean wanted(String topic);

        /** The node follows the topic from now on (true), or no longer (false). */
        void following(String topic, boolean following);
    }

    private sealed interface Event {
    }

    private record Follow(String topic, CompletableFuture<Void> started) implements Event {
    }

    private record Unfollow(String topic) implements Event {
    }

    private record Notified(String channel, byte[] body) implements Event {
    }

    private record Stop() implements Event {
    }

    private final RedisConnector redis;
    private final TopicLog log;
    private final Sink sink;
    private final Duration probeInterval;
    private final String probeChannel;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>(QUEUE_LIMIT);
    private final Thread thread;

    // owned by the follower's thread
    private final Map<String, Continuity> positions = new HashMap<>();
    private final Map<String, List<CompletableFuture<Void>>> starting = new HashMap<>();
    private final Map<String, String> topicOfChannel = new HashMap<>();
    private StatefulRedisPubSubConnection<String, byte[]> pubsub;
    private String lastProbe = "";
    private boolean lastProbeHeard;
    private int probesUnheard;
    private volatile boolean subscriptionDead;

    Follower(RedisConnector redis, TopicLog log, Sink sink, Duration probeInterval, String nodeId) {
        this.redis = redis;
        this.log = log;
        this.sink = sink;
        this.probeInterval = probeInterval;
        this.probeChannel = TopicLog.PREFIX + "probe:" + nodeId;
        this.thread = Thread.ofVirtual().name("lifeline-redis-follower-" + nodeId).unstarted(this::run);
    }

    void start() {
        thread.start();
    }

    /** Starts following {@code topic} from its newest entry; the future completes once that position is known. */
    CompletableFuture<Void> follow(String topic) {
        CompletableFuture<Void> started = new CompletableFuture<>();
        control(new Follow(topic, started));
        return started;
    }

    void unfollow(String topic) {
        control(new Unfollow(topic));
    }

    /**
     * False from the moment two probes went unheard (the subscription died with a Redis restart or failover) until
     * this node has subscribed again and read every log.
     */
    boolean subscriptionLive() {
        return !subscriptionDead;
    }

    void stop() {
        events.clear();
        events.offer(new Stop());
        try {
            thread.join(redis.timeout().multipliedBy(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void control(Event event) {
        try {
            events.put(event);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while following a topic", e);
        }
    }

    private void run() {
        long nextTick = System.nanoTime();
        while (true) {
            try {
                long wait = nextTick - System.nanoTime();
                Event event = wait > 0 ? events.poll(wait, TimeUnit.NANOSECONDS) : null;
                if (event instanceof Stop) {
                    break;
                }
                if (event == null) {
                    nextTick = System.nanoTime() + probeInterval.toNanos();
                    tick();
                } else {
                    handle(event);
                }
            } catch (InterruptedException e) {
                break;
            } catch (RedisUnavailableException e) {
                LOG.log(Level.DEBUG, "broadcast follower: " + e.getMessage() + "; trying again in " + probeInterval);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "broadcast follower: unexpected failure; going on", e);
            }
        }
        if (pubsub != null) {
            pubsub.closeAsync();
        }
    }

    private void handle(Event event) {
        switch (event) {
            case Follow f -> {
                if (positions.containsKey(f.topic())) {
                    f.started().complete(null);
                } else {
                    starting.computeIfAbsent(f.topic(), t -> new ArrayList<>()).add(f.started());
                    start(f.topic());
                }
            }
            case Unfollow u when sink.wanted(u.topic()) -> { } // subscribed again meanwhile
            case Unfollow u -> {
                sink.following(u.topic(), false);
                positions.remove(u.topic());
                starting.remove(u.topic());
                topicOfChannel.remove(TopicLog.channel(u.topic()));
                if (pubsub != null) {
                    pubsub.async().unsubscribe(TopicLog.channel(u.topic()));
                }
            }
            case Notified n -> notified(n);
            case Stop s -> throw new IllegalStateException("handled by the loop");
        }
    }

    /** Subscribes to the topic's notifications, then takes its newest entry as the starting point. */
    private void start(String topic) {
        if (positions.containsKey(topic)) {
            starting.remove(topic).forEach(started -> started.complete(null));
            return;
        }
        subscribe(topic);
        Optional<TopicLog.Entry> newest = log.newest(topic);
        Continuity position = newest.map(e -> new Continuity(e.seq(), e.id()))
                .orElseGet(() -> new Continuity(0, StreamId.ZERO));
        positions.put(topic, position);
        sink.passed(topic, position.lastId());
        sink.following(topic, true);
        starting.remove(topic).forEach(started -> started.complete(null));
    }

    private void subscribe(String topic) {
        String channel = TopicLog.channel(topic);
        redis.await(pubsub().async().subscribe(channel));
        topicOfChannel.put(channel, topic);
    }

    private void notified(Notified n) {
        if (n.channel().equals(probeChannel)) {
            if (new String(n.body(), StandardCharsets.US_ASCII).equals(lastProbe)) {
                lastProbeHeard = true;
            }
            return;
        }
        String topic = topicOfChannel.get(n.channel());
        Continuity position = topic == null ? null : positions.get(topic);
        if (position == null) {
            return;
        }
        TopicLog.Entry entry = TopicLog.parseNotification(n.body());
        switch (position.live(entry.seq(), entry.id())) {
            case DELIVER -> {
                sink.deliver(topic, entry);
                sink.passed(topic, entry.id());
            }
            case DUPLICATE -> { }
            case REFILL -> readLog(topic, position);
        }
    }

    /** Reads and delivers every entry after the position, reporting what the log no longer has. */
    private void readLog(String topic, Continuity position) {
        List<TopicLog.Entry> entries;
        do {
            entries = log.after(topic, position.lastId(), READ_BATCH);
            for (TopicLog.Entry entry : entries) {
                long before = position.lastSeq();
                Continuity.Found found = position.fromLog(entry.seq(), entry.id());
                if (found.skippedFrom() > 0) {
                    sink.lost(new BroadcastLoss(topic, BroadcastLoss.Kind.TRIMMED, found.skippedFrom(),
                            found.skippedTo()));
                } else if (found.wentBackFrom() > 0) {
                    sink.lost(new BroadcastLoss(topic, BroadcastLoss.Kind.REDIS_FORGOT, before, entry.seq()));
                }
                sink.deliver(topic, entry);
            }
            if (!entries.isEmpty()) {
                sink.passed(topic, position.lastId());
            }
        } while (entries.size() == READ_BATCH);
    }

    /** The periodic work: the probe, topics not started yet, and each followed log's newest entry. */
    private void tick() {
        probe();
        for (String topic : List.copyOf(starting.keySet())) {
            start(topic);
        }
        for (Map.Entry<String, Continuity> followed : List.copyOf(positions.entrySet())) {
            Optional<TopicLog.Entry> newest = log.newest(followed.getKey());
            if (newest.isPresent() && newest.get().id().compareTo(followed.getValue().lastId()) > 0) {
                readLog(followed.getKey(), followed.getValue());
            }
        }
    }

    /**
     * Counts the last probe as unheard unless it came back; after two, drops the subscription and subscribes every
     * topic again on a new connection, reading each log from where this node is. Then publishes the next probe.
     */
    private void probe() {
        if (pubsub == null && !subscriptionDead) {
            return; // nothing followed yet
        }
        if (!lastProbe.isEmpty()) {
            probesUnheard = lastProbeHeard ? 0 : probesUnheard + 1;
        }
        if (subscriptionDead || probesUnheard >= 2) {
            if (!subscriptionDead) {
                LOG.log(Level.WARNING, "broadcast follower: " + probesUnheard + " probes not heard back from "
                        + redis.where() + ": the subscription is dead; subscribing again and reading every log");
                subscriptionDead = true;
            }
            if (pubsub != null) {
                pubsub.closeAsync();
                pubsub = null;
            }
            topicOfChannel.clear();
            for (Map.Entry<String, Continuity> followed : List.copyOf(positions.entrySet())) {
                subscribe(followed.getKey());
                readLog(followed.getKey(), followed.getValue());
            }
            subscriptionDead = false;
            probesUnheard = 0;
            lastProbe = "";
        }
        String token = UUID.randomUUID().toString();
        lastProbe = token;
        lastProbeHeard = false;
        redis.await(redis.commands().publish(probeChannel, token.getBytes(StandardCharsets.US_ASCII)));
    }

    private StatefulRedisPubSubConnection<String, byte[]> pubsub() {
        if (pubsub == null) {
            StatefulRedisPubSubConnection<String, byte[]> opened;
            try {
                opened = redis.newPubSub();
            } catch (RuntimeException e) {
                throw new RedisUnavailableException(redis.where() + ": " + RedisHealth.reason(e), e);
            }
            opened.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, byte[] message) {
                    // dropped when the queue is full: the next tick reads the logs
                    events.offer(new Notified(channel, message));
                }
            });
            try {
                redis.await(opened.async().subscribe(probeChannel));
            } catch (RedisUnavailableException e) {
                opened.closeAsync();
                throw e;
            }
            pubsub = opened;
            lastProbe = "";
            probesUnheard = 0;
        }
        return pubsub;
    }
}
