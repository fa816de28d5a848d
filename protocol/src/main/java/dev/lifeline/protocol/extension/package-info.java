/**
 * Extension hooks (RFC 6455 §9): negotiation through {@link dev.lifeline.protocol.extension.ExtensionFactory} and
 * per-connection message transforms through {@link dev.lifeline.protocol.extension.Extension}; and the one
 * extension Lifeline ships, {@link dev.lifeline.protocol.extension.PerMessageDeflate} (RFC 7692), on the JDK's
 * {@code java.util.zip}. No I/O here.
 */
package dev.lifeline.protocol.extension;
