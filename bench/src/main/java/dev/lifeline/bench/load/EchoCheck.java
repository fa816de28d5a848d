package dev.lifeline.bench.load;

import java.nio.ByteBuffer;

/**
 * Verifies one connection's stream of echoes against the messages sent on it, in order: each echo must be the
 * message with the next sequence number, byte for byte, with the sent length. Echoes may arrive in pieces (a large
 * message over several reads or frames). Not thread-safe: one per connection, fed by one thread at a time.
 */
public final class EchoCheck {
    private final Payload expected;
    private final String where;
    private long seq;
    private int offset;

    /**
     * @param expected the payload as it should come back (masked for a raw TCP echo)
     * @param where names the connection in error messages
     */
    public EchoCheck(Payload expected, String where) {
        this.expected = expected;
        this.where = where;
    }

    /** Checks {@code len} more bytes of the current echo, at absolute index {@code at} of {@code src}. */
    public void chunk(ByteBuffer src, int at, int len) {
        if (offset + len > expected.size()) {
            throw new EchoException(where + ": echo of message " + seq + " is longer than the "
                    + expected.size() + " bytes sent");
        }
        int m = expected.mismatch(seq, offset, src, at, len);
        if (m >= 0) {
            throw new EchoException(where + ": echo of message " + seq + " differs at byte " + m);
        }
        offset += len;
    }

    /** Checks the bytes of {@code src} from its position to its limit (not consumed). */
    public void chunk(ByteBuffer src) {
        chunk(src, src.position(), src.remaining());
    }

    /** Checks a whole text echo. */
    public long text(CharSequence s) {
        int m = expected.mismatch(seq, s);
        if (m >= 0) {
            throw new EchoException(where + ": text echo of message " + seq + " differs at char " + m
                    + " (length " + s.length() + ", sent " + expected.size() + ")");
        }
        offset = expected.size();
        return end();
    }

    /** Ends the current echo: it must be complete. Returns its sequence number. */
    public long end() {
        if (offset != expected.size()) {
            throw new EchoException(where + ": echo of message " + seq + " has " + offset + " bytes, sent "
                    + expected.size());
        }
        offset = 0;
        return seq++;
    }

    @Override
    public String toString() {
        return where;
    }

    /** Sequence number of the next echo expected. */
    public long next() {
        return seq;
    }
}
