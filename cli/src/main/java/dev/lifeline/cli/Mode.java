package dev.lifeline.cli;

/** What {@code lifeline serve} does with a message. */
enum Mode {
    /** Sends every message back to its sender. */
    ECHO,
    /** Sends every message to every connected client, the sender included. */
    CHAT;

    /** As typed on the command line and shown on the page. */
    String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
