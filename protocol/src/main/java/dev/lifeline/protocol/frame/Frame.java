package dev.lifeline.protocol.frame;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * One WebSocket frame, RFC 6455 §5.2, with its payload unmasked. The payload buffer is read from its position
 * to its limit; a frame does not copy it.
 *
 * @param rsv the three reserved bits as they sit in the first header byte: {@link #RSV1}, {@link #RSV2},
 *        {@link #RSV3}
 */
public record Frame(Opcode opcode, boolean fin, int rsv, ByteBuffer payload) {
    public static final int RSV1 = 0x40;
    public static final int RSV2 = 0x20;
    public static final int RSV3 = 0x10;
    private static final int SHOWN = 60;

    public Frame {
        if ((rsv & ~(RSV1 | RSV2 | RSV3)) != 0) {
            throw new IllegalArgumentException("rsv must be a combination of RSV1, RSV2 and RSV3: " + rsv);
        }
        payload = payload.asReadOnlyBuffer();
    }

    /** A final frame with no reserved bits. */
    public static Frame of(Opcode opcode, ByteBuffer payload) {
        return new Frame(opcode, true, 0, payload);
    }

    public int length() {
        return payload.remaining();
    }

    /** Log-friendly, e.g. {@code TEXT 'hello' [5 bytes]} or {@code BINARY fin=false 00ff… [300 bytes]}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(opcode.name());
        if (!fin) {
            sb.append(" fin=false");
        }
        if (rsv != 0) {
            sb.append(" rsv=").append(Integer.toBinaryString(rsv >> 4));
        }
        byte[] shown = new byte[Math.min(length(), SHOWN)];
        payload.duplicate().get(shown);
        if (shown.length > 0) {
            sb.append(' ');
            if (opcode == Opcode.TEXT || opcode == Opcode.CLOSE && shown.length > 2) {
                int skip = opcode == Opcode.CLOSE ? 2 : 0;
                if (skip > 0) {
                    sb.append(((shown[0] & 0xFF) << 8) | (shown[1] & 0xFF)).append(' ');
                }
                String text = new String(shown, skip, shown.length - skip, StandardCharsets.UTF_8);
                sb.append('\'').append(text.replace("\n", "\\n")).append(length() > SHOWN ? "…'" : "'");
            } else {
                sb.append(HexFormat.of().formatHex(shown)).append(length() > SHOWN ? "…" : "");
            }
        }
        return sb.append(" [").append(length()).append(length() == 1 ? " byte]" : " bytes]").toString();
    }
}
