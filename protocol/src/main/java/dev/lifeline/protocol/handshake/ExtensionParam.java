package dev.lifeline.protocol.handshake;

import java.util.Objects;
import java.util.Optional;

/**
 * One parameter of an extension in {@code Sec-WebSocket-Extensions}: {@code extension-param = token [ "="
 * (token | quoted-string) ]} (RFC 6455 §9.1). A quoted value is held unquoted; RFC 6455 §9.1 requires it to be
 * a token after unescaping, so every value here is a token.
 *
 * @param name the parameter name, a token
 * @param value the value, a token, when the parameter has one
 */
public record ExtensionParam(String name, Optional<String> value) {

    /** @throws IllegalArgumentException if the name or the value is not a token */
    public ExtensionParam {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        if (!Syntax.isToken(name)) {
            throw new IllegalArgumentException("extension parameter name " + Syntax.quote(name) + " is not a token");
        }
        if (value.isPresent() && !Syntax.isToken(value.get())) {
            throw new IllegalArgumentException("value " + Syntax.quote(value.get()) + " of extension parameter "
                    + name + " is not a token (RFC 6455 §9.1)");
        }
    }

    /** A parameter without a value, such as {@code client_max_window_bits}. */
    public static ExtensionParam of(String name) {
        return new ExtensionParam(name, Optional.empty());
    }

    /** A parameter with a value, such as {@code server_max_window_bits=10}. */
    public static ExtensionParam of(String name, String value) {
        return new ExtensionParam(name, Optional.of(value));
    }

    /** As on the wire: {@code name} or {@code name=value}. */
    @Override
    public String toString() {
        return value.map(v -> name + "=" + v).orElse(name);
    }
}
