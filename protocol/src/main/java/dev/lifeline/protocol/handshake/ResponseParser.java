package dev.lifeline.protocol.handshake;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads an HTTP/1.1 response (RFC 9112 §4–§6) incrementally, within {@link HeadLimits}: the client side of the
 * opening handshake. Feed it whatever bytes arrived, one at a time or all at once.
 *
 * <p>A 101 completes right after its head: the bytes that follow are the server's first WebSocket frames and
 * stay in the buffer. Any other status is a failed handshake whose body may explain why, so the parser also
 * reads the body when {@code Content-Length} announces one, keeping at most {@value #MAX_BODY_EXCERPT} bytes:
 * a longer body completes the response after its first {@value #MAX_BODY_EXCERPT} bytes and the rest is left
 * unread (the connection is about to be closed anyway). Without {@code Content-Length}, with
 * {@code Transfer-Encoding} (not decoded here), or for 1xx, 204 and 304, the body is empty and the response
 * completes with its head.
 *
 * <p>Obsolete line folding is replaced by a space, as RFC 9112 §5.2 asks of a user agent. Failures are
 * {@link HandshakeException}s with status 0 (there is nothing to answer and no valid response) and are final.
 *
 * <p>Not thread-safe: one connection's reader feeds it.
 */
public final class ResponseParser {

    /** The most body bytes kept from a response that is not a 101. */
    public static final int MAX_BODY_EXCERPT = 4096;

    private final HeadReader reader;
    private final Headers.Builder headers = Headers.builder();
    /** Whether the first byte has been looked at (for {@link #isTlsRecord}). */
    private boolean started;
    private int status;
    private String reason;
    private String pendingField;
    private byte[] body;
    private int bodyLength;
    private HttpResponse response;
    private HandshakeException failure;

    public ResponseParser(HeadLimits limits) {
        this.reader = new HeadReader(Objects.requireNonNull(limits, "limits"), HeadReader.Head.RESPONSE);
    }

    /**
     * Consumes bytes of the response from {@code in}'s position, stopping right after the head of a 101, or
     * after the body (or its excerpt) of any other status.
     *
     * @return the response once complete; empty while more bytes are needed
     * @throws HandshakeException (status 0) when the response is malformed or exceeds the limits
     * @throws IllegalStateException when the response was already complete
     */
    public Optional<HttpResponse> feed(ByteBuffer in) {
        Objects.requireNonNull(in, "in");
        if (failure != null) {
            throw failure;
        }
        if (response != null) {
            throw new IllegalStateException("the response is already complete: " + response);
        }
        try {
            return body == null ? head(in) : body(in);
        } catch (HandshakeException e) {
            failure = e;
            throw e;
        }
    }

    private Optional<HttpResponse> head(ByteBuffer in) {
        if (!started && in.hasRemaining()) {
            started = true;
            if (isTlsRecord(in.get(in.position()))) {
                throw new HandshakeException(0, "the answer starts with a TLS record, not an HTTP status line: the"
                        + " server speaks TLS; use wss://");
            }
        }
        String line;
        while ((line = reader.nextLine(in)) != null) {
            if (reason == null) {
                statusLine(line);
            } else if (line.isEmpty()) {
                flushField();
                return endOfHead(in);
            } else if (Syntax.isOws(line.charAt(0))) {
                if (pendingField == null) {
                    throw reader.malformed("whitespace before the first header line: " + Syntax.quote(line));
                }
                pendingField = pendingField + " " + Syntax.trimOws(line);
            } else {
                flushField();
                pendingField = line;
            }
        }
        return Optional.empty();
    }

    private void flushField() {
        if (pendingField != null) {
            Fields.add(reader, headers, pendingField);
            pendingField = null;
        }
    }

    /**
     * {@code status-line = HTTP-version SP status-code SP [ reason-phrase ]}, RFC 9112 §4. Any HTTP/1.x is
     * read, so that an error from an HTTP/1.0 proxy can be reported; a line with no space after the code is
     * read as an empty reason.
     */
    private void statusLine(String line) {
        if (line.length() < 12 || !line.startsWith("HTTP/1.") || !isDigit(line.charAt(7)) || line.charAt(8) != ' '
                || !isDigit(line.charAt(9)) || !isDigit(line.charAt(10)) || !isDigit(line.charAt(11))
                || line.length() > 12 && line.charAt(12) != ' ') {
            throw reader.malformed("malformed status line " + Syntax.quote(line));
        }
        String phrase = line.length() > 12 ? line.substring(13) : "";
        int bad = Syntax.invalidFieldChar(phrase);
        if (bad >= 0) {
            throw reader.malformed("reason phrase holds " + Syntax.describe(phrase.charAt(bad)));
        }
        int code = Integer.parseInt(line, 9, 12, 10);
        // RFC 9110 §15: "The first digit of the status code defines the class of response"; 0 is no class (found by
        // HandshakeFuzzTest: 052 used to escape as an IllegalArgumentException, which the core reported as 1011).
        if (code < 100) {
            throw reader.malformed("status code " + line.substring(9, 12) + " is below 100 in " + Syntax.quote(line));
        }
        status = code;
        reason = phrase;
    }

    /**
     * Whether a response's first byte is the content type of a TLS record (RFC 8446 §5.1): 21 for an alert, which a
     * TLS server sends to a client that did not start with a ClientHello, or 22 for a handshake. An HTTP response
     * starts with {@code H}.
     */
    private static boolean isTlsRecord(byte first) {
        return first == 21 || first == 22;
    }

    private Optional<HttpResponse> endOfHead(ByteBuffer in) {
        Headers fields = headers.build();
        boolean noBody = status < 200 || status == 204 || status == 304 || fields.contains("Transfer-Encoding");
        long length = noBody ? 0 : contentLength(fields);
        if (length == 0) {
            return complete(fields, new byte[0]);
        }
        body = new byte[(int) Math.min(length, MAX_BODY_EXCERPT)];
        return body(in);
    }

    /** The announced body length, 0 without {@code Content-Length}; RFC 9110 §8.6 allows a list of equal values. */
    private long contentLength(Headers fields) {
        List<String> values = fields.tokens("Content-Length");
        if (values.isEmpty()) {
            return fields.contains("Content-Length") ? invalidLength(fields) : 0;
        }
        String first = values.get(0);
        for (int i = 0; i < first.length(); i++) {
            if (!isDigit(first.charAt(i))) {
                return invalidLength(fields);
            }
        }
        for (String value : values) {
            if (!value.equals(first)) {
                return invalidLength(fields);
            }
        }
        // More than 18 digits cannot be a long; it is certainly more than the excerpt.
        return first.length() > 18 ? Long.MAX_VALUE : Long.parseLong(first);
    }

    private long invalidLength(Headers fields) {
        throw reader.malformed("response " + status + " " + reason + " has an invalid Content-Length "
                + Syntax.quote(String.join(", ", fields.all("Content-Length"))));
    }

    private Optional<HttpResponse> body(ByteBuffer in) {
        int count = Math.min(in.remaining(), body.length - bodyLength);
        in.get(body, bodyLength, count);
        bodyLength += count;
        return bodyLength == body.length ? complete(headers.build(), body) : Optional.empty();
    }

    private Optional<HttpResponse> complete(Headers fields, byte[] content) {
        response = new HttpResponse(status, reason, fields, content);
        return Optional.of(response);
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** Bytes held for the line being read; for tests of the memory bound. */
    int retainedBytes() {
        return reader.retainedBytes();
    }
}
