package dev.lifeline.bench.server;

/**
 * An echo server under test, listening on 127.0.0.1 on a free port: every text or binary message is sent back
 * unchanged. Every implementation takes messages up to {@link #MAX_MESSAGE} bytes and sends no keepalive pings
 * (none of the peers does by default; Lifeline's are turned off to match).
 */
public interface EchoServer extends AutoCloseable {
    /** Largest message the servers accept: room for the 1 MiB scenario. */
    int MAX_MESSAGE = 2 << 20;

    int port();

    @Override
    void close();
}
