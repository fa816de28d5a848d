package dev.lifeline.protocol.handshake;

import java.util.List;
import java.util.Objects;

/**
 * One extension in {@code Sec-WebSocket-Extensions}, offered by a client or accepted by a server:
 * {@code extension = extension-token *( ";" extension-param )} (RFC 6455 §9.1).
 *
 * @param name the extension token, such as {@code permessage-deflate}
 * @param params its parameters in order
 */
public record ExtensionOffer(String name, List<ExtensionParam> params) {

    /** @throws IllegalArgumentException if the name is not a token */
    public ExtensionOffer {
        Objects.requireNonNull(name, "name");
        if (!Syntax.isToken(name)) {
            throw new IllegalArgumentException("extension name " + Syntax.quote(name) + " is not a token");
        }
        params = List.copyOf(params);
    }

    /** An extension with these parameters. */
    public static ExtensionOffer of(String name, ExtensionParam... params) {
        return new ExtensionOffer(name, List.of(params));
    }

    /** As on the wire: {@code permessage-deflate; client_max_window_bits}. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder(name);
        for (ExtensionParam param : params) {
            out.append("; ").append(param);
        }
        return out.toString();
    }
}
