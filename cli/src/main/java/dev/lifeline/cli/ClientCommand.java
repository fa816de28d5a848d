package dev.lifeline.cli;

import dev.lifeline.protocol.CloseCode;
import dev.lifeline.protocol.CloseStatus;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What a line typed at {@code lifeline connect}'s prompt means. A line is a text message, unless it starts with
 * {@code /}: then it is a command, and {@code //} sends a message that starts with {@code /}. Lines read from a pipe
 * are always messages.
 */
sealed interface ClientCommand {
    /** What {@code /help} prints. */
    List<String> HELP = List.of(
            "type a line to send it as a text message; commands:",
            "  /ping                    send a Ping and show the round-trip time",
            "  /latency                 show the round-trip time of the last Ping answered (keepalive included)",
            "  /close [CODE [REASON]]   close the connection (1000 by default) and exit",
            "  /quit                    close with 1000 and exit (Ctrl-D too)",
            "  /help                    this list",
            "  //text                   send '/text'");

    /** What {@code /help} prints in a reliable session, which has no /ping nor /latency and always ends with 1000. */
    List<String> RELIABLE_HELP = List.of(
            "type a line to send it as a message of the session; commands:",
            "  /quit, /close            end the session (with 1000) and exit (Ctrl-D too)",
            "  /help                    this list",
            "  //text                   send '/text'");

    /** Send this text message. */
    record Send(String text) implements ClientCommand {
    }

    record Ping() implements ClientCommand {
    }

    record Latency() implements ClientCommand {
    }

    /** Close with this status ({@code /close}, {@code /quit}). */
    record Close(CloseStatus status) implements ClientCommand {
    }

    record Help() implements ClientCommand {
    }

    /** A command that cannot be carried out; {@code problem} says why. */
    record Invalid(String problem) implements ClientCommand {
    }

    static ClientCommand parse(String line) {
        if (!line.startsWith("/")) {
            return new Send(line);
        }
        if (line.startsWith("//")) {
            return new Send(line.substring(1));
        }
        String[] words = line.strip().split("\\s+", 3);
        return switch (words[0]) {
            case "/ping" -> words.length == 1 ? new Ping() : new Invalid("/ping takes no arguments");
            case "/latency" -> words.length == 1 ? new Latency() : new Invalid("/latency takes no arguments");
            case "/quit" -> new Close(new CloseStatus(CloseCode.NORMAL_CLOSURE, ""));
            case "/close" -> close(words);
            case "/help" -> new Help();
            default -> new Invalid("unknown command " + words[0] + "; /help lists the commands, and // sends a"
                    + " message that starts with /");
        };
    }

    private static ClientCommand close(String[] words) {
        if (words.length == 1) {
            return new Close(new CloseStatus(CloseCode.NORMAL_CLOSURE, ""));
        }
        int code;
        try {
            code = Integer.parseInt(words[1]);
        } catch (NumberFormatException e) {
            return new Invalid("/close takes a close code first, e.g. /close 1000 bye: not " + words[1]);
        }
        if (!CloseCode.isValidOnWire(code)) {
            return new Invalid(code + " may not be sent in a Close frame; use 1000-1003, 1007-1014 or 3000-4999");
        }
        String reason = words.length == 3 ? words[2] : "";
        if (reason.getBytes(StandardCharsets.UTF_8).length > CloseStatus.MAX_REASON_BYTES) {
            return new Invalid("a close reason may have at most " + CloseStatus.MAX_REASON_BYTES + " bytes in UTF-8");
        }
        return new Close(CloseStatus.of(code, reason));
    }
}
