/**
 * Test fixtures shared with other modules' tests (through this module's test jar): a real {@code redis-server}
 * ({@link dev.lifeline.redis.testing.RedisProcess}), a local Redis Cluster and server nodes as child JVMs
 * ({@link dev.lifeline.redis.testing.NodeProcess}). Proxies, raw peers and bounded waits are in the {@code testing}
 * module ({@code dev.lifeline.testing}). A package of its own: the module's own package cannot be split between the
 * module and a class path jar.
 */
package dev.lifeline.redis.testing;
