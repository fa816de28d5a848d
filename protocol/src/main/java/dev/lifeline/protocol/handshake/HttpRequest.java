package dev.lifeline.protocol.handshake;

import java.util.Objects;

/**
 * An HTTP/1.1 request head (RFC 9112 §3): the method, the request target as sent, and the header fields.
 * A handshake request has no body.
 *
 * @param method the method, a token; case-sensitive (RFC 9110 §9.1)
 * @param target the request target, visible ASCII only, e.g. {@code /chat?room=1}
 * @param headers the header fields in order
 */
public record HttpRequest(String method, String target, Headers headers) {

    /** @throws IllegalArgumentException if the method is not a token or the target is empty or not visible ASCII */
    public HttpRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(headers, "headers");
        if (!Syntax.isToken(method)) {
            throw new IllegalArgumentException("method " + Syntax.quote(method) + " is not a token");
        }
        if (target.isEmpty()) {
            throw new IllegalArgumentException("empty request target");
        }
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c <= 0x20 || c >= 0x7F) {
                throw new IllegalArgumentException("request target " + Syntax.quote(target) + " holds "
                        + Syntax.describe(c) + " at index " + i + "; only visible ASCII is allowed");
            }
        }
    }

    /** The exact wire bytes: request line, header fields and the blank line, each ended by CRLF. */
    public byte[] toBytes() {
        return HttpResponse.head(method + ' ' + target + " HTTP/1.1", headers, new byte[0]);
    }

    /** One line for logs: {@code GET /chat {Host: example.com, ...}}. */
    @Override
    public String toString() {
        return method + " " + target + " " + headers;
    }
}
