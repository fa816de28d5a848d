package dev.lifeline.protocol.handshake;

/** Parses one header field line, {@code field-name ":" OWS field-value OWS} (RFC 9112 §5), for both parsers. */
final class Fields {

    /**
     * Names and values that most handshakes carry, written as peers write them: a request's copy is replaced by
     * the shared one, so that a connection keeping its request does not keep a dozen small strings of its own.
     */
    private static final String[] COMMON = {
        "GET", "/", "HTTP/1.1", "Host", "Upgrade", "websocket", "Connection", "Sec-WebSocket-Key",
        "Sec-WebSocket-Version", "13", "Sec-WebSocket-Extensions", "Sec-WebSocket-Protocol",
        "Sec-WebSocket-Accept", "permessage-deflate; client_max_window_bits", "permessage-deflate", "Origin",
        "User-Agent", "Accept-Encoding", "gzip, deflate, br, zstd", "gzip, deflate, br", "gzip", "Accept-Language",
        "Cache-Control", "no-cache", "Pragma", "Cookie", "Authorization", "Server", "keep-alive, Upgrade",
    };

    private Fields() {}

    /** Validates {@code line} and adds its field to {@code headers}; a violation is {@code reader.malformed}. */
    static void add(HeadReader reader, Headers.Builder headers, String line) {
        int colon = line.indexOf(':');
        if (colon < 0) {
            throw reader.malformed("header line without a colon: " + Syntax.quote(line));
        }
        if (colon == 0) {
            throw reader.malformed("header line with an empty name: " + Syntax.quote(line));
        }
        if (Syntax.isOws(line.charAt(colon - 1))) {
            // RFC 9112 §5.1: "A server MUST reject, with a response status code of 400 (Bad Request), any received
            // request message that contains whitespace between a header field name and colon."
            throw reader.malformed("whitespace between header name and colon: " + Syntax.quote(line));
        }
        String name = text(line, 0, colon);
        if (!Syntax.isToken(name)) {
            throw reader.malformed("header name " + Syntax.quote(name) + " is not a token");
        }
        int start = Syntax.skipOws(line, colon + 1, line.length());
        String value = text(line, start, Syntax.trimOwsEnd(line, start, line.length()));
        int bad = Syntax.invalidFieldChar(value);
        if (bad >= 0) {
            throw reader.malformed("value of header " + name + " holds " + Syntax.describe(value.charAt(bad)));
        }
        headers.add(name, value);
    }

    /** {@code line}'s characters {@code from} to {@code to}: a shared string when they are a common one. */
    static String text(String line, int from, int to) {
        int length = to - from;
        for (String common : COMMON) {
            if (common.length() == length && line.startsWith(common, from)) {
                return common;
            }
        }
        return line.substring(from, to);
    }
}
