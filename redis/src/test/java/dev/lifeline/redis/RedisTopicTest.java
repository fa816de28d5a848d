package dev.lifeline.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.Message;
import dev.lifeline.redis.testing.RedisProcess;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A plain topic through Redis pub/sub: what one node publishes reaches every node, text as text, bytes as bytes. */
@Timeout(30)
class RedisTopicTest {
    @Test
    void aMessagePublishedOnOneNodeReachesEveryNodeInOrder() throws Exception {
        BlockingQueue<Message> onA = new LinkedBlockingQueue<>();
        BlockingQueue<Message> onB = new LinkedBlockingQueue<>();
        try (RedisProcess redis = RedisProcess.start();
                RedisConnector nodeA = RedisConnector.connect(redis.url());
                RedisConnector nodeB = RedisConnector.connect(redis.url());
                RedisTopic a = RedisTopic.open(nodeA, "chat", onA::add);
                RedisTopic b = RedisTopic.open(nodeB, "chat", onB::add)) {
            assertThat(a.publish(Message.text("héllo")).get(5, TimeUnit.SECONDS)).as("nodes subscribed").isEqualTo(2);
            b.publish(Message.binary(new byte[] {0, 't', (byte) 0xff})).get(5, TimeUnit.SECONDS);
            for (BlockingQueue<Message> node : List.of(onA, onB)) {
                assertThat(node.poll(5, TimeUnit.SECONDS)).isEqualTo(Message.text("héllo"));
                assertThat(node.poll(5, TimeUnit.SECONDS)).isEqualTo(Message.binary(new byte[] {0, 't', (byte) 0xff}));
            }
        }
    }

    @Test
    void publishingWhileRedisIsDownFailsWithTheReason() throws Exception {
        try (RedisProcess redis = RedisProcess.start();
                RedisConnector node = RedisConnector.connect(redis.url());
                RedisTopic topic = RedisTopic.open(node, "chat", m -> { })) {
            redis.kill();
            assertThat(topic.publish(Message.text("x"))).failsWithin(Duration.ofSeconds(10)).withThrowableThat()
                    .havingCause().isInstanceOf(RedisUnavailableException.class)
                    .withMessageContaining("topic 'chat': not published (Redis redis://127.0.0.1:" + redis.port());
            assertThat(node.ping().up()).isFalse();
        }
    }
}
