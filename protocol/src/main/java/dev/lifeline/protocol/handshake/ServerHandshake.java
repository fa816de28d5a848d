package dev.lifeline.protocol.handshake;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The server's side of the opening handshake: validates a request (RFC 6455 §4.2.1) and builds the 101 that
 * accepts it (§4.2.2). A rejection is a {@link HandshakeException} whose {@link HandshakeException#toResponse()}
 * is the answer to send.
 *
 * <p>Statuses:
 * <ul>
 *   <li>405 with {@code Allow: GET} for another method (§4.2.1 item 1);
 *   <li>400 for an HTTP/1.0 request (item 1 asks for "HTTP/1.1 or higher"; 505 is for another major version);
 *   <li>400 for a missing, repeated or empty {@code Host} (item 2, RFC 9112 §3.2);
 *   <li>426 with {@code Upgrade: websocket} when there is no {@code Upgrade} header at all: that is a plain HTTP
 *       request to a WebSocket-only resource, and 426 says exactly "refused in this protocol, upgrade first"
 *       (RFC 9110 §15.5.22);
 *   <li>400 when {@code Upgrade} is present without {@code websocket}: that client did ask to upgrade, and its
 *       request is a malformed WebSocket handshake, for which §4.2.1 asks "an appropriate error code (such as
 *       400 Bad Request)"; 400 as well when {@code Connection} lacks {@code upgrade} (item 4);
 *   <li>426 with {@code Sec-WebSocket-Version: 13} for a missing or other version (item 6, §4.4), but 400 for
 *       a repeated one;
 *   <li>400 for a missing, repeated or invalid key (item 5), a request with content, a subprotocol that is not
 *       a token (item 8) and a malformed extension header (item 9).
 * </ul>
 *
 * <p>Stateless; safe to call from any thread.
 */
public final class ServerHandshake {

    /** Headers {@link #accept} writes itself; {@code extraHeaders} may not hold them. */
    private static final List<String> RESERVED = List.of("Upgrade", "Connection", "Sec-WebSocket-Accept",
            "Sec-WebSocket-Protocol", "Sec-WebSocket-Extensions", "Content-Length", "Transfer-Encoding");

    private ServerHandshake() {}

    /**
     * A valid handshake request, ready for the application to choose what to accept.
     *
     * @param request the request as received
     * @param key its {@code Sec-WebSocket-Key}
     * @param subprotocols the subprotocols offered, in the client's order of preference
     * @param extensions the extensions offered, in order
     * @param origin the {@code Origin} header, sent by browsers (RFC 6455 §4.2.1 item 7)
     */
    public record Offer(HttpRequest request, String key, List<String> subprotocols, List<ExtensionOffer> extensions,
            Optional<String> origin) {
        public Offer {
            Objects.requireNonNull(request, "request");
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(origin, "origin");
            subprotocols = List.copyOf(subprotocols);
            extensions = List.copyOf(extensions);
        }
    }

    /**
     * Checks a request against RFC 6455 §4.2.1.
     *
     * @throws HandshakeException with the status to answer (see the class comment)
     */
    public static Offer validate(HttpRequest request) {
        Objects.requireNonNull(request, "request");
        Headers headers = request.headers();
        // §4.2.1 item 1: "An HTTP/1.1 or higher GET request".
        if (!request.method().equals("GET")) {
            throw new HandshakeException(405, "method " + request.method() + " is not allowed; a WebSocket"
                    + " handshake is a GET", Headers.of("Allow", "GET"));
        }
        // §4.2.1 item 1, "HTTP/1.1 or higher": a 1.0 client may not upgrade; its request is a bad handshake.
        if (request.version().equals(HttpRequest.HTTP_1_0)) {
            throw new HandshakeException(400, "a WebSocket handshake needs HTTP/1.1 or higher (RFC 6455 §4.2.1),"
                    + " not HTTP/1.0");
        }
        checkTarget(request.target());
        // §4.2.1 item 2, and RFC 9112 §3.2: "A server MUST respond with a 400 (Bad Request) status code to any
        // HTTP/1.1 request message that lacks a Host header field and to any request message that contains
        // more than one Host header field line or a Host header field with an invalid field value."
        List<String> hosts = headers.all("Host");
        if (hosts.size() != 1 || hosts.get(0).isEmpty()) {
            throw new HandshakeException(400, hosts.isEmpty() ? "missing Host header"
                    : hosts.size() > 1 ? "more than one Host header" : "empty Host header");
        }
        // §4.2.1 item 3: an Upgrade header "including the value "websocket"".
        if (!headers.contains("Upgrade")) {
            throw new HandshakeException(426, "this resource is a WebSocket endpoint; send Upgrade: websocket");
        }
        if (!headers.containsToken("Upgrade", "websocket")) {
            throw new HandshakeException(400, "Upgrade " + Syntax.quote(String.join(", ", headers.all("Upgrade")))
                    + " does not include websocket");
        }
        // §4.2.1 item 4: a Connection header "that includes the token "Upgrade"".
        if (!headers.containsToken("Connection", "Upgrade")) {
            throw new HandshakeException(400, "Connection " + shown(headers, "Connection")
                    + " does not include Upgrade");
        }
        checkVersion(headers);
        String key = key(headers);
        // A GET with content has no meaning (RFC 9110 §9.3.1), and here the bytes after the head are frames.
        if (headers.contains("Transfer-Encoding") || hasContent(headers.all("Content-Length"))) {
            throw new HandshakeException(400, "a WebSocket handshake request may not have content");
        }
        List<String> subprotocols = subprotocols(headers);
        List<ExtensionOffer> extensions;
        try {
            extensions = ExtensionHeader.parse(headers.all("Sec-WebSocket-Extensions"));
        } catch (IllegalArgumentException e) {
            throw new HandshakeException(400, e.getMessage());
        }
        return new Offer(request, key, subprotocols, extensions, headers.first("Origin"));
    }

    /**
     * §4.2.1 item 1: the target is the resource name ({@code /path?query}) or an absolute http, https, ws or
     * wss URI holding it.
     */
    private static void checkTarget(String target) {
        if (target.startsWith("/")) {
            return;
        }
        int colon = target.indexOf("://");
        String scheme = colon < 0 ? "" : target.substring(0, colon).toLowerCase(Locale.ROOT);
        if (!List.of("http", "https", "ws", "wss").contains(scheme)) {
            throw new HandshakeException(400, "request target " + Syntax.quote(target)
                    + " is neither a path nor an absolute http(s) or ws(s) URI");
        }
    }

    /** Whether any of these Content-Length values announces content. */
    private static boolean hasContent(List<String> contentLengths) {
        for (String length : contentLengths) {
            if (!length.equals("0")) {
                return true;
            }
        }
        return false;
    }

    /** §4.2.1 item 6 and §4.4: version 13, once; anything else is answered with the version we speak. */
    private static void checkVersion(Headers headers) {
        List<String> versions = headers.all("Sec-WebSocket-Version");
        if (versions.size() > 1) {
            throw new HandshakeException(400, "more than one Sec-WebSocket-Version header");
        }
        if (versions.isEmpty() || !versions.get(0).equals("13")) {
            throw new HandshakeException(426, "Sec-WebSocket-Version " + shown(headers, "Sec-WebSocket-Version")
                    + " is not supported; this server speaks version 13");
        }
    }

    /**
     * §4.2.1 item 5: "A |Sec-WebSocket-Key| header field with a base64-encoded ... value that, when decoded,
     * is 16 bytes in length." Only the canonical 24-character encoding is accepted.
     */
    private static String key(Headers headers) {
        List<String> keys = headers.all("Sec-WebSocket-Key");
        if (keys.size() != 1) {
            throw new HandshakeException(400, keys.isEmpty() ? "missing Sec-WebSocket-Key header"
                    : "more than one Sec-WebSocket-Key header");
        }
        String key = keys.get(0);
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(key);
        } catch (IllegalArgumentException e) {
            throw new HandshakeException(400, "Sec-WebSocket-Key " + Syntax.quote(key) + " is not base64");
        }
        if (decoded.length != 16) {
            throw new HandshakeException(400, "Sec-WebSocket-Key " + Syntax.quote(key) + " decodes to "
                    + decoded.length + " bytes, not 16");
        }
        if (!Base64.getEncoder().encodeToString(decoded).equals(key)) {
            throw new HandshakeException(400, "Sec-WebSocket-Key " + Syntax.quote(key)
                    + " is not the canonical base64 of 16 bytes");
        }
        return key;
    }

    /** §4.2.1 item 8: a list of tokens (RFC 6455 §4.1 item 10); repeats are dropped. */
    private static List<String> subprotocols(Headers headers) {
        List<String> subprotocols = new ArrayList<>();
        for (String subprotocol : headers.tokens("Sec-WebSocket-Protocol")) {
            if (!Syntax.isToken(subprotocol)) {
                throw new HandshakeException(400, "subprotocol " + Syntax.quote(subprotocol) + " is not a token");
            }
            if (!subprotocols.contains(subprotocol)) {
                subprotocols.add(subprotocol);
            }
        }
        return subprotocols;
    }

    private static String shown(Headers headers, String name) {
        List<String> values = headers.all(name);
        return values.isEmpty() ? "(missing)" : Syntax.quote(String.join(", ", values));
    }

    /**
     * The 101 Switching Protocols that accepts {@code offer} (§4.2.2 item 5): {@code Upgrade: websocket},
     * {@code Connection: Upgrade}, {@code Sec-WebSocket-Accept}, then the chosen subprotocol and extensions
     * when there are any, then {@code extraHeaders}.
     *
     * @param subprotocol one of {@code offer.subprotocols()}, or empty for none
     * @param extensions the accepted extensions with their response parameters; each must have been offered (names
     *     compare case-insensitively)
     * @param extraHeaders more headers, such as {@code Set-Cookie}
     * @throws IllegalArgumentException when the subprotocol or an extension was not offered, or an extra header
     *     is one this method writes
     */
    public static HttpResponse accept(Offer offer, Optional<String> subprotocol, List<ExtensionOffer> extensions,
            Headers extraHeaders) {
        Objects.requireNonNull(offer, "offer");
        Objects.requireNonNull(subprotocol, "subprotocol");
        Objects.requireNonNull(extensions, "extensions");
        Objects.requireNonNull(extraHeaders, "extraHeaders");
        if (subprotocol.isPresent() && !offer.subprotocols().contains(subprotocol.get())) {
            throw new IllegalArgumentException("subprotocol " + subprotocol.get() + " was not offered; offered "
                    + offer.subprotocols());
        }
        for (ExtensionOffer extension : extensions) {
            if (offer.extensions().stream().noneMatch(offered -> offered.name().equalsIgnoreCase(extension.name()))) {
                throw new IllegalArgumentException("extension " + extension.name() + " was not offered");
            }
        }
        for (String name : RESERVED) {
            if (extraHeaders.contains(name)) {
                throw new IllegalArgumentException(name + " is written by the handshake itself");
            }
        }
        Headers.Builder headers = Headers.builder()
                .add("Upgrade", "websocket")
                .add("Connection", "Upgrade")
                .add("Sec-WebSocket-Accept", Accept.of(offer.key()));
        subprotocol.ifPresent(chosen -> headers.add("Sec-WebSocket-Protocol", chosen));
        if (!extensions.isEmpty()) {
            headers.add("Sec-WebSocket-Extensions", ExtensionHeader.format(extensions));
        }
        headers.addAll(extraHeaders);
        return new HttpResponse(101, HttpResponse.reasonPhrase(101), headers.build(), new byte[0]);
    }
}
