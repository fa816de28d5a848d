package dev.lifeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.protocol.CloseStatus;
import org.junit.jupiter.api.Test;

/** What a line typed at the prompt of {@code lifeline connect} means. */
class ClientCommandTest {
    @Test
    void aLineIsATextMessage() {
        assertThat(ClientCommand.parse("hello /ping")).isEqualTo(new ClientCommand.Send("hello /ping"));
        assertThat(ClientCommand.parse("")).isEqualTo(new ClientCommand.Send(""));
    }

    @Test
    void aDoubleSlashSendsAMessageStartingWithASlash() {
        assertThat(ClientCommand.parse("//ping")).isEqualTo(new ClientCommand.Send("/ping"));
    }

    @Test
    void commandsAreRecognised() {
        assertThat(ClientCommand.parse("/ping")).isEqualTo(new ClientCommand.Ping());
        assertThat(ClientCommand.parse("/latency")).isEqualTo(new ClientCommand.Latency());
        assertThat(ClientCommand.parse("/help")).isEqualTo(new ClientCommand.Help());
        assertThat(ClientCommand.parse("/quit")).isEqualTo(new ClientCommand.Close(CloseStatus.of(1000, "")));
    }

    @Test
    void closeTakesAnOptionalCodeAndReason() {
        assertThat(ClientCommand.parse("/close")).isEqualTo(new ClientCommand.Close(CloseStatus.of(1000, "")));
        assertThat(ClientCommand.parse("/close 4000")).isEqualTo(new ClientCommand.Close(CloseStatus.of(4000, "")));
        assertThat(ClientCommand.parse("/close 1001 gone  fishing"))
                .isEqualTo(new ClientCommand.Close(CloseStatus.of(1001, "gone  fishing")));
    }

    @Test
    void closeCodesThatMayNotBeSentAreRefused() {
        assertThat(ClientCommand.parse("/close 1006")).isInstanceOf(ClientCommand.Invalid.class)
                .asString().contains("1006 may not be sent");
        assertThat(ClientCommand.parse("/close abc")).isInstanceOf(ClientCommand.Invalid.class);
    }

    @Test
    void aCloseReasonLongerThan123BytesIsRefused() {
        assertThat(ClientCommand.parse("/close 1000 " + "é".repeat(62))).isInstanceOf(ClientCommand.Invalid.class)
                .asString().contains("123 bytes");
        assertThat(ClientCommand.parse("/close 1000 " + "a".repeat(123))).isInstanceOf(ClientCommand.Close.class);
    }

    @Test
    void anUnknownCommandSaysHowToSendTheLineAsAMessage() {
        assertThat(ClientCommand.parse("/frobnicate")).isInstanceOf(ClientCommand.Invalid.class)
                .asString().contains("unknown command /frobnicate").contains("//");
        assertThat(ClientCommand.parse("/ping now")).isInstanceOf(ClientCommand.Invalid.class);
    }
}
