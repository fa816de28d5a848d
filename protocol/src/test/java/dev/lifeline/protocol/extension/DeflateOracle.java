package dev.lifeline.protocol.extension;

import java.util.Arrays;

/**
 * A plain DEFLATE decoder written from RFC 1951 for tests, independent of zlib, that also reports the longest
 * back-reference distance it met: the oracle for "no reference reaches further than the negotiated window". It keeps
 * everything it decoded, so that messages of a connection with context takeover can refer to earlier ones. Slow and
 * simple on purpose: bit by bit, canonical Huffman codes decoded one bit at a time.
 */
final class DeflateOracle {
    private static final int[] LENGTH_BASE = {3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59,
        67, 83, 99, 115, 131, 163, 195, 227, 258};
    private static final int[] LENGTH_EXTRA = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4,
        5, 5, 5, 5, 0};
    private static final int[] DISTANCE_BASE = {1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385,
        513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
    private static final int[] DISTANCE_EXTRA = {0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10,
        10, 11, 11, 12, 12, 13, 13};
    /** §3.2.7: the order in which the code length code lengths come. */
    private static final int[] CODE_LENGTH_ORDER = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};

    private byte[] out = new byte[1024];
    private int outLength;
    private int maxDistance;

    private byte[] in;
    private int pos;
    private int bit;

    /** The longest distance of all back-references decoded so far. */
    int maxDistance() {
        return maxDistance;
    }

    /** Decodes one message's payload as RFC 7692 §7.2.2 says: with {@code 00 00 ff ff} appended. */
    byte[] message(byte[] payload) {
        in = Arrays.copyOf(payload, payload.length + 4);
        in[in.length - 2] = (byte) 0xff;
        in[in.length - 1] = (byte) 0xff;
        pos = 0;
        bit = 0;
        int start = outLength;
        boolean last = false;
        while (!last && pos < in.length) {
            last = bits(1) == 1;
            switch (bits(2)) {
                case 0 -> stored();
                case 1 -> codes(fixedLiterals(), fixedDistances());
                case 2 -> dynamic();
                default -> throw new IllegalArgumentException("reserved block type at byte " + pos);
            }
        }
        return Arrays.copyOfRange(out, start, outLength);
    }

    private void stored() {
        if (bit != 0) {
            bit = 0;
            pos++;
        }
        int length = (in[pos] & 0xff) | (in[pos + 1] & 0xff) << 8;
        int complement = (in[pos + 2] & 0xff) | (in[pos + 3] & 0xff) << 8;
        if ((length ^ 0xffff) != complement) {
            throw new IllegalArgumentException("stored block length does not match its complement");
        }
        pos += 4;
        for (int i = 0; i < length; i++) {
            emit(in[pos++]);
        }
    }

    private void dynamic() {
        int literals = bits(5) + 257;
        int distances = bits(5) + 1;
        int codeLengths = bits(4) + 4;
        int[] lengths = new int[19];
        for (int i = 0; i < codeLengths; i++) {
            lengths[CODE_LENGTH_ORDER[i]] = bits(3);
        }
        Huffman lengthCode = new Huffman(lengths);
        int[] all = new int[literals + distances];
        int index = 0;
        while (index < all.length) {
            int symbol = lengthCode.decode(this);
            if (symbol < 16) {
                all[index++] = symbol;
                continue;
            }
            int value = symbol == 16 ? all[index - 1] : 0;
            int repeat = symbol == 16 ? 3 + bits(2) : symbol == 17 ? 3 + bits(3) : 11 + bits(7);
            for (int i = 0; i < repeat; i++) {
                all[index++] = value;
            }
        }
        codes(new Huffman(Arrays.copyOfRange(all, 0, literals)),
                new Huffman(Arrays.copyOfRange(all, literals, all.length)));
    }

    private void codes(Huffman literals, Huffman distances) {
        while (true) {
            int symbol = literals.decode(this);
            if (symbol < 256) {
                emit((byte) symbol);
            } else if (symbol == 256) {
                return;
            } else {
                int length = LENGTH_BASE[symbol - 257] + bits(LENGTH_EXTRA[symbol - 257]);
                int code = distances.decode(this);
                int distance = DISTANCE_BASE[code] + bits(DISTANCE_EXTRA[code]);
                if (distance > outLength) {
                    throw new IllegalArgumentException("distance " + distance + " before the start of the data");
                }
                maxDistance = Math.max(maxDistance, distance);
                for (int i = 0; i < length; i++) {
                    emit(out[outLength - distance]);
                }
            }
        }
    }

    private static Huffman fixedLiterals() {
        int[] lengths = new int[288];
        for (int i = 0; i < 288; i++) {
            lengths[i] = i < 144 ? 8 : i < 256 ? 9 : i < 280 ? 7 : 8;
        }
        return new Huffman(lengths);
    }

    private static Huffman fixedDistances() {
        int[] lengths = new int[30];
        Arrays.fill(lengths, 5);
        return new Huffman(lengths);
    }

    private void emit(byte b) {
        if (outLength == out.length) {
            out = Arrays.copyOf(out, out.length * 2);
        }
        out[outLength++] = b;
    }

    /** The next {@code n} bits, least significant first (§3.1.1). */
    private int bits(int n) {
        int value = 0;
        for (int i = 0; i < n; i++) {
            value |= ((in[pos] >> bit) & 1) << i;
            if (++bit == 8) {
                bit = 0;
                pos++;
            }
        }
        return value;
    }

    /** A canonical Huffman code (§3.2.2): how many codes of each length, and the symbols in code order. */
    private static final class Huffman {
        private final int[] counts = new int[16];
        private final int[] symbols;

        Huffman(int[] lengths) {
            for (int length : lengths) {
                counts[length]++;
            }
            counts[0] = 0;
            int[] offsets = new int[16];
            for (int length = 1; length < 15; length++) {
                offsets[length + 1] = offsets[length] + counts[length];
            }
            symbols = new int[lengths.length];
            for (int symbol = 0; symbol < lengths.length; symbol++) {
                if (lengths[symbol] != 0) {
                    symbols[offsets[lengths[symbol]]++] = symbol;
                }
            }
        }

        /** Huffman codes are packed most significant bit first, so the code grows one bit at a time. */
        int decode(DeflateOracle reader) {
            int code = 0;
            int first = 0;
            int index = 0;
            for (int length = 1; length < 16; length++) {
                code |= reader.bits(1);
                int count = counts[length];
                if (code - first < count) {
                    return symbols[index + code - first];
                }
                index += count;
                first = (first + count) << 1;
                code <<= 1;
            }
            throw new IllegalArgumentException("invalid Huffman code");
        }
    }
}
