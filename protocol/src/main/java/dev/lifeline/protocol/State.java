package dev.lifeline.protocol;

/** The connection states of RFC 6455 §4.1, §7.1.3 and §7.1.4; nothing more. Who closed first is data. */
public enum State {
    CONNECTING, OPEN, CLOSING, CLOSED
}
