package dev.lifeline.protocol.handshake;

/** Character classes of HTTP (RFC 9110 §5.5, §5.6) shared by the handshake classes, and message quoting. */
final class Syntax {

    /** Longest piece of peer-supplied text quoted in an exception message. */
    private static final int QUOTE_LIMIT = 80;

    private Syntax() {}

    /** {@code tchar} of RFC 9110 §5.6.2. */
    static boolean isTokenChar(char c) {
        if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
            return true;
        }
        return switch (c) {
            case '!', '#', '$', '%', '&', '\'', '*', '+', '-', '.', '^', '_', '`', '|', '~' -> true;
            default -> false;
        };
    }

    /** {@code token = 1*tchar}, RFC 9110 §5.6.2. */
    static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!isTokenChar(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** {@code OWS} characters, RFC 9110 §5.6.3. */
    static boolean isOws(char c) {
        return c == ' ' || c == '\t';
    }

    /** A character allowed in a field value: VCHAR, obs-text, SP or HTAB (RFC 9110 §5.5). */
    static boolean isFieldChar(char c) {
        return c == '\t' || c >= 0x20 && c <= 0xFF && c != 0x7F;
    }

    /** Index of the first character that may not appear in a field value, or -1. */
    static int invalidFieldChar(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (!isFieldChar(s.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    static String trimOws(String s) {
        int start = skipOws(s, 0, s.length());
        return s.substring(start, trimOwsEnd(s, start, s.length()));
    }

    /** The first index from {@code from} (before {@code to}) that is not optional whitespace, or {@code to}. */
    static int skipOws(String s, int from, int to) {
        while (from < to && isOws(s.charAt(from))) {
            from++;
        }
        return from;
    }

    /** {@code to}, moved back over the optional whitespace that ends {@code s}'s characters {@code from} to it. */
    static int trimOwsEnd(String s, int from, int to) {
        while (to > from && isOws(s.charAt(to - 1))) {
            to--;
        }
        return to;
    }

    /** Describes one character for a message: {@code 'x'} when printable, {@code 0x0d} otherwise. */
    static String describe(char c) {
        return c > 0x20 && c < 0x7F ? "'" + c + "'" : String.format("0x%02x", (int) c);
    }

    /**
     * Quotes text that came from the peer for an exception message (which a server also sends back as a plain
     * text body): at most {@value #QUOTE_LIMIT} characters, control and non-ASCII characters escaped.
     */
    static String quote(String s) {
        StringBuilder out = new StringBuilder(Math.min(s.length(), QUOTE_LIMIT) + 8).append('"');
        int n = Math.min(s.length(), QUOTE_LIMIT);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c >= 0x20 && c < 0x7F) {
                out.append(c);
            } else {
                out.append(c <= 0xFF ? String.format("\\x%02x", (int) c) : String.format("\\u%04x", (int) c));
            }
        }
        out.append('"');
        if (s.length() > QUOTE_LIMIT) {
            out.append("...");
        }
        return out.toString();
    }
}
