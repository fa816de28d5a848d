package dev.lifeline.reliable;

/** A save of a shared session was refused because another node took the session over (the save was fenced). */
public final class SessionMovedException extends SessionStoreException {
    public SessionMovedException(String message) {
        super(message, null);
    }
}
