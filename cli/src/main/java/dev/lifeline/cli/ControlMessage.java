package dev.lifeline.cli;

import dev.lifeline.WebSocket;
import dev.lifeline.protocol.CloseCode;
import dev.lifeline.protocol.CloseStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The text messages {@code lifeline serve} answers itself instead of echoing or broadcasting them; the demo page
 * uses them, and any client may.
 *
 * <ul>
 *   <li>{@code {"lifeline":"ping", ...}}: the server answers the sender alone with the same object, {@code "ping"}
 *       replaced by {@code "pong"} and the other members returned unchanged. The page puts a timestamp in it and
 *       measures the round trip when the pong comes back; it works the same in echo and chat mode.
 *   <li>{@code {"lifeline":"drop"}}: the server drops the TCP connection at once, without a closing handshake, so
 *       that the client sees an abnormal closure (1006).
 *   <li>{@code {"lifeline":"close","code":4000,"reason":"bye","delay":2000}}: the server closes the sender's
 *       connection with this code and reason (reason and delay optional), after {@code delay} ms (at most a
 *       minute), while the client does nothing. A request with other members, or a code or reason that may not be
 *       sent, is answered by a close with 1008 that says what was wrong.
 * </ul>
 *
 * The match is strict: the object must start with the {@code "lifeline"} member; anything else is an ordinary
 * message.
 */
sealed interface ControlMessage {
    Pattern SHAPE = Pattern.compile("\\{\\s*\"lifeline\"\\s*:\\s*\"(ping|drop|close)\"\\s*(,.*)?}", Pattern.DOTALL);

    /** Answer the sender with {@link #pong()}. */
    record Ping(String members) implements ControlMessage {
        /** The answer: the same object with {@code "pong"} in place of {@code "ping"}. */
        String pong() {
            return "{\"lifeline\":\"pong\"" + members + "}";
        }
    }

    /** Drop the connection without a closing handshake. */
    record Drop() implements ControlMessage {
    }

    /** Close the connection with {@code status} once {@code delay} has passed. */
    record Close(CloseStatus status, Duration delay) implements ControlMessage {
        static final Duration MAX_DELAY = Duration.ofMinutes(1);
        static final String EXPECTED = "expected {\"lifeline\":\"close\",\"code\":4000,\"reason\":\"...\",\"delay\":ms}";
        /** A member: {@code ,"name":} then a whole number or a JSON string. */
        private static final Pattern MEMBER = Pattern.compile(
                "\\s*,\\s*\"(\\w+)\"\\s*:\\s*(-?\\d{1,9}|\"(?:[^\"\\\\\\x00-\\x1f]|\\\\[\"\\\\/bfnrt]|\\\\u\\p{XDigit}{4})*\")\\s*");

        /**
         * Closes {@code ws} after the delay, from a virtual thread: the caller (the connection's handler) goes on
         * reading meanwhile. Nothing happens if the connection has closed by then.
         */
        void apply(WebSocket ws) {
            CompletableFuture.runAsync(() -> ws.close(status.code(), status.reason()), CompletableFuture
                    .delayedExecutor(delay.toMillis(), TimeUnit.MILLISECONDS, r -> Thread.ofVirtual().start(r)));
        }

        /** The close a request asks for, or a 1008 close that says what is wrong with it. */
        static Close of(String members) {
            Map<String, String> values = new HashMap<>();
            Matcher m = MEMBER.matcher(members);
            int at = 0;
            while (at < members.length()) {
                if (!m.region(at, members.length()).lookingAt() || values.put(m.group(1), m.group(2)) != null) {
                    return refused(EXPECTED);
                }
                at = m.end();
            }
            String code = values.remove("code");
            String reason = values.remove("reason");
            String delay = values.remove("delay");
            if (!values.isEmpty() || code == null || code.startsWith("\"") || reason != null && !reason.startsWith("\"")
                    || delay != null && delay.startsWith("\"")) {
                return refused(EXPECTED);
            }
            int value = Integer.parseInt(code);
            String text = reason == null ? "" : unquote(reason);
            Duration after = Duration.ofMillis(delay == null ? 0 : Long.parseLong(delay));
            if (!CloseCode.isValidOnWire(value)) {
                return refused("close code " + value + " may not be sent in a Close frame (RFC 6455 §7.4)");
            }
            if (text.getBytes(StandardCharsets.UTF_8).length > CloseStatus.MAX_REASON_BYTES) {
                return refused("a close reason is at most " + CloseStatus.MAX_REASON_BYTES + " UTF-8 bytes");
            }
            if (after.isNegative() || after.compareTo(MAX_DELAY) > 0) {
                return refused("delay must be between 0 and " + MAX_DELAY.toMillis() + " ms: " + after.toMillis());
            }
            return new Close(CloseStatus.of(value, text), after);
        }

        private static Close refused(String why) {
            return new Close(new CloseStatus(CloseCode.POLICY_VIOLATION, why), Duration.ZERO);
        }

        /** The value of a JSON string literal that {@link #MEMBER} accepted. */
        private static String unquote(String literal) {
            StringBuilder out = new StringBuilder(literal.length());
            for (int i = 1; i < literal.length() - 1; i++) {
                char c = literal.charAt(i);
                if (c != '\\') {
                    out.append(c);
                    continue;
                }
                char e = literal.charAt(++i);
                switch (e) {
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    case 'u' -> {
                        out.append((char) Integer.parseInt(literal, i + 1, i + 5, 16));
                        i += 4;
                    }
                    default -> out.append(e); // " \ /
                }
            }
            return out.toString();
        }
    }

    /** The control message this text is, if it is one. */
    static Optional<ControlMessage> parse(String text) {
        if (!text.startsWith("{")) {
            return Optional.empty();
        }
        Matcher m = SHAPE.matcher(text);
        if (!m.matches()) {
            return Optional.empty();
        }
        String members = m.group(2) == null ? "" : m.group(2);
        return Optional.of(switch (m.group(1)) {
            case "ping" -> new Ping(members);
            case "drop" -> new Drop();
            default -> Close.of(members);
        });
    }
}
