/**
 * Extension hooks (RFC 6455 §9): negotiation through {@link dev.lifeline.protocol.extension.ExtensionFactory} and
 * per-connection message transforms through {@link dev.lifeline.protocol.extension.Extension}. No I/O here.
 */
package dev.lifeline.protocol.extension;
