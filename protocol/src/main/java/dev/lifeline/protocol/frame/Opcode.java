package dev.lifeline.protocol.frame;

/** Frame opcodes with their wire values, RFC 6455 §5.2. Values 0x3-0x7 and 0xB-0xF are reserved. */
public enum Opcode {
    CONTINUATION(0x0), TEXT(0x1), BINARY(0x2), CLOSE(0x8), PING(0x9), PONG(0xA);

    private static final Opcode[] BY_WIRE = new Opcode[16];
    static {
        for (Opcode op : values()) {
            BY_WIRE[op.wire] = op;
        }
    }

    private final int wire;

    Opcode(int wire) {
        this.wire = wire;
    }

    /** The 4-bit value on the wire. */
    public int wire() {
        return wire;
    }

    /** §5.5: control frames have an opcode whose most significant bit is 1. */
    public boolean isControl() {
        return (wire & 0x8) != 0;
    }

    /** The opcode for a 4-bit wire value, or {@code null} for a reserved value. */
    static Opcode fromWire(int wire) {
        return BY_WIRE[wire & 0xF];
    }
}
