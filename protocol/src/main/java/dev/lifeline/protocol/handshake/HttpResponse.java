package dev.lifeline.protocol.handshake;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * An HTTP/1.1 response (RFC 9112 §4): status, reason phrase, header fields and a body, which is empty for a
 * 101 and may be an excerpt of what the peer sent (see {@link ResponseParser}).
 *
 * <p>The body array is copied on the way in and on the way out, so an instance is immutable; {@code equals}
 * compares body contents.
 *
 * @param status the three-digit status code
 * @param reason the reason phrase, possibly empty
 * @param headers the header fields in order
 * @param body the body bytes
 */
public record HttpResponse(int status, String reason, Headers headers, byte[] body) {

    /** @throws IllegalArgumentException if the status is not three digits or the reason holds a control character */
    public HttpResponse {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(headers, "headers");
        Objects.requireNonNull(body, "body");
        if (status < 100 || status > 999) {
            throw new IllegalArgumentException("status " + status + " is not a three-digit code");
        }
        int bad = Syntax.invalidFieldChar(reason);
        if (bad >= 0) {
            throw new IllegalArgumentException("reason phrase holds " + Syntax.describe(reason.charAt(bad)));
        }
        body = body.clone();
    }

    /** A plain text response with the standard reason phrase, closing the connection afterwards. */
    public static HttpResponse of(int status, String bodyText) {
        return of(status, bodyText, Headers.empty());
    }

    /**
     * A plain text response with the standard reason phrase: {@code Content-Type: text/plain; charset=utf-8},
     * {@code Content-Length} and {@code Connection: close}, then {@code extraHeaders}. An extra header named
     * {@code Content-Type} or {@code Connection} replaces the default one.
     */
    public static HttpResponse of(int status, String bodyText, Headers extraHeaders) {
        byte[] body = bodyText.getBytes(StandardCharsets.UTF_8);
        Headers.Builder headers = Headers.builder();
        if (!extraHeaders.contains("Content-Type")) {
            headers.add("Content-Type", "text/plain; charset=utf-8");
        }
        headers.add("Content-Length", Integer.toString(body.length));
        if (!extraHeaders.contains("Connection")) {
            headers.add("Connection", "close");
        }
        return new HttpResponse(status, reasonPhrase(status), headers.addAll(extraHeaders).build(), body);
    }

    /** The reason phrase RFC 9110 §15 gives this status, or an empty string for a status it does not name. */
    public static String reasonPhrase(int status) {
        return switch (status) {
            case 100 -> "Continue";
            case 101 -> "Switching Protocols";
            case 200 -> "OK";
            case 201 -> "Created";
            case 204 -> "No Content";
            case 301 -> "Moved Permanently";
            case 302 -> "Found";
            case 303 -> "See Other";
            case 304 -> "Not Modified";
            case 307 -> "Temporary Redirect";
            case 308 -> "Permanent Redirect";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 406 -> "Not Acceptable";
            case 408 -> "Request Timeout";
            case 409 -> "Conflict";
            case 410 -> "Gone";
            case 411 -> "Length Required";
            case 413 -> "Content Too Large";
            case 414 -> "URI Too Long";
            case 415 -> "Unsupported Media Type";
            case 421 -> "Misdirected Request";
            case 426 -> "Upgrade Required";
            case 429 -> "Too Many Requests";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 501 -> "Not Implemented";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            case 505 -> "HTTP Version Not Supported";
            default -> "";
        };
    }

    /** A copy of the body. */
    @Override
    public byte[] body() {
        return body.clone();
    }

    /** The body decoded as UTF-8, malformed input replaced. */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /**
     * The exact wire bytes: status line, header fields, blank line, body. When the body is not empty and there
     * is no {@code Content-Length} field, one is added after the others.
     */
    public byte[] toBytes() {
        Headers fields = headers;
        if (body.length > 0 && !headers.contains("Content-Length")) {
            fields = Headers.builder().addAll(headers).add("Content-Length", Integer.toString(body.length)).build();
        }
        return head("HTTP/1.1 " + status + ' ' + reason, fields, body);
    }

    /**
     * An HTTP/1.1 message's wire bytes, request or response: {@code startLine}, the header fields and the blank
     * line, each ended by CRLF, then {@code body}. Every character is ISO-8859-1 (as {@link Headers} ensures).
     */
    static byte[] head(String startLine, Headers fields, byte[] body) {
        int size = startLine.length() + 2 + 2 + body.length;
        for (int i = 0; i < fields.size(); i++) {
            size += fields.name(i).length() + 2 + fields.value(i).length() + 2;
        }
        byte[] out = new byte[size];
        int at = putLatin1(out, 0, startLine);
        at = putLatin1(out, at, "\r\n");
        for (int i = 0; i < fields.size(); i++) {
            at = putLatin1(out, at, fields.name(i));
            at = putLatin1(out, at, ": ");
            at = putLatin1(out, at, fields.value(i));
            at = putLatin1(out, at, "\r\n");
        }
        at = putLatin1(out, at, "\r\n");
        System.arraycopy(body, 0, out, at, body.length);
        return out;
    }

    /** Writes {@code text} (ISO-8859-1 only) at {@code at}; returns where it ended. */
    private static int putLatin1(byte[] out, int at, String text) {
        for (int i = 0; i < text.length(); i++) {
            out[at++] = (byte) text.charAt(i);
        }
        return at;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HttpResponse other && status == other.status && reason.equals(other.reason)
                && headers.equals(other.headers) && Arrays.equals(body, other.body);
    }

    @Override
    public int hashCode() {
        return Objects.hash(status, reason, headers, Arrays.hashCode(body));
    }

    /** One line for logs: {@code 101 Switching Protocols {Upgrade: websocket, ...} [0 bytes]}. */
    @Override
    public String toString() {
        return status + " " + reason + " " + headers + " [" + body.length + " bytes]";
    }
}
