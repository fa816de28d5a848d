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
 * <p>Threads and locks: a session's state (its {@code Session}, inbox, pending sends, current connection) is guarded
 * by one lock, {@code SessionCore.lock}, taken only inside {@code SessionCore}'s methods (and the
 * {@code SessionInbox} it lends the lock to); the API ({@code Endpoint}), the reader ({@code SessionReader}, on
 * the thread that serves the connection) and the writer ({@code SessionWriter}, a virtual thread per connection)
 * never hold it while they read or write a socket or complete a future. Lock order: the session's lock before a
 * connection's ({@code ws.state()} is asked under it); the connection layer never calls back into this package
 * while holding its own.
 *
 * <p>Depends on the public {@code dev.lifeline} API only; nothing here reaches into the connection layer's
 * internals. docs/reliable.md is the guide; docs/topics/reliable-guarantees.md states what is and is not
 * guaranteed; docs/topics/reliable-protocol.md specifies the wire protocol.
 */
package dev.lifeline.reliable;
