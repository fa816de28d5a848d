package dev.lifeline.redis;

import dev.lifeline.redis.testing.RedisProcess;
import dev.lifeline.reliable.SessionStore;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The session store contract, kept by the Redis store against a real redis-server. */
class RedisSessionStoreContractTest extends SessionStoreContract {
    private static RedisProcess redis;

    @BeforeAll
    static void startRedis() {
        redis = RedisProcess.start();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @Override
    protected SessionStore newStore(Duration window) {
        return RedisSessionStore.builder(redis.url()).window(window).build();
    }
}
