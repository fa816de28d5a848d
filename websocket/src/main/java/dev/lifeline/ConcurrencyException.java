package dev.lifeline;

import dev.lifeline.protocol.InvalidStateException;

/** Two threads called a method that allows one caller at a time (e.g. {@link WebSocket#receive()}). */
public final class ConcurrencyException extends InvalidStateException {
    public ConcurrencyException(String message) {
        super(message);
    }
}
