/**
 * The reliable layer: a session that survives reconnects, with acknowledged, exactly-once, in-order delivery in both
 * directions, and resumption after a connection is lost.
 *
 * <ul>
 *   <li>{@link dev.lifeline.reliable.Session} and {@link dev.lifeline.reliable.Envelope} are the pure logic and
 *       the wire format ({@code lifeline.reliable.v1}): no threads, no sockets, no clock.</li>
 *   <li>{@link dev.lifeline.reliable.ReliableClient} (reconnect loop on {@link dev.lifeline.Reconnector})
 *       and {@link dev.lifeline.reliable.ReliableServer} ({@link dev.lifeline.reliable.SessionStore},
 *       {@link dev.lifeline.reliable.BroadcastHub}) wire sessions to connections and timers; both sides are
 *       {@link dev.lifeline.reliable.ReliableSession}s.</li>
 *   <li>{@link dev.lifeline.reliable.SessionJournal} and {@link dev.lifeline.reliable.ClientJournal} are the
 *       contracts of durable sessions (a server's store, a client's journal); their implementations live in other
 *       modules, this one stays on the JDK.</li>
 * </ul>
 *
 * <p>Depends on the public {@code dev.lifeline} API only; nothing here reaches into the connection layer's
 * internals. docs/reliable.md is the guide; docs/topics/reliable-guarantees.md states what is and is not
 * guaranteed; docs/topics/reliable-protocol.md specifies the wire protocol.
 */
package dev.lifeline.reliable;
