package dev.lifeline.protocol.handshake;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Reads and writes {@code Sec-WebSocket-Extensions} (RFC 6455 §9.1):
 * <pre>
 * Sec-WebSocket-Extensions = extension-list
 * extension-list = 1#extension
 * extension = extension-token *( ";" extension-param )
 * extension-param = token [ "=" (token | quoted-string) ]
 * </pre>
 * Optional whitespace may surround {@code ,}, {@code ;} and {@code =} (RFC 6455 uses the implied linear
 * whitespace of RFC 2616 §2.1). Empty list elements ({@code a, , b}) are ignored, as RFC 9110 §5.6.1 asks of a
 * recipient. A quoted value is unescaped (RFC 9110 §5.6.4) and must then be a token. The names of extensions
 * and parameters are kept as written.
 */
public final class ExtensionHeader {

    private ExtensionHeader() {}

    /**
     * The extensions of every {@code Sec-WebSocket-Extensions} field value, in order.
     *
     * @param headerValues the values of all the fields, e.g. {@code headers.all("Sec-WebSocket-Extensions")}
     * @throws IllegalArgumentException when a value does not follow the grammar; the message says where
     */
    public static List<ExtensionOffer> parse(List<String> headerValues) {
        List<ExtensionOffer> offers = new ArrayList<>();
        for (String value : headerValues) {
            new Reader(Objects.requireNonNull(value, "header value")).list(offers);
        }
        return List.copyOf(offers);
    }

    /** The field value for these extensions, {@code a; x=1, b}; an empty string for an empty list. */
    public static String format(List<ExtensionOffer> extensions) {
        return extensions.stream().map(ExtensionOffer::toString).collect(Collectors.joining(", "));
    }

    /** A cursor over one field value. */
    private static final class Reader {
        private final String s;
        private int i;

        Reader(String s) {
            this.s = s;
        }

        void list(List<ExtensionOffer> out) {
            while (true) {
                skipOws();
                if (i == s.length()) {
                    return;
                }
                if (s.charAt(i) == ',') {
                    i++;
                    continue;
                }
                out.add(extension());
                skipOws();
                if (i < s.length() && s.charAt(i) != ',') {
                    throw fail("expected ',' or ';'");
                }
            }
        }

        private ExtensionOffer extension() {
            String name = token("an extension name");
            List<ExtensionParam> params = new ArrayList<>();
            skipOws();
            while (i < s.length() && s.charAt(i) == ';') {
                i++;
                skipOws();
                params.add(param());
                skipOws();
            }
            return new ExtensionOffer(name, params);
        }

        private ExtensionParam param() {
            String name = token("a parameter name");
            skipOws();
            if (i == s.length() || s.charAt(i) != '=') {
                return new ExtensionParam(name, Optional.empty());
            }
            i++;
            skipOws();
            String value = i < s.length() && s.charAt(i) == '"' ? quoted(name) : token("a value for " + name);
            return new ExtensionParam(name, Optional.of(value));
        }

        /** {@code quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE}, RFC 9110 §5.6.4. */
        private String quoted(String param) {
            int start = i++;
            StringBuilder value = new StringBuilder();
            while (i < s.length()) {
                char c = s.charAt(i++);
                if (c == '"') {
                    if (!Syntax.isToken(value.toString())) {
                        throw fail("quoted value " + Syntax.quote(value.toString()) + " of " + param
                                + " is not a token (RFC 6455 §9.1)");
                    }
                    return value.toString();
                }
                if (c == '\\') {
                    if (i == s.length()) {
                        break;
                    }
                    c = s.charAt(i++);
                }
                if (!Syntax.isFieldChar(c)) {
                    i--;
                    throw fail("a quoted string may not hold " + Syntax.describe(c));
                }
                value.append(c);
            }
            i = start;
            throw fail("unterminated quoted string");
        }

        private String token(String what) {
            int start = i;
            while (i < s.length() && Syntax.isTokenChar(s.charAt(i))) {
                i++;
            }
            if (i == start) {
                throw fail("expected " + what);
            }
            return s.substring(start, i);
        }

        private void skipOws() {
            while (i < s.length() && Syntax.isOws(s.charAt(i))) {
                i++;
            }
        }

        private IllegalArgumentException fail(String problem) {
            String found = i < s.length() ? "found " + Syntax.describe(s.charAt(i)) : "found the end";
            return new IllegalArgumentException("malformed Sec-WebSocket-Extensions " + Syntax.quote(s) + ": "
                    + problem + " at index " + i + ", " + found);
        }
    }
}
