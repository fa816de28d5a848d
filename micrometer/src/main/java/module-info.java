/**
 * Lifeline's metrics in Micrometer: {@link dev.lifeline.micrometer.LifelineMetrics} binds the websocket module's
 * {@code WebSocketMetrics} and the reliable module's {@code SessionMetrics} to a {@code MeterRegistry}.
 */
module dev.lifeline.micrometer {
    requires transitive dev.lifeline.reliable;
    requires transitive micrometer.core;
    exports dev.lifeline.micrometer;
}
