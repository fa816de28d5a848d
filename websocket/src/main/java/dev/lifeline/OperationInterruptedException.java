package dev.lifeline;

import dev.lifeline.protocol.InvalidStateException;

/**
 * The calling thread was interrupted while it waited, and the call gave up: the one answer to an interrupt in
 * {@link WebSocket#send}, {@link WebSocket#receive()}, {@link WebSocket#close()} and {@link WebSocketClient#open}
 * (and in {@link ReconnectingWebSocket}'s). The thread's interrupt status is still set when this is thrown; the
 * {@link InterruptedException} (or the I/O failure the interrupt caused) is the cause.
 *
 * <p>What the connection is left with: an interrupted {@code receive} took no message (the next call gets it); an
 * interrupted {@code send} that was waiting for room below {@code writeLimit} sent nothing. An interrupted
 * {@code close} had sent its Close frame: the closing handshake goes on without the caller, bounded by
 * {@code closeTimeout} as always, and {@link WebSocket#closed()} tells when it is over. An interrupted
 * {@code open} leaves no connection behind. A write already handing bytes to TCP is never abandoned midway (the
 * stream would be corrupt): on a polled server socket it goes on and the interrupt stays pending; on a blocking
 * socket (a client's, or TLS) the JDK closes a virtual thread's socket when the thread is interrupted in a write,
 * so the connection is then over, and the cause of this exception is its {@code ConnectionClosedException}.
 */
public final class OperationInterruptedException extends InvalidStateException {
    public OperationInterruptedException(String message, Throwable cause) {
        super(message, cause);
    }
}
