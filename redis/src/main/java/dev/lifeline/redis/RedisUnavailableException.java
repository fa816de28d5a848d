package dev.lifeline.redis;

/**
 * Redis did not answer, or answered with an error: the command was not carried out (or its outcome is unknown).
 * The message names the Redis and the reason ({@code Redis redis://127.0.0.1:6379: Connection refused}). A send
 * future that fails with it may be retried once Redis is back.
 */
public final class RedisUnavailableException extends RuntimeException {
    public RedisUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
