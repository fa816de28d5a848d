/**
 * Test fixtures shared with other modules' tests (through this module's test jar): a real {@code redis-server}
 * ({@link dev.lifeline.redis.testing.RedisProcess}), a local Redis Cluster, server nodes as child JVMs
 * ({@link dev.lifeline.redis.testing.NodeProcess}) and a round-robin load balancer
 * ({@link dev.lifeline.redis.testing.RoundRobinProxy}). A package of its own: the module's own package cannot be
 * split between the module and a class path jar.
 */
package dev.lifeline.redis.testing;
