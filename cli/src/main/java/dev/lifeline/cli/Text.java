package dev.lifeline.cli;

import dev.lifeline.Message;
import java.time.Duration;
import java.util.HexFormat;

/** How the command prints what it shows: messages with control characters escaped, durations, sizes. */
final class Text {
    private static final int BINARY_SHOWN = 32;

    private Text() {
    }

    /**
     * The text with every control character (Unicode category Cc, and the line and paragraph separators) escaped,
     * so that a message prints on one line and cannot move the cursor or change colours: {@code \n}, {@code \r},
     * {@code \t} as such, the others as {@code \x1b} or {@code \u0085}.
     */
    static String escape(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            String replacement = replacement(c);
            if (replacement != null && out == null) {
                out = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (out != null) {
                out.append(replacement != null ? replacement : String.valueOf(c));
            }
        }
        return out == null ? text : out.toString();
    }

    private static String replacement(char c) {
        return switch (c) {
            case '\n' -> "\\n";
            case '\r' -> "\\r";
            case '\t' -> "\\t";
            default -> {
                if (c < 0x20 || c == 0x7F) {
                    yield String.format("\\x%02x", (int) c);
                }
                if (Character.getType(c) == Character.CONTROL || c == '\u2028' || c == '\u2029') {
                    yield String.format("\\u%04x", (int) c);
                }
                yield null;
            }
        };
    }

    /** A message for one line: the escaped text, or {@code (binary, 3 bytes) 0a0b0c} with at most 32 bytes shown. */
    static String message(Message message) {
        return switch (message) {
            case Message.Text t -> escape(t.text());
            case Message.Binary b -> {
                byte[] data = b.data();
                String hex = HexFormat.of().formatHex(data, 0, Math.min(BINARY_SHOWN, data.length));
                yield "(binary, " + data.length + (data.length == 1 ? " byte) " : " bytes) ") + hex
                        + (data.length > BINARY_SHOWN ? "…" : "");
            }
        };
    }

    /** A duration as people read it: {@code 0.42 ms}, {@code 850 ms}, {@code 4.2 s}, {@code 3 min 12 s}. */
    static String duration(Duration d) {
        long nanos = d.toNanos();
        if (nanos < 1_000_000) {
            return String.format("%.2f ms", nanos / 1e6);
        }
        if (nanos < 10_000_000) {
            return String.format("%.1f ms", nanos / 1e6);
        }
        if (nanos < 1_000_000_000) {
            return (nanos / 1_000_000) + " ms";
        }
        if (nanos < 60_000_000_000L) {
            return String.format("%.1f s", nanos / 1e9);
        }
        long seconds = d.toSeconds();
        if (seconds < 3600) {
            return seconds / 60 + " min " + seconds % 60 + " s";
        }
        return seconds / 3600 + " h " + seconds % 3600 / 60 + " min";
    }

    /** {@code 1 message}, {@code 3 messages}. */
    static String count(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
