package dev.lifeline.protocol.handshake;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads the head of an HTTP/1.1 request (RFC 9112 §2–§5) incrementally, within {@link HeadLimits}: the server
 * side of the opening handshake. Feed it whatever bytes arrived, one at a time or all at once; it consumes
 * exactly up to the blank line that ends the head and leaves the rest (the client's first WebSocket frames)
 * in the buffer.
 *
 * <p>Failures are {@link HandshakeException}s with the status to answer:
 * <ul>
 *   <li>414 when the request line exceeds {@link HeadLimits#maxStartLine()};
 *   <li>431 when a header line, the number of header lines or the whole head exceeds its limit;
 *   <li>505 for another major version than 1 (RFC 9110 §15.6.6). HTTP/1.0 is read, as {@link HttpRequest#HTTP_1_0}:
 *       a plain HTTP/1.0 request may be answered by the application, and as a handshake it is refused with 400 by
 *       {@link ServerHandshake#validate} (RFC 6455 §4.2.1 asks for "HTTP/1.1 or higher"). HTTP/1.2 and later minor
 *       versions are read as 1.1, as RFC 9110 §2.5 asks.
 *   <li>400 for anything malformed: a request line that is not {@code method SP target SP HTTP/x.y}, a line
 *       not ended by CRLF, a header line with no colon, a name that is not a token or is followed by
 *       whitespace (RFC 9112 §5.1), a control character in a value, and obsolete line folding (a line
 *       starting with whitespace: RFC 9112 §5.2 lets a server reject it with 400, which is simpler and safer
 *       than unfolding).
 * </ul>
 * A failure is final: later calls throw the same exception.
 *
 * <p>Not thread-safe: one connection's reader feeds it.
 */
public final class RequestParser {

    private final HeadReader reader;
    private final Headers.Builder headers = Headers.builder();
    private String method;
    private String target;
    private String version;
    private HttpRequest request;
    private HandshakeException failure;

    public RequestParser(HeadLimits limits) {
        this.reader = new HeadReader(Objects.requireNonNull(limits, "limits"), HeadReader.Head.REQUEST);
    }

    /**
     * Consumes bytes of the request head from {@code in}'s position, stopping right after the blank line that
     * ends it.
     *
     * @return the request once its head is complete; empty while more bytes are needed
     * @throws HandshakeException when the request is malformed or too large (see the class comment)
     * @throws IllegalStateException when the request was already complete
     */
    public Optional<HttpRequest> feed(ByteBuffer in) {
        Objects.requireNonNull(in, "in");
        if (failure != null) {
            throw failure;
        }
        if (request != null) {
            throw new IllegalStateException("the request head is already complete: " + request);
        }
        try {
            String line;
            while ((line = reader.nextLine(in)) != null) {
                if (method == null) {
                    requestLine(line);
                } else if (line.isEmpty()) {
                    request = new HttpRequest(method, target, headers.build(), version);
                    return Optional.of(request);
                } else if (Syntax.isOws(line.charAt(0))) {
                    throw reader.malformed("obsolete line folding (a header line starting with whitespace) is"
                            + " not accepted: " + Syntax.quote(line));
                } else {
                    Fields.add(reader, headers, line);
                }
            }
            return Optional.empty();
        } catch (HandshakeException e) {
            failure = e;
            throw e;
        }
    }

    /** {@code request-line = method SP request-target SP HTTP-version}, RFC 9112 §3. */
    private void requestLine(String line) {
        int sp1 = line.indexOf(' ');
        int sp2 = sp1 < 0 ? -1 : line.indexOf(' ', sp1 + 1);
        if (sp1 <= 0 || sp2 < 0 || line.indexOf(' ', sp2 + 1) >= 0) {
            throw reader.malformed("request line " + Syntax.quote(line)
                    + " is not 'method SP target SP version'");
        }
        String m = Fields.text(line, 0, sp1);
        String t = Fields.text(line, sp1 + 1, sp2);
        String v = Fields.text(line, sp2 + 1, line.length());
        if (!Syntax.isToken(m)) {
            throw reader.malformed("method " + Syntax.quote(m) + " is not a token");
        }
        if (t.isEmpty()) {
            throw reader.malformed("empty request target in " + Syntax.quote(line));
        }
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c <= 0x20 || c >= 0x7F) {
                throw reader.malformed("request target holds " + Syntax.describe(c) + " at index " + i);
            }
        }
        version = version(v);
        method = m;
        target = t;
    }

    /**
     * {@code HTTP-version = "HTTP/" DIGIT "." DIGIT}, case-sensitive, RFC 9112 §2.3: HTTP/1.0, or HTTP/1.1 for any
     * later minor version.
     */
    private String version(String version) {
        if (version.length() != 8 || !version.startsWith("HTTP/") || version.charAt(6) != '.'
                || !isDigit(version.charAt(5)) || !isDigit(version.charAt(7))) {
            throw reader.malformed("malformed HTTP version " + Syntax.quote(version));
        }
        char major = version.charAt(5);
        char minor = version.charAt(7);
        if (major != '1') {
            throw new HandshakeException(505, version + " is not supported; the WebSocket opening handshake"
                    + " needs HTTP/1.1 (RFC 6455 §4.1)");
        }
        return minor == '0' ? HttpRequest.HTTP_1_0 : HttpRequest.HTTP_1_1;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** Bytes held for the line being read; for tests of the memory bound. */
    int retainedBytes() {
        return reader.retainedBytes();
    }
}
