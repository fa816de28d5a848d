/**
 * The WebSocket opening handshake (RFC 6455 §4) as pure values and parsers: HTTP/1.1 heads in and out as
 * bytes, with no I/O.
 *
 * <p>What lives here: {@link dev.lifeline.protocol.handshake.Headers} and the
 * {@link dev.lifeline.protocol.handshake.HttpRequest}/{@link dev.lifeline.protocol.handshake.HttpResponse}
 * values with their exact wire bytes; the incremental, bounded parsers
 * {@link dev.lifeline.protocol.handshake.RequestParser} (server side) and
 * {@link dev.lifeline.protocol.handshake.ResponseParser} (client side), limited by
 * {@link dev.lifeline.protocol.handshake.HeadLimits}; the rules of each side
 * ({@link dev.lifeline.protocol.handshake.ClientHandshake}, {@link dev.lifeline.protocol.handshake.ServerHandshake});
 * {@link dev.lifeline.protocol.handshake.Accept} (RFC 6455 §4.2.2) and the {@code Sec-WebSocket-Extensions}
 * grammar ({@link dev.lifeline.protocol.handshake.ExtensionHeader}, RFC 6455 §9.1). Every failure is a
 * {@link dev.lifeline.protocol.handshake.HandshakeException} carrying the HTTP status it causes.
 *
 * <p>What must not live here: sockets, streams, threads, clocks, randomness (the client's key bytes are
 * passed in), logging, and the negotiation of a particular extension (that is {@code dev.lifeline.protocol.extension}).
 * Everything in this package is immutable except the two parsers, which are single-threaded state machines.
 */
package dev.lifeline.protocol.handshake;
