package dev.lifeline.redis;

import dev.lifeline.Message;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A plain (not reliable) topic shared by several nodes through Redis pub/sub: what any node publishes is handed to
 * every node's {@code deliver}, the publisher's included, for instance to {@link dev.lifeline.WebSocketServer#broadcast}
 * so that the clients of every node get it. As lossy as plain WebSocket broadcast: a message published while a node's
 * subscription is down (Redis restarting) does not reach that node; use {@link RedisBroadcastHub} with reliable
 * sessions when every message counts.
 *
 * <p>{@code deliver} runs on a Lettuce I/O thread, one message at a time, in the order Redis published them: it must
 * not block. Thread-safe.
 */
public final class RedisTopic implements AutoCloseable {
    private static final Logger LOG = System.getLogger("dev.lifeline.redis");

    private final RedisConnector redis;
    private final String topic;
    private final String channel;
    private final StatefulRedisPubSubConnection<String, byte[]> pubsub;

    private RedisTopic(RedisConnector redis, String topic, Consumer<Message> deliver) {
        this.redis = redis;
        this.topic = topic;
        this.channel = "lifeline:plain:" + RedisConnector.hashTag(topic);
        this.pubsub = redis.newPubSub();
        pubsub.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String from, byte[] body) {
                if (from.equals(channel) && body.length > 0) {
                    try {
                        deliver.accept(TopicLog.message(body[0], Arrays.copyOfRange(body, 1, body.length)));
                    } catch (RuntimeException e) {
                        LOG.log(Level.WARNING, "topic '" + topic + "': delivering a message failed", e);
                    }
                }
            }
        });
        try {
            redis.await(pubsub.async().subscribe(channel));
        } catch (RedisUnavailableException e) {
            pubsub.close();
            throw e;
        }
    }

    /**
     * Subscribes to {@code topic}; {@code deliver} gets every message published on it from now on, by any node.
     *
     * @throws RedisUnavailableException if Redis does not answer
     */
    public static RedisTopic open(RedisConnector redis, String topic, Consumer<Message> deliver) {
        return new RedisTopic(Objects.requireNonNull(redis), Objects.requireNonNull(topic),
                Objects.requireNonNull(deliver));
    }

    /**
     * Publishes to every node; completes with how many nodes were subscribed, or fails with
     * {@link RedisUnavailableException} when Redis did not take it.
     */
    public CompletableFuture<Long> publish(Message message) {
        byte[] payload = TopicLog.payload(message);
        byte[] body = new byte[payload.length + 1];
        body[0] = (byte) TopicLog.kind(message).charAt(0);
        System.arraycopy(payload, 0, body, 1, payload.length);
        return redis.commands().publish(channel, body).toCompletableFuture().handle((nodes, failure) -> {
            if (failure != null) {
                throw new RedisUnavailableException("topic '" + topic + "': not published (" + redis.where() + ": "
                        + RedisHealth.reason(failure) + ")", failure);
            }
            return nodes;
        });
    }

    @Override
    public void close() {
        pubsub.close();
    }
}
