package dev.lifeline.bench.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;

/**
 * The physical reference: every byte received is written back, on one selector thread, with nothing parsed. The
 * load generator sends it the same masked frames as the WebSocket servers and checks it returns them unchanged.
 */
final class RawTcpEcho extends SelectorServer {
    private static final int BUFFER = 256 * 1024;

    RawTcpEcho() throws IOException {
        super("raw-tcp-echo");
    }

    @Override
    Connection accepted() {
        ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER);
        return ch -> {
            if (buffer.hasRemaining() && ch.read(buffer) < 0) {
                return 0;
            }
            ch.write(buffer.flip());
            buffer.compact();
            return (buffer.position() > 0 ? SelectionKey.OP_WRITE : 0)
                    | (buffer.hasRemaining() ? SelectionKey.OP_READ : 0);
        };
    }
}
