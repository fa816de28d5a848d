package dev.lifeline.protocol.extension;

import dev.lifeline.protocol.handshake.ExtensionOffer;
import java.util.List;
import java.util.Optional;

/**
 * Negotiates one extension in the opening handshake (RFC 6455 §9.1) and creates its per-connection instance.
 */
public interface ExtensionFactory {
    /** The extension token this factory negotiates. */
    String name();

    /** Client: the offer to put in {@code Sec-WebSocket-Extensions}. */
    ExtensionOffer offer();

    /**
     * Client: the offers to put in {@code Sec-WebSocket-Extensions}, most preferred first. Several elements with
     * the same name let the server pick one (RFC 7692 §5); {@link #accept} then sees the parameters of the one it
     * chose. By default, just {@link #offer()}.
     */
    default List<ExtensionOffer> offers() {
        return List.of(offer());
    }

    /**
     * Client: the server accepted with these parameters.
     *
     * @throws IllegalArgumentException if the response is not one this client can accept (the handshake then fails)
     */
    Extension accept(ExtensionOffer response);

    /**
     * Server: answer one of the client's offers, or decline it.
     *
     * @return the parameters to answer with and the extension, or empty to decline this offer
     */
    Optional<Accepted> negotiate(ExtensionOffer offer);

    /** A server's acceptance: what goes in the response header, and the extension to use. */
    record Accepted(ExtensionOffer response, Extension extension) {
    }
}
