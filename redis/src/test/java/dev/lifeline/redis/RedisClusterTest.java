package dev.lifeline.redis;

import static dev.lifeline.redis.RedisBroadcastHubTest.await;
import static dev.lifeline.redis.RedisBroadcastHubTest.client;
import static dev.lifeline.redis.RedisBroadcastHubTest.numbered;
import static dev.lifeline.redis.RedisBroadcastHubTest.receive;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.Message;
import dev.lifeline.redis.testing.RedisCluster;
import dev.lifeline.reliable.ReliableClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The broadcast hub and the plain topic on a local 3-master Redis Cluster, given as several seed URLs: each topic's
 * keys share a hash tag (one slot, so the append script runs on one shard), and notifications cross shards.
 */
@Timeout(90)
class RedisClusterTest {
    @Test
    void broadcastOnAClusterReachesEveryNodesSubscribersOnceInOneOrderWhateverShardHoldsTheTopic() throws Exception {
        try (RedisCluster cluster = RedisCluster.start();
                RedisConnector probe = RedisConnector.connect(cluster.url());
                ChatNode a = ChatNode.start(cluster.url(), 0);
                ChatNode b = ChatNode.start(cluster.url(), 0);
                ReliableClient onA = client(a.port());
                ReliableClient onB = client(b.port())) {
            assertThat(probe.isCluster()).isTrue();
            assertThat(probe.ping().up()).as(probe.ping().detail()).isTrue();
            await("one subscriber on each node", () -> a.hub.subscribers(ChatNode.TOPIC).size() == 1
                    && b.hub.subscribers(ChatNode.TOPIC).size() == 1);
            List<CompletableFuture<Void>> sends = new ArrayList<>();
            for (int i = 1; i <= 100; i++) {
                sends.add(onA.send("a" + i));
                sends.add(onB.send("b" + i));
            }
            CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            List<String> gotA = receive(onA, 200);
            assertThat(receive(onB, 200)).isEqualTo(gotA);
            assertThat(gotA.stream().filter(s -> s.startsWith("b")).toList()).isEqualTo(numbered("b", 100));

            // t1..t6 hash to slots on all three masters (chat to the third): each appends and numbers in one step
            for (String topic : List.of("t1", "t2", "t3", "t4", "t5", "t6")) {
                assertThat(a.hub.append(topic, Message.text("x")).get(10, TimeUnit.SECONDS)).isEqualTo(1L);
                assertThat(b.hub.append(topic, Message.text("y")).get(10, TimeUnit.SECONDS)).isEqualTo(2L);
            }
        }
    }

    @Test
    void aPlainTopicReachesEveryNodeOfTheCluster() throws Exception {
        List<Message> onB = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (RedisCluster cluster = RedisCluster.start();
                RedisConnector nodeA = RedisConnector.connect(cluster.url());
                RedisConnector nodeB = RedisConnector.connect(cluster.url());
                RedisTopic a = RedisTopic.open(nodeA, "chat", m -> { });
                RedisTopic b = RedisTopic.open(nodeB, "chat", onB::add)) {
            a.publish(Message.text("across shards")).get(10, TimeUnit.SECONDS);
            await("the message on node b", () -> onB.contains(Message.text("across shards")));
        }
    }
}
