package dev.lifeline.redis;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * What a health check says about Redis: up or down, and one line of detail (a round trip, or why it is down).
 *
 * @param up whether Redis answered and, for a hub, its notifications are live
 * @param detail one line for people: {@code Redis redis://127.0.0.1:6379 answered PING in 210 us}
 */
public record RedisHealth(boolean up, String detail) {
    static RedisHealth up(String detail) {
        return new RedisHealth(true, detail);
    }

    static RedisHealth down(String detail) {
        return new RedisHealth(false, detail);
    }

    /** One line for a failed Redis call: the deepest useful message, without the wrapping exceptions. */
    static String reason(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof ExecutionException || t instanceof CompletionException) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof TimeoutException) {
            return "no answer in time";
        }
        String message = t.getMessage();
        Throwable cause = t.getCause();
        if (cause != null && cause.getMessage() != null && (message == null || !message.contains(cause.getMessage()))) {
            message = (message == null ? "" : message + ": ") + cause.getMessage();
        }
        return message == null ? t.getClass().getSimpleName() : message;
    }

    @Override
    public String toString() {
        return (up ? "up: " : "down: ") + detail;
    }
}
