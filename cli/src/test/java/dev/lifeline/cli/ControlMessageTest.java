package dev.lifeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The two control messages the server answers itself; everything else is an ordinary message. */
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
}
