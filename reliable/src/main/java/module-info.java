/** Reconnecting clients, acknowledged delivery and session resumption over Lifeline connections. */
module dev.lifeline.reliable {
    requires transitive dev.lifeline;
    requires jdk.jfr;
    exports dev.lifeline.reliable;
}
