/**
 * Reliable sessions shared by several server nodes through Redis (Lettuce client): {@link
 * dev.lifeline.redis.RedisSessionStore} saves each session on every change, one Lua script per change
 * ({@code RedisScripts}), so that any node resumes any session and a takeover fences the previous owner;
 * {@link dev.lifeline.redis.RedisUrls} reads Redis URLs as users write them. Nothing below this module
 * ({@code reliable}, {@code websocket}, {@code protocol}) knows of it. docs/topics/redis-sessions.md describes the
 * data layout and the guarantees.
 */
package dev.lifeline.redis;
