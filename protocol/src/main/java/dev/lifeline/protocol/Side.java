package dev.lifeline.protocol;

/** Which end of the connection this is. Clients mask their frames; servers must not (RFC 6455 §5.1). */
public enum Side {
    CLIENT, SERVER;

    @Override
    public String toString() {
        return this == CLIENT ? "client" : "server";
    }
}
