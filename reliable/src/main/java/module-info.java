/** Reconnecting clients, acknowledged delivery and session resumption over Lifeline connections. */
module dev.lifeline.reliable {
    requires transitive dev.lifeline;
    exports dev.lifeline.reliable;
}
