package dev.lifeline.protocol.handshake;

import java.net.URI;
import java.util.Objects;

/**
 * An HTTP/1.x request head (RFC 9112 §3): the method, the request target as sent, the header fields and the
 * version. A handshake request has no body, and is HTTP/1.1 (RFC 6455 §4.1); an HTTP/1.0 request is read too, so
 * that a server can answer a plain HTTP/1.0 request (a health probe) or refuse it as a handshake with 400.
 *
 * @param method the method, a token; case-sensitive (RFC 9110 §9.1)
 * @param target the request target, visible ASCII only, e.g. {@code /chat?room=1}
 * @param headers the header fields in order
 * @param version {@value #HTTP_1_1} or {@value #HTTP_1_0}
 */
public record HttpRequest(String method, String target, Headers headers, String version) {
    public static final String HTTP_1_1 = "HTTP/1.1";
    public static final String HTTP_1_0 = "HTTP/1.0";

    /** @throws IllegalArgumentException if the method is not a token or the target is empty or not visible ASCII */
    public HttpRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(headers, "headers");
        Objects.requireNonNull(version, "version");
        if (!version.equals(HTTP_1_1) && !version.equals(HTTP_1_0)) {
            throw new IllegalArgumentException("version " + Syntax.quote(version) + " is neither " + HTTP_1_1
                    + " nor " + HTTP_1_0);
        }
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

    /** An HTTP/1.1 request. */
    public HttpRequest(String method, String target, Headers headers) {
        this(method, target, headers, HTTP_1_1);
    }

    /**
     * The path of the request target, without its query: {@code /chat} for {@code /chat?room=1} (origin form) and
     * for {@code ws://host/chat?room=1} (absolute form, RFC 9112 §3.2.2); {@code /} for an empty one. A target that is
     * no URI is returned whole, matching no path.
     */
    public String path() {
        String path = target;
        if (!target.startsWith("/")) {
            try {
                path = URI.create(target).getRawPath();
            } catch (IllegalArgumentException e) {
                return target;
            }
            if (path == null) {
                return target;
            }
        }
        int query = path.indexOf('?');
        path = query < 0 ? path : path.substring(0, query);
        return path.isEmpty() ? "/" : path;
    }

    /** The exact wire bytes: request line, header fields and the blank line, each ended by CRLF. */
    public byte[] toBytes() {
        return HttpResponse.head(method + ' ' + target + ' ' + version, headers, new byte[0]);
    }

    /** One line for logs: {@code GET /chat {Host: example.com, ...}}, the version shown when it is not 1.1. */
    @Override
    public String toString() {
        return method + " " + target + (version.equals(HTTP_1_1) ? "" : " " + version) + " " + headers;
    }
}
