package dev.lifeline.protocol.handshake;

import java.util.Objects;
import java.util.Optional;

/**
 * The opening handshake failed. Its message is precise and safe to show a peer (anything quoted from the peer
 * is truncated and escaped).
 *
 * <p>On the server, {@link #status()} is the HTTP status to answer (400, 405, 414, 426, 431, 505...), and
 * {@link #toResponse()} is the complete response to send, with the {@link #headers()} that status needs.
 *
 * <p>On the client, {@link #response()} is the response received, when one was: {@link #status()} is its
 * status when the status itself was the failure (anything but 101), and 0 when the response was a 101 that
 * failed validation (wrong {@code Sec-WebSocket-Accept}, missing {@code Upgrade}...) or could not be parsed
 * at all; {@link #headers()} are its header fields.
 */
public final class HandshakeException extends RuntimeException {

    private final int status;
    private final Headers headers;
    private final HttpResponse response;

    /**
     * A failure with no extra response headers: on the server, answered with {@code status}; on the client,
     * {@code status} 0 for a response that could not be parsed.
     *
     * @throws IllegalArgumentException if the status is neither 0 nor a three-digit code
     */
    public HandshakeException(int status, String message) {
        this(status, message, Headers.empty());
    }

    /**
     * A server-side failure answered with {@code status} and these headers (besides the ones every error
     * response gets). A 426 always gets {@code Upgrade: websocket} and {@code Sec-WebSocket-Version: 13}
     * (RFC 9110 §15.5.22, RFC 6455 §4.4), added here when missing.
     *
     * @throws IllegalArgumentException if the status is neither 0 nor a three-digit code
     */
    public HandshakeException(int status, String message, Headers responseHeaders) {
        super(Objects.requireNonNull(message, "message"));
        Objects.requireNonNull(responseHeaders, "responseHeaders");
        checkStatus(status);
        this.status = status;
        this.response = null;
        if (status == 426) {
            Headers.Builder builder = Headers.builder();
            if (!responseHeaders.contains("Upgrade")) {
                builder.add("Upgrade", "websocket");
            }
            if (!responseHeaders.contains("Sec-WebSocket-Version")) {
                builder.add("Sec-WebSocket-Version", "13");
            }
            this.headers = builder.addAll(responseHeaders).build();
        } else {
            this.headers = responseHeaders;
        }
    }

    /**
     * A client-side failure caused by the response received.
     *
     * @param status {@code received.status()} when that status is the failure, 0 otherwise
     * @throws IllegalArgumentException if the status is neither 0 nor a three-digit code
     */
    public HandshakeException(int status, String message, HttpResponse received) {
        super(Objects.requireNonNull(message, "message"));
        checkStatus(status);
        this.status = status;
        this.response = Objects.requireNonNull(received, "received");
        this.headers = received.headers();
    }

    private static void checkStatus(int status) {
        if (status != 0 && (status < 100 || status > 999)) {
            throw new IllegalArgumentException("status " + status + " is neither 0 nor a three-digit code");
        }
    }

    /** The HTTP status answered (server) or received (client); 0 when no status applies. */
    public int status() {
        return status;
    }

    /** The response received, for a client-side failure. */
    public Optional<HttpResponse> response() {
        return Optional.ofNullable(response);
    }

    /** The headers of the response received (client), or the headers the error response needs (server). */
    public Headers headers() {
        return headers;
    }

    /**
     * The response a server sends for this failure: the status with its standard reason, the message as a
     * plain text body, {@code Connection: close}, and {@link #headers()}. When those include {@code Upgrade}
     * (a 426), {@code Connection} becomes {@code Upgrade, close} as RFC 9110 §7.8 asks of a sender of
     * {@code Upgrade}.
     *
     * @throws IllegalStateException for a client-side failure, or a status that is not an error (below 400)
     */
    public HttpResponse toResponse() {
        if (response != null || status < 400) {
            throw new IllegalStateException("no response to send for a client-side failure or status " + status);
        }
        Headers extra = headers;
        if (headers.contains("Upgrade") && !headers.contains("Connection")) {
            extra = Headers.builder().add("Connection", "Upgrade, close").addAll(headers).build();
        }
        return HttpResponse.of(status, getMessage(), extra);
    }
}
