package dev.lifeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.protocol.CloseStatus;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The control messages the server answers itself; everything else is an ordinary message. */
class ControlMessageTest {
    @Test
    void pingIsAnsweredWithTheSameObjectAsPong() {
        ControlMessage ping = ControlMessage.parse("{\"lifeline\":\"ping\",\"t\":1234.5}").orElseThrow();

        assertThat(ping).isInstanceOf(ControlMessage.Ping.class);
        assertThat(((ControlMessage.Ping) ping).pong()).isEqualTo("{\"lifeline\":\"pong\",\"t\":1234.5}");
    }

    @Test
    void pingWithoutOtherMembersGetsABarePong() {
        ControlMessage.Ping ping = (ControlMessage.Ping) ControlMessage.parse("{ \"lifeline\" : \"ping\" }")
                .orElseThrow();

        assertThat(ping.pong()).isEqualTo("{\"lifeline\":\"pong\"}");
    }

    @Test
    void dropIsRecognised() {
        assertThat(ControlMessage.parse("{\"lifeline\":\"drop\"}")).containsInstanceOf(ControlMessage.Drop.class);
    }

    @Test
    void otherTextIsAnOrdinaryMessage() {
        assertThat(ControlMessage.parse("hello")).isEmpty();
        assertThat(ControlMessage.parse("{\"lifeline\":\"pong\"}")).isEmpty();
        assertThat(ControlMessage.parse("{\"t\":1,\"lifeline\":\"ping\"}")).isEmpty();
        assertThat(ControlMessage.parse("{\"lifeline\":\"ping\"")).isEmpty();
        assertThat(ControlMessage.parse(" {\"lifeline\":\"drop\"}")).isEmpty();
    }

    @Test
    void closeCarriesTheCodeTheReasonAndTheDelayAskedFor() {
        assertThat(ControlMessage.parse("{\"lifeline\":\"close\",\"code\":4000,\"reason\":\"bye \\\"now\\\" \\u00e9\","
                + " \"delay\" : 2500}"))
                .contains(new ControlMessage.Close(CloseStatus.of(4000, "bye \"now\" \u00e9"), Duration.ofMillis(2500)));
        assertThat(ControlMessage.parse("{\"lifeline\":\"close\",\"code\":1001}"))
                .contains(new ControlMessage.Close(CloseStatus.of(1001, ""), Duration.ZERO));
    }

    @Test
    void aCloseThatMayNotBeSentIsAnsweredWith1008SayingWhy() {
        assertThat(closeOf("{\"lifeline\":\"close\",\"code\":1006}"))
                .isEqualTo(CloseStatus.of(1008, "close code 1006 may not be sent in a Close frame (RFC 6455 §7.4)"));
        assertThat(closeOf("{\"lifeline\":\"close\",\"code\":1000,\"reason\":\"" + "x".repeat(124) + "\"}"))
                .isEqualTo(CloseStatus.of(1008, "a close reason is at most 123 UTF-8 bytes"));
        assertThat(closeOf("{\"lifeline\":\"close\",\"code\":1000,\"delay\":60001}"))
                .isEqualTo(CloseStatus.of(1008, "delay must be between 0 and 60000 ms: 60001"));
        for (String malformed : new String[] {"{\"lifeline\":\"close\"}", "{\"lifeline\":\"close\",\"code\":\"4000\"}",
                "{\"lifeline\":\"close\",\"code\":4000,\"code\":4001}", "{\"lifeline\":\"close\",\"code\":4000,\"x\":1}",
                "{\"lifeline\":\"close\",\"code\":4000,\"reason\":4}", "{\"lifeline\":\"close\",\"code\":4000,}"}) {
            assertThat(closeOf(malformed)).as(malformed).isEqualTo(CloseStatus.of(1008, ControlMessage.Close.EXPECTED));
        }
    }

    private static CloseStatus closeOf(String text) {
        ControlMessage.Close close = (ControlMessage.Close) ControlMessage.parse(text).orElseThrow();
        assertThat(close.delay()).isZero();
        return close.status();
    }
}
