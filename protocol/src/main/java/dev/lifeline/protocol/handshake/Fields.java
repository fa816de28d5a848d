package dev.lifeline.protocol.handshake;

/** Parses one header field line, {@code field-name ":" OWS field-value OWS} (RFC 9112 §5), for both parsers. */
final class Fields {

    private Fields() {}

    /** Validates {@code line} and adds its field to {@code headers}; a violation is {@code reader.malformed}. */
    static void add(HeadReader reader, Headers.Builder headers, String line) {
        int colon = line.indexOf(':');
        if (colon < 0) {
            throw reader.malformed("header line without a colon: " + Syntax.quote(line));
        }
        String name = line.substring(0, colon);
        if (name.isEmpty()) {
            throw reader.malformed("header line with an empty name: " + Syntax.quote(line));
        }
        if (Syntax.isOws(name.charAt(name.length() - 1))) {
            // RFC 9112 §5.1: "A server MUST reject, with a response status code of 400 (Bad Request), any received
            // request message that contains whitespace between a header field name and colon."
            throw reader.malformed("whitespace between header name and colon: " + Syntax.quote(line));
        }
        if (!Syntax.isToken(name)) {
            throw reader.malformed("header name " + Syntax.quote(name) + " is not a token");
        }
        String value = Syntax.trimOws(line.substring(colon + 1));
        int bad = Syntax.invalidFieldChar(value);
        if (bad >= 0) {
            throw reader.malformed("value of header " + name + " holds " + Syntax.describe(value.charAt(bad)));
        }
        headers.add(name, value);
    }
}
