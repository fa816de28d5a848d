package dev.lifeline.protocol.handshake;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code Sec-WebSocket-Accept}: RFC 6455 §1.3 and §4.2.2 item 5.4. */
class AcceptTest {

    @Test
    void theRfcSampleNonceGivesTheRfcAcceptValue() {
        assertThat(Accept.of("dGhlIHNhbXBsZSBub25jZQ==")).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    }

    @Test
    void keyBytesOneToSixteenGiveTheirOwnAcceptValue() {
        // Computed independently: base64(sha1("AQIDBAUGBwgJCgsMDQ4PEA==" + GUID)).
        assertThat(Accept.of("AQIDBAUGBwgJCgsMDQ4PEA==")).isEqualTo("C/0nmHhBztSRGR1CwL6Tf4ZjwpY=");
    }

    @Test
    void theKeyIsHashedAsTextNotDecoded() {
        assertThat(Accept.of("dGhlIHNhbXBsZSBub25jZQ")).isNotEqualTo(Accept.of("dGhlIHNhbXBsZSBub25jZQ=="));
        assertThat(Accept.GUID).isEqualTo("258EAFA5-E914-47DA-95CA-C5AB0DC85B11");
    }
}
