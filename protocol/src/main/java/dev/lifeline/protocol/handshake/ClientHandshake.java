package dev.lifeline.protocol.handshake;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The client's side of the opening handshake (RFC 6455 §4.1): builds the request and validates the server's
 * response. The 16 random key bytes are passed in, so the request is a pure function of the arguments.
 *
 * <p>Immutable and safe to share between threads.
 */
public final class ClientHandshake {

    /** Sent when {@code extraHeaders} has no {@code User-Agent}. */
    public static final String USER_AGENT = "Lifeline/0.1";

    /** Headers this class writes itself; {@code extraHeaders} may not hold them (except {@code Host}). */
    private static final List<String> RESERVED = List.of("Upgrade", "Connection", "Sec-WebSocket-Key",
            "Sec-WebSocket-Version", "Sec-WebSocket-Protocol", "Sec-WebSocket-Extensions", "Sec-WebSocket-Accept");

    private final String key;
    private final List<String> subprotocols;
    private final List<ExtensionOffer> extensionOffers;
    private final HttpRequest request;

    /**
     * @param uri a {@code ws} or {@code wss} URI with a host and no fragment (RFC 6455 §3) nor user info
     * @param key16 the 16 random bytes of {@code Sec-WebSocket-Key} (RFC 6455 §4.1 item 7)
     * @param subprotocols the subprotocols offered, most preferred first; tokens, no duplicates
     * @param extensionOffers the extensions offered, in order
     * @param extraHeaders more headers such as {@code Origin}, {@code User-Agent}, {@code Authorization}; a
     *     {@code Host} here replaces the one derived from the URI
     * @throws IllegalArgumentException for any other URI, a key that is not 16 bytes, a subprotocol that is
     *     not a token or is repeated, or an extra header that this class writes itself
     */
    public ClientHandshake(URI uri, byte[] key16, List<String> subprotocols, List<ExtensionOffer> extensionOffers,
            Headers extraHeaders) {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(key16, "key16");
        Objects.requireNonNull(extraHeaders, "extraHeaders");
        if (key16.length != 16) {
            throw new IllegalArgumentException("Sec-WebSocket-Key needs 16 bytes, got " + key16.length);
        }
        this.subprotocols = List.copyOf(subprotocols);
        Set<String> seen = new HashSet<>();
        for (String subprotocol : this.subprotocols) {
            // RFC 6455 §4.1 item 10: "The elements that comprise this value MUST be non-empty strings with
            // characters in the range U+0021 to U+007E not including separator characters ... and MUST all be
            // unique strings."
            if (!Syntax.isToken(subprotocol) || !seen.add(subprotocol)) {
                throw new IllegalArgumentException("subprotocol " + Syntax.quote(subprotocol)
                        + (Syntax.isToken(subprotocol) ? " is offered twice" : " is not a token"));
            }
        }
        this.extensionOffers = List.copyOf(extensionOffers);
        for (String name : RESERVED) {
            if (extraHeaders.contains(name)) {
                throw new IllegalArgumentException(name + " is written by the handshake itself; remove it from"
                        + " the extra headers");
            }
        }
        this.key = Base64.getEncoder().encodeToString(key16);
        this.request = buildRequest(uri, extraHeaders);
    }

    private HttpRequest buildRequest(URI uri, Headers extraHeaders) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("ws") && !scheme.equals("wss")) {
            throw new IllegalArgumentException("expected a ws:// or wss:// URI, got " + uri);
        }
        // RFC 6455 §3: "Fragment identifiers are meaningless in the context of WebSocket URIs and MUST NOT be
        // used on these URIs."
        if (uri.getRawFragment() != null) {
            throw new IllegalArgumentException("a WebSocket URI may not have a fragment: " + uri);
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("no valid host in " + uri);
        }
        if (uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("a WebSocket URI has no user info (RFC 6455 §3); send an"
                    + " Authorization header instead: " + uri.getHost());
        }
        Headers.Builder headers = Headers.builder();
        // RFC 6455 §4.1 item 4: Host holds the host and, unless it is the default, the port.
        headers.add("Host", extraHeaders.first("Host").orElseGet(() -> host(uri, scheme)));
        headers.add("Upgrade", "websocket");
        headers.add("Connection", "Upgrade");
        headers.add("Sec-WebSocket-Key", key);
        headers.add("Sec-WebSocket-Version", "13");
        if (!subprotocols.isEmpty()) {
            headers.add("Sec-WebSocket-Protocol", String.join(", ", subprotocols));
        }
        if (!extensionOffers.isEmpty()) {
            headers.add("Sec-WebSocket-Extensions", ExtensionHeader.format(extensionOffers));
        }
        for (var field : extraHeaders) {
            if (!field.getKey().equalsIgnoreCase("Host")) {
                headers.add(field.getKey(), field.getValue());
            }
        }
        if (!extraHeaders.contains("User-Agent")) {
            headers.add("User-Agent", USER_AGENT);
        }
        return new HttpRequest("GET", target(uri), headers.build());
    }

    private static String host(URI uri, String scheme) {
        String host = uri.getHost();
        if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        int port = uri.getPort();
        int defaultPort = scheme.equals("wss") ? 443 : 80;
        return port < 0 || port == defaultPort ? host : host + ":" + port;
    }

    /** RFC 6455 §3: the resource name is the path ("/" when empty) and the query; non-ASCII is %-encoded. */
    private static String target(URI uri) {
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String resource = uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
        StringBuilder out = new StringBuilder(resource.length());
        for (byte b : resource.getBytes(StandardCharsets.UTF_8)) {
            if (b > 0x20 && b < 0x7F) {
                out.append((char) b);
            } else {
                out.append('%').append(String.format("%02X", b & 0xFF));
            }
        }
        return out.toString();
    }

    /** The request to send. */
    public HttpRequest request() {
        return request;
    }

    /** The {@code Sec-WebSocket-Key} sent: the base64 of the 16 key bytes. */
    public String key() {
        return key;
    }

    /**
     * What the server agreed to.
     *
     * @param subprotocol the subprotocol the server chose among the offered ones, if any
     * @param extensions the extensions the server accepted, with the parameters it answered, in its order
     * @param response the 101 response
     */
    public record Accepted(Optional<String> subprotocol, List<ExtensionOffer> extensions, HttpResponse response) {
        public Accepted {
            Objects.requireNonNull(subprotocol, "subprotocol");
            Objects.requireNonNull(response, "response");
            extensions = List.copyOf(extensions);
        }
    }

    /**
     * Checks the server's response as RFC 6455 §4.1 (the client's "MUST _Fail the WebSocket Connection_" list)
     * and §4.2.2 require.
     *
     * @throws HandshakeException carrying the response: with its status when it is not 101 (the message gives
     *     the status, reason and the start of the body); with status 0 when a 101 lacks {@code Upgrade:
     *     websocket} or {@code Connection: upgrade}, has a missing or wrong {@code Sec-WebSocket-Accept}, picks a
     *     subprotocol not offered or several, or names an extension not offered or malformed
     */
    public Accepted validate(HttpResponse response) {
        Objects.requireNonNull(response, "response");
        if (response.status() != 101) {
            String body = response.bodyText().strip();
            throw new HandshakeException(response.status(), "server answered " + response.status() + " "
                    + response.reason() + " instead of 101 Switching Protocols"
                    + (body.isEmpty() ? "" : ": " + Syntax.quote(body)), response);
        }
        Headers headers = response.headers();
        if (!headers.containsToken("Upgrade", "websocket")) {
            throw invalid(response, "Upgrade", "is not websocket");
        }
        if (!headers.containsToken("Connection", "Upgrade")) {
            throw invalid(response, "Connection", "lacks the upgrade option");
        }
        List<String> accepts = headers.all("Sec-WebSocket-Accept");
        String expected = Accept.of(key);
        if (accepts.size() != 1 || !accepts.get(0).equals(expected)) {
            throw invalid(response, "Sec-WebSocket-Accept", "does not match " + expected + ", expected for key "
                    + key);
        }
        return new Accepted(subprotocol(response), extensions(response), response);
    }

    /** RFC 6455 §4.1 item 6: a subprotocol "that was not present in the client's handshake" fails. */
    private Optional<String> subprotocol(HttpResponse response) {
        List<String> values = response.headers().all("Sec-WebSocket-Protocol");
        if (values.isEmpty()) {
            return Optional.empty();
        }
        List<String> chosen = response.headers().tokens("Sec-WebSocket-Protocol");
        if (chosen.size() != 1) {
            throw invalid(response, "Sec-WebSocket-Protocol", "must name exactly one subprotocol");
        }
        if (!subprotocols.contains(chosen.get(0))) {
            throw invalid(response, "Sec-WebSocket-Protocol", "was not offered; offered " + subprotocols);
        }
        return Optional.of(chosen.get(0));
    }

    /**
     * RFC 6455 §4.1 item 5: an extension "that was not present in the client's handshake" fails. Names compare
     * case-insensitively, like the other tokens of the handshake.
     */
    private List<ExtensionOffer> extensions(HttpResponse response) {
        List<ExtensionOffer> accepted;
        try {
            accepted = ExtensionHeader.parse(response.headers().all("Sec-WebSocket-Extensions"));
        } catch (IllegalArgumentException e) {
            throw new HandshakeException(0, e.getMessage(), response);
        }
        List<String> offered = new ArrayList<>();
        extensionOffers.forEach(offer -> offered.add(offer.name()));
        for (ExtensionOffer extension : accepted) {
            if (offered.stream().noneMatch(name -> name.equalsIgnoreCase(extension.name()))) {
                throw new HandshakeException(0, "server accepted extension " + extension.name()
                        + ", which was not offered; offered " + offered, response);
            }
        }
        return accepted;
    }

    private static HandshakeException invalid(HttpResponse response, String header, String problem) {
        List<String> values = response.headers().all(header);
        String found = values.isEmpty() ? " is missing"
                : " " + Syntax.quote(String.join(", ", values)) + " " + problem;
        return new HandshakeException(0, "invalid 101 response: " + header + found, response);
    }
}
