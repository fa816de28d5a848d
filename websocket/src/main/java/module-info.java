/**
 * The Lifeline API: {@link dev.lifeline.WebSocket}, {@link dev.lifeline.WebSocketClient} and
 * {@link dev.lifeline.WebSocketServer} over blocking sockets on virtual threads. Depends on the JDK and the
 * protocol module only.
 */
module dev.lifeline {
    requires transitive dev.lifeline.protocol;
    requires jdk.jfr;
    exports dev.lifeline;
}
