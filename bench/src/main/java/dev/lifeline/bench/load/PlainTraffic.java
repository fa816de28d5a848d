package dev.lifeline.bench.load;

import java.nio.ByteBuffer;

/**
 * Uncompressed messages of one {@link Payload}: each connection's frames are encoded and masked once, and sending
 * a message only patches its sequence number into a prebuilt frame, so nothing is allocated per message. Echoes
 * are checked byte for byte as they arrive ({@link EchoCheck}).
 */
public final class PlainTraffic implements Traffic {
    private static final int BATCH_BYTES = 64 * 1024;

    private final Payload payload;
    private final Payload masked;

    public PlainTraffic(Payload payload) {
        this.payload = payload;
        this.masked = payload.masked(EchoLoad.MASK_KEY);
    }

    @Override
    public int size() {
        return payload.size();
    }

    @Override
    public boolean text() {
        return payload.text();
    }

    @Override
    public Connection connection(int index, boolean raw, int inFlight) {
        int copies = Math.clamp(BATCH_BYTES / ClientFrames.length(masked.size()), 1, inFlight);
        return new Frames(ClientFrames.build(masked, payload.text(), copies),
                new EchoCheck(raw ? masked : payload, "connection " + index));
    }

    private final class Frames implements Connection {
        private final ByteBuffer out;
        private final EchoCheck check;
        private final int frameLength = ClientFrames.length(masked.size());
        private final int headerLength = frameLength - masked.size();

        Frames(ByteBuffer out, EchoCheck check) {
            this.out = out;
            this.check = check;
        }

        @Override
        public ByteBuffer out() {
            return out;
        }

        @Override
        public int fill(long seq, int max) {
            int n = Math.min(max, out.capacity() / frameLength);
            out.clear();
            for (int i = 0; i < n; i++) {
                masked.writeSeq(seq + i, out, i * frameLength + headerLength);
            }
            out.limit(n * frameLength).position(0);
            return n;
        }

        @Override
        public int rsv(boolean first) {
            return 0;
        }

        @Override
        public void chunk(ByteBuffer src, int at, int len) {
            check.chunk(src, at, len);
        }

        @Override
        public long end() {
            return check.end();
        }

        @Override
        public long next() {
            return check.next();
        }

        @Override
        public String toString() {
            return check.toString();
        }
    }
}
