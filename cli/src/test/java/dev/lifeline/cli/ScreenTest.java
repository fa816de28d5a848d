package dev.lifeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.Message;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Where {@code lifeline connect} prints, at a terminal and in a pipe. */
class ScreenTest {
    private static final String ESC = "\u001b";

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private Screen screen(boolean terminal, boolean colours) {
        return new Screen(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), terminal, colours, 20);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void atATerminalAMessageArrivingWhileThePromptShowsIsInsertedAboveThePromptLine() {
        Screen screen = screen(true, false);
        screen.prompt();
        screen.incoming(Message.text("hi\u001b[2J"));

        assertThat(out()).isEqualTo("> " + ESC + "7\n" + ESC + "[1A" + ESC + "[1L\r< hi\\x1b[2J" + ESC + "8" + ESC
                + "[1B");
    }

    @Test
    void aLineLongerThanTheTerminalIsWideGetsAsManyRowsAsItWraps() {
        Screen screen = screen(true, true);
        screen.prompt();
        screen.status("x".repeat(39)); // "= " and 39 characters: 41 columns, 3 rows of 20; colours take none

        assertThat(out()).isEqualTo("> " + ESC + "7\n\n\n" + ESC + "[3A" + ESC + "[3L\r" + ESC + "[33m= "
                + "x".repeat(39) + ESC + "[0m" + ESC + "8" + ESC + "[3B");
    }

    @Test
    void atATerminalAMessageArrivingWithoutPromptIsAPlainLine() {
        Screen screen = screen(true, false);
        screen.prompt();
        screen.lineEntered();
        screen.incoming(Message.text("hi"));
        screen.status("connection is OPEN");

        assertThat(out()).isEqualTo("> < hi\n= connection is OPEN\n");
        assertThat(err()).isEmpty();
    }

    @Test
    void atATerminalWithColoursStateIsYellowAndProblemsRed() {
        Screen screen = screen(true, true);
        screen.status("ok");
        screen.problem("bad");

        assertThat(out()).isEqualTo(ESC + "[33m= ok" + ESC + "[0m\n" + ESC + "[31m! bad" + ESC + "[0m\n");
    }

    @Test
    void endingThePromptErasesIt() {
        Screen screen = screen(true, false);
        screen.prompt();
        screen.endPrompt();
        screen.endPrompt();

        assertThat(out()).isEqualTo("> \r" + ESC + "[K");
    }

    @Test
    void inAPipeMessagesAloneGoToStandardOutputWithoutPromptOrColour() {
        Screen screen = screen(false, true);
        screen.prompt();
        screen.status("connection is OPEN");
        screen.incoming(Message.text("a\nb"));
        screen.incoming(Message.binary(new byte[] {1}));
        screen.problem("connection is CLOSED with 1006");
        screen.endPrompt();

        assertThat(out()).isEqualTo("a\\nb\n(binary, 1 byte) 01\n");
        assertThat(err()).isEqualTo("= connection is OPEN\n! connection is CLOSED with 1006\n");
    }
}
