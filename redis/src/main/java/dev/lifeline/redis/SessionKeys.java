package dev.lifeline.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The Redis keys of one session: {@code lifeline:{<id>}:s} (a hash of its numbers and owner),
 * {@code lifeline:{<id>}:out} (a stream: the server's unacknowledged messages) and {@code lifeline:{<id>}:in} (a
 * stream: the client's messages not yet handled) and {@code lifeline:{<id>}:mail} (a list: messages other nodes sent
 * to the session, not yet taken into its outbox). The id is the first 132 bits of the SHA-256 of the token in
 * URL-safe base64: the token itself is never stored, and whoever reads Redis cannot resume a session. The braces
 * are a hash tag: Redis Cluster keeps a session's keys on one shard, as its scripts need.
 *
 * @param id the hashed token
 */
record SessionKeys(String id, byte[][] all) {
    static final String PREFIX = "lifeline:{";

    static SessionKeys of(String token) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return ofId(Base64.getUrlEncoder().withoutPadding().encodeToString(hash).substring(0, 22));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** The keys of the session with this id ({@link RedisSessionStore#sessionId}). */
    static SessionKeys ofId(String id) {
        String base = PREFIX + id + "}:";
        return new SessionKeys(id, new byte[][] {bytes(base + "s"), bytes(base + "out"), bytes(base + "in"),
                bytes(base + "mail")});
    }

    byte[] hash() {
        return all[0];
    }

    byte[] outbox() {
        return all[1];
    }

    byte[] inbox() {
        return all[2];
    }

    byte[] mailbox() {
        return all[3];
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
