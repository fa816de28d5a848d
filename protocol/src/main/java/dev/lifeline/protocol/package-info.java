/**
 * The sans-I/O WebSocket protocol, RFC 6455: {@link dev.lifeline.protocol.Protocol} (with
 * {@link dev.lifeline.protocol.ClientProtocol} and {@link dev.lifeline.protocol.ServerProtocol}) takes bytes and
 * gives events and bytes back. Close codes and statuses, and the three exception families, live here too.
 * Nothing in this module opens a socket, starts a thread, reads a clock or logs.
 */
package dev.lifeline.protocol;
