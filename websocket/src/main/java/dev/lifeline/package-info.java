/**
 * The Lifeline API: {@link dev.lifeline.WebSocket} (one connection, whose state is true whether or not anyone
 * reads), {@link dev.lifeline.WebSocketClient} and {@link dev.lifeline.WebSocketServer} to open them,
 * {@link dev.lifeline.WebSocketOptions}, the listener style ({@link dev.lifeline.WebSocketListener}, or a
 * {@link dev.lifeline.MessageListener} for messages only), and
 * {@link dev.lifeline.ReconnectingWebSocket} with the reconnect policy it shares with the reliable layer.
 * {@link dev.lifeline.MessageIterator} is the {@code for (Message m : ws)} loop they (and reliable sessions) share:
 * it ends quietly on the close each calls normal, and otherwise throws what {@code receive()} threw.
 *
 * <h2>What runs where</h2>
 * <ul>
 *   <li><b>Your threads</b> call every method of {@link dev.lifeline.WebSocket}, from any thread: sends may be
 *       concurrent (frames never interleave), {@code receive()} takes one caller at a time (a second gets
 *       {@link dev.lifeline.ConcurrencyException}). A send returns once its frame is handed to TCP.</li>
 *   <li><b>Each connection's reader</b>, a virtual thread, reads what arrives and feeds it to the protocol at once:
 *       that is what makes {@code state()}, {@code closeStatus()} and {@code closed()} true without a
 *       {@code receive()}. It calls a {@link dev.lifeline.WebSocketListener}'s methods, one at a time. A client's
 *       reader, and a TLS connection's, lives as long as its connection and waits in its socket reads; a plain server
 *       connection's reader runs only while bytes arrive, so an idle one holds no thread.</li>
 *   <li><b>A server</b> ({@link dev.lifeline.WebSocketServer}) has one shared selecting thread that accepts, reads
 *       opening handshakes and answers the plain ones, and a virtual thread per handler (handler style), per TLS
 *       handshake, and for any handshake step that may wait or run your {@code processRequest}.</li>
 *   <li><b>One shared timer thread</b> runs timeouts and keepalive; it hands anything that may block to a virtual
 *       thread.</li>
 *   <li><b>A {@link dev.lifeline.ReconnectingWebSocket}</b> has one virtual thread of its own, which opens, runs the
 *       hooks and the {@link dev.lifeline.ReconnectPolicy}, and waits.</li>
 * </ul>
 * Your code never runs under a connection's lock, except a {@link dev.lifeline.WebSocketMetrics} listener (see
 * there). The threads, locks and their order are written out in {@code dev.lifeline.internal}'s package
 * documentation.
 *
 * <h2>Exceptions</h2>
 * Unchecked, in the protocol module's three families: {@code InvalidStateException} (wrong moment; its subtypes
 * {@link dev.lifeline.ConcurrencyException} and {@link dev.lifeline.OperationInterruptedException}),
 * {@code ProtocolException} (the peer broke the protocol), {@code ConnectionClosedException} (the connection is
 * over). Opening a connection also throws {@code IOException} and {@code HandshakeException}.
 *
 * <h2>Interruption</h2>
 * A thread interrupted while it waits in {@code send} (for room below {@code writeLimit}), {@code receive} (for a
 * message), {@code close} (for the closing handshake) or {@code WebSocketClient.open} (for TCP, TLS or the
 * handshake response) gets {@link dev.lifeline.OperationInterruptedException}, with its interrupt status kept. See
 * that class for what the connection is left with.
 */
package dev.lifeline;
