package dev.lifeline.bench.client;

import java.net.URI;
import java.nio.ByteBuffer;

/** A WebSocket client library under comparison, reduced to what the client scenarios need. */
public interface ClientLibrary extends AutoCloseable {
    /** Largest message the clients accept: room for the 1 MiB scenario. */
    int MAX_MESSAGE = 2 << 20;

    /** Opens a connection to {@code uri}; every message received goes to {@code receiver}, on the library's threads. */
    Link connect(URI uri, Receiver receiver) throws Exception;

    /** Releases the library's threads and connections. */
    @Override
    void close() throws Exception;

    /** One open connection. Calls to its send methods come one at a time (the caller serializes them). */
    interface Link {
        void sendText(String text);

        /** Sends the buffer's remaining bytes; the buffer is not changed until the message has been echoed. */
        void sendBinary(ByteBuffer data);

        /** Drops the connection without a closing handshake. */
        void abort();
    }

    /** Receives one connection's messages, one call at a time. */
    interface Receiver {
        void text(CharSequence text);

        /** A piece of a binary message (all of it when the library assembles messages); read it during the call. */
        void binary(ByteBuffer piece, boolean last);

        void failed(Throwable cause);
    }
}
