package dev.lifeline.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeline.redis.testing.RedisProcess;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.List;
import org.junit.jupiter.api.Test;

class RedisUrlsTest {
    @Test
    void aUrlWithUserPasswordAndDatabaseIsParsedAsWritten() {
        RedisURI uri = RedisUrls.parse("redis://alice:s3cret@127.0.0.1:6380/2").get(0);
        assertThat(uri.getHost()).isEqualTo("127.0.0.1");
        assertThat(uri.getPort()).isEqualTo(6380);
        assertThat(uri.getDatabase()).isEqualTo(2);
        assertThat(uri.isSsl()).isFalse();
    }

    @Test
    void userAndPasswordInTheUrlLogIntoARedisWithAcls() {
        try (RedisProcess redis = RedisProcess.start(List.of("--save", "", "--user", "alice", "on", ">s3cret", "~*", "&*", "+@all",
                "--user", "default", "off"))) {
            String url = "redis://alice:s3cret@127.0.0.1:" + redis.port() + "/0";
            assertThat(ping(url)).isEqualTo("PONG");
        }
    }

    @Test
    void redissMeansTls() {
        assertThat(RedisUrls.parse("rediss://cache.example:6379/0").get(0).isSsl()).isTrue();
    }

    @Test
    void commasSeparateClusterSeeds() {
        List<RedisURI> seeds = RedisUrls.parse("redis://127.0.0.1:7000, redis://127.0.0.1:7001");
        assertThat(seeds).extracting(RedisURI::getPort).containsExactly(7000, 7001);
    }

    @Test
    void somethingElseIsRefusedWithTheExpectedShape() {
        assertThatThrownBy(() -> RedisUrls.parse("127.0.0.1:6379"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a Redis URL: '127.0.0.1:6379'")
                .hasMessageContaining("redis://host:port/db");
        assertThatThrownBy(() -> RedisUrls.parse(" ")).hasMessageContaining("no Redis URL given");
    }

    @Test
    void aParsedUrlReachesARealRedis() {
        try (RedisProcess redis = RedisProcess.start()) {
            assertThat(ping(redis.url())).isEqualTo("PONG");
        }
    }

    private static String ping(String url) {
        RedisClient client = RedisClient.create(RedisUrls.parse(url).get(0));
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            return connection.sync().ping();
        } finally {
            client.shutdown();
        }
    }
}
