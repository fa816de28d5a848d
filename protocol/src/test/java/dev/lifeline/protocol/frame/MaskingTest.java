package dev.lifeline.protocol.frame;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * RFC 6455 §5.3 "Client-to-Server Masking": "Octet i of the transformed data is the XOR of octet i of the original
 * data with octet at index i modulo 4 of the masking key." {@link Masking} works eight bytes at a time; these tests
 * hold it to the one-byte-at-a-time definition for every alignment, length and key offset.
 */
class MaskingTest {
    private static final int KEY = 0x37fa213d;

    @Test
    void masksTheRfcExample() {
        byte[] hello = HexFormat.of().parseHex("48656c6c6f");
        Masking.mask(hello, 0, hello.length, KEY, 0);
        assertThat(HexFormat.of().formatHex(hello)).isEqualTo("7f9f4d5158");
    }

    @Test
    void matchesTheNaiveDefinitionForEveryLengthUpTo40AndEveryKeyOffsetUpTo7() {
        Random random = new Random(5_3);
        for (int len = 0; len <= 40; len++) {
            for (int keyOffset = 0; keyOffset <= 7; keyOffset++) {
                for (int off = 0; off <= 3; off++) {
                    int key = random.nextInt();
                    byte[] data = new byte[off + len + 3];
                    random.nextBytes(data);
                    byte[] expected = data.clone();
                    for (int i = 0; i < len; i++) {
                        expected[off + i] ^= (byte) (key >>> (24 - 8 * ((i + keyOffset) % 4)));
                    }
                    Masking.mask(data, off, len, key, keyOffset);
                    assertThat(data).as("len %d, keyOffset %d, off %d", len, keyOffset, off).isEqualTo(expected);
                }
            }
        }
    }

    @Test
    void usesOnlyTheKeyOffsetModulo4EvenBeyond32Bits() {
        byte[] a = new byte[13];
        byte[] b = new byte[13];
        Arrays.fill(a, (byte) 0x5a);
        Arrays.fill(b, (byte) 0x5a);
        Masking.mask(a, 0, 13, KEY, (1L << 33) + 3);
        Masking.mask(b, 0, 13, KEY, 3);
        assertThat(a).isEqualTo(b);
    }

    @Test
    void maskingInPiecesEqualsMaskingWhole() {
        Random random = new Random(17);
        byte[] original = new byte[50];
        random.nextBytes(original);
        byte[] whole = original.clone();
        Masking.mask(whole, 0, whole.length, KEY, 0);
        for (int cut1 = 0; cut1 <= original.length; cut1++) {
            for (int cut2 = cut1; cut2 <= original.length; cut2 += 7) {
                byte[] pieces = original.clone();
                Masking.mask(pieces, 0, cut1, KEY, 0);
                Masking.mask(pieces, cut1, cut2 - cut1, KEY, cut1);
                Masking.mask(pieces, cut2, original.length - cut2, KEY, cut2);
                assertThat(pieces).as("cut at %d and %d", cut1, cut2).isEqualTo(whole);
            }
        }
    }

    @Test
    void maskingTwiceRestoresTheData() {
        byte[] original = new byte[1000];
        new Random(3).nextBytes(original);
        byte[] data = original.clone();
        Masking.mask(data, 0, data.length, KEY, 0);
        assertThat(data).isNotEqualTo(original);
        Masking.mask(data, 0, data.length, KEY, 0);
        assertThat(data).isEqualTo(original);
    }

    @Test
    void touchesNothingOutsideTheRange() {
        byte[] data = new byte[32];
        Masking.mask(data, 5, 17, 0xffffffff, 0);
        for (int i = 0; i < data.length; i++) {
            assertThat(data[i]).as("byte %d", i).isEqualTo(i >= 5 && i < 22 ? (byte) 0xff : 0);
        }
    }
}
