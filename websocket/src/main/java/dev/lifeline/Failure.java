package dev.lifeline;

import dev.lifeline.protocol.CloseCode;
import dev.lifeline.protocol.CloseStatus;
import dev.lifeline.protocol.ConnectionClosedException;
import dev.lifeline.protocol.handshake.Headers;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.Optional;

/** Why a connection attempt failed or an open connection ended: what a {@link ReconnectPolicy} decides on. */
public sealed interface Failure {
    /** The server could not be reached or the opening handshake did not complete: refused, reset, timed out. */
    record Unreachable(IOException cause) implements Failure {
        public Unreachable {
            Objects.requireNonNull(cause, "cause");
        }

        @Override
        public String toString() {
            return "unreachable: " + cause;
        }
    }

    /**
     * The server answered the opening handshake with an HTTP status instead of 101, or did not agree to a
     * subprotocol the client requires ({@code status} 0: the response was not one we could use).
     */
    record Refused(int status, String message, Headers headers) implements Failure {
        public Refused {
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(headers, "headers");
        }

        /** The delay the server asked for in {@code Retry-After} (seconds or an HTTP-date, RFC 9110 §10.2.3). */
        public Optional<Duration> retryAfter() {
            return retryAfter(Instant.now());
        }

        /** {@link #retryAfter()} with the time now given; an HTTP-date in the past is a delay of zero. */
        public Optional<Duration> retryAfter(Instant now) {
            Optional<String> value = headers.first("Retry-After").map(String::strip);
            if (value.isEmpty()) {
                return Optional.empty();
            }
            String v = value.get();
            if (!v.isEmpty() && v.chars().allMatch(Character::isDigit)) {
                return v.length() > 9 ? Optional.of(Duration.ofSeconds(999_999_999))
                        : Optional.of(Duration.ofSeconds(Long.parseLong(v)));
            }
            try {
                Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                return Optional.of(at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO);
            } catch (DateTimeParseException e) {
                return Optional.empty();
            }
        }

        @Override
        public String toString() {
            return (status == 0 ? "refused: " : "HTTP " + status + ": ") + message;
        }
    }

    /**
     * An open connection ended. {@code status} is the Close frame of the side that closed first: the peer's
     * ({@code byPeer}), or ours (a keepalive timeout sends 1011, a protocol violation by the peer 1002), or 1006
     * when TCP simply dropped.
     */
    record Disconnected(CloseStatus status, boolean byPeer, Optional<Throwable> cause) implements Failure {
        public Disconnected {
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(cause, "cause");
        }

        /**
         * How a connection ended, as a failure: the Close frame of whoever closed first (the peer's, or ours: a
         * keepalive timeout, a protocol violation), or 1006 when TCP dropped without either.
         */
        public static Disconnected of(ConnectionClosedException e) {
            boolean peerFirst = e.received().isPresent() && (e.sent().isEmpty() || e.receivedThenSent());
            CloseStatus status = peerFirst ? e.received().get()
                    : e.sent().orElse(new CloseStatus(CloseCode.ABNORMAL_CLOSURE, ""));
            return new Disconnected(status, peerFirst, Optional.ofNullable(e.getCause()));
        }

        public CloseCode code() {
            return status.code();
        }

        /** The server closed first, with 1000: it meant to end the conversation. */
        public boolean normalByPeer() {
            return byPeer && status.code().equals(CloseCode.NORMAL_CLOSURE);
        }

        @Override
        public String toString() {
            String who = status.code().equals(CloseCode.ABNORMAL_CLOSURE) ? "" : byPeer ? " (received)" : " (sent)";
            return "disconnected: " + status + who;
        }
    }

    /** The credentials hook threw before an attempt. */
    record CredentialsFailed(RuntimeException cause) implements Failure {
        public CredentialsFailed {
            Objects.requireNonNull(cause, "cause");
        }

        @Override
        public String toString() {
            return "credentials hook failed: " + cause;
        }
    }
}
