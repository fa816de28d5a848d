package dev.lifeline.redis;

import io.lettuce.core.RedisURI;
import java.util.ArrayList;
import java.util.List;

/**
 * Redis addresses as users write them: {@code redis://[user:password@]host:port/db}, {@code rediss://} for TLS, and
 * for Redis Cluster several seed nodes separated by commas ({@code redis://10.0.0.1:7000,10.0.0.2:7000}).
 */
public final class RedisUrls {
    private RedisUrls() {
    }

    /**
     * The seed nodes of {@code urls}: one for a single Redis, several for a cluster's seeds.
     *
     * @throws IllegalArgumentException with a sentence that names the wrong part, for anything else
     */
    public static List<RedisURI> parse(String urls) {
        if (urls == null || urls.isBlank()) {
            throw new IllegalArgumentException("no Redis URL given (expected redis://host:port/db or rediss://...)");
        }
        List<RedisURI> seeds = new ArrayList<>();
        for (String url : urls.split(",")) {
            String trimmed = url.strip();
            if (!trimmed.startsWith("redis://") && !trimmed.startsWith("rediss://")) {
                throw new IllegalArgumentException("not a Redis URL: '" + trimmed
                        + "' (expected redis://host:port/db or rediss://host:port/db)");
            }
            try {
                seeds.add(RedisURI.create(trimmed));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("not a Redis URL: '" + trimmed + "' (" + e.getMessage() + ")", e);
            }
        }
        return List.copyOf(seeds);
    }
}
