/**
 * Lifeline's metrics in Micrometer: {@link dev.lifeline.micrometer.LifelineMetrics} implements the websocket
 * module's {@code WebSocketMetrics} and the reliable module's {@code SessionMetrics} with meters of a
 * {@code MeterRegistry}. Only the binding lives here: what is measured, and when, is decided by those listeners'
 * callers, so that the core modules keep depending on the JDK alone. No exporter either: the application (or
 * {@code lifeline serve --metrics}) picks its registry.
 */
package dev.lifeline.micrometer;
