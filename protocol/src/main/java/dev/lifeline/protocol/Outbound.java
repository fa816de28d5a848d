package dev.lifeline.protocol;

import java.nio.ByteBuffer;

/** What {@link Protocol#takeOutbound()} asks the I/O layer to do, in order. */
public sealed interface Outbound {
    /** Write these bytes. */
    record Data(ByteBuffer bytes) implements Outbound {
    }

    /** Half-close: shut down our sending side of the TCP connection (FIN). Nothing follows it. */
    record Eof() implements Outbound {
    }

    Eof EOF = new Eof();
}
