/**
 * The Lifeline API: {@link dev.lifeline.WebSocket}, {@link dev.lifeline.WebSocketClient} and
 * {@link dev.lifeline.WebSocketServer} over blocking sockets on virtual threads, and
 * {@link dev.lifeline.ReconnectingWebSocket} with the reconnect policy it shares with the reliable layer
 * ({@link dev.lifeline.ReconnectPolicy}, {@link dev.lifeline.Reconnector}). Depends on the JDK and the protocol
 * module only.
 */
module dev.lifeline {
    requires transitive dev.lifeline.protocol;
    requires jdk.jfr;
    exports dev.lifeline;
}
