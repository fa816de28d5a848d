package dev.lifeline.redis;

import dev.lifeline.redis.testing.RedisCluster;
import dev.lifeline.reliable.SessionStore;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The session store contract, kept by the Redis store on a local 3-master Redis Cluster: each session's keys share
 * one hash tag, so its scripts run on one shard, and the sessions of a run land on different shards.
 */
class RedisClusterSessionStoreContractTest extends SessionStoreContract {
    private static RedisCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = RedisCluster.start();
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    @Override
    protected SessionStore newStore(Duration window) {
        return RedisSessionStore.builder(cluster.url()).window(window).build();
    }
}
