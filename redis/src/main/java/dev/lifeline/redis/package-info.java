/**
 * Several server nodes as one service through Redis (Lettuce client). Nothing below this module ({@code reliable},
 * {@code websocket}, {@code protocol}) knows of it.
 *
 * <ul>
 *   <li>{@link dev.lifeline.redis.RedisSessionStore}: reliable sessions saved on every change, one Lua script per
 *       change ({@code RedisScripts}), so that any node resumes any session and a takeover fences the previous
 *       owner; docs/topics/redis-sessions.md describes the data layout and the guarantees.</li>
 *   <li>{@link dev.lifeline.redis.RedisConnector}: one Redis or one Redis Cluster (from {@link dev.lifeline.redis.RedisUrls}),
 *       a shared command connection, pub/sub connections, health ({@link dev.lifeline.redis.RedisHealth}).</li>
 *   <li>{@link dev.lifeline.redis.RedisBroadcastHub}: reliable broadcast across nodes; each topic a Redis Stream
 *       appended by one script (package-private {@code TopicLog}) and followed by every node with subscribers
 *       ({@code Follower}, whose continuity decisions are the pure {@code Continuity}); losses are reported as
 *       {@link dev.lifeline.redis.BroadcastLoss}.</li>
 *   <li>{@link dev.lifeline.redis.RedisTopic}: plain (lossy) broadcast across nodes on pub/sub.</li>
 * </ul>
 */
package dev.lifeline.redis;
