package dev.lifeline.cli;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The two text messages {@code lifeline serve} answers itself instead of echoing or broadcasting them; the demo page
 * uses them, and any client may.
 *
 * <ul>
 *   <li>{@code {"lifeline":"ping", ...}}: the server answers the sender alone with the same object, {@code "ping"}
 *       replaced by {@code "pong"} and the other members returned unchanged. The page puts a timestamp in it and
 *       measures the round trip when the pong comes back; it works the same in echo and chat mode.
 *   <li>{@code {"lifeline":"drop"}}: the server drops the TCP connection at once, without a closing handshake, so
 *       that the client sees an abnormal closure (1006).
 * </ul>
 *
 * The match is strict: the object must start with the {@code "lifeline"} member; anything else is an ordinary
 * message.
 */
sealed interface ControlMessage {
    Pattern SHAPE = Pattern.compile("\\{\\s*\"lifeline\"\\s*:\\s*\"(ping|drop)\"\\s*(,.*)?}", Pattern.DOTALL);

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
        return Optional.of(m.group(1).equals("ping") ? new Ping(members) : new Drop());
    }
}
