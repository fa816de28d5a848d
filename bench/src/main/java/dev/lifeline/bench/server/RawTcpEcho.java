package dev.lifeline.bench.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * The physical reference: every byte received is written back, on one selector thread, with nothing parsed. The
 * load generator sends it the same masked frames as the WebSocket servers and checks it returns them unchanged.
 * Reads go into one buffer shared by all connections (one thread uses it); a connection gets a buffer of its own
 * the first time TCP does not take all of an echo at once, so that 10,000 idle connections cost no buffers.
 */
final class RawTcpEcho extends SelectorServer {
    private static final int BUFFER = 256 * 1024;
    /** Where reads land while a connection has nothing left to write; only the selector's thread uses it. */
    private final ByteBuffer shared = ByteBuffer.allocateDirect(BUFFER);

    RawTcpEcho() throws IOException {
        super("raw-tcp-echo");
    }

    @Override
    Connection accepted() {
        return new Connection() {
            /** The connection's own buffer, from the first echo that could not be written at once; else null. */
            private ByteBuffer own;

            @Override
            public int service(SocketChannel ch) throws IOException {
                ByteBuffer buffer = own != null ? own : shared;
                if (buffer.hasRemaining() && ch.read(buffer) < 0) {
                    shared.clear();
                    return 0;
                }
                ch.write(buffer.flip());
                buffer.compact();
                if (buffer == shared && shared.position() > 0) {
                    own = ByteBuffer.allocateDirect(BUFFER);
                    own.put(shared.flip());
                    shared.clear();
                    buffer = own;
                }
                return (buffer.position() > 0 ? SelectionKey.OP_WRITE : 0)
                        | (buffer.hasRemaining() ? SelectionKey.OP_READ : 0);
            }
        };
    }
}
