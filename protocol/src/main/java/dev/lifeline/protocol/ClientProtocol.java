package dev.lifeline.protocol;

import dev.lifeline.protocol.extension.Extension;
import dev.lifeline.protocol.extension.ExtensionFactory;
import dev.lifeline.protocol.handshake.ClientHandshake;
import dev.lifeline.protocol.handshake.ExtensionOffer;
import dev.lifeline.protocol.handshake.HandshakeException;
import dev.lifeline.protocol.handshake.Headers;
import dev.lifeline.protocol.handshake.HttpRequest;
import dev.lifeline.protocol.handshake.HttpResponse;
import dev.lifeline.protocol.handshake.ResponseParser;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * The client side: sends the opening handshake request (RFC 6455 §4.1), validates the response, then masks every
 * frame it sends and refuses masked frames from the server.
 *
 * <pre>{@code
 * ClientProtocol client = new ClientProtocol(uri, List.of(), Headers.of(), ProtocolConfig.DEFAULT, random);
 * client.sendRequest();
 * write(client.takeOutbound());
 * client.receiveData(bytesFromServer);   // events: HandshakeCompleted, then messages
 * }</pre>
 */
public final class ClientProtocol extends Protocol {
    /**
     * The request, its key and what it offered, until the server's 101 is validated; then let go, since a connection
     * may live for days (the request is in {@link #opened}).
     */
    private ClientHandshake handshake;
    /** Until the response is parsed; then let go. */
    private ResponseParser parser;
    private Optional<String> subprotocol = Optional.empty();
    /** A response that failed the handshake; a valid 101 is in {@link #opened}. */
    private HttpResponse response;
    /**
     * Once the 101 is validated: the request and the response, packed ({@link PackedHandshake}), since an open
     * connection keeps them for its whole life only because the API may ask for them. Written once, before the
     * connection opens.
     */
    private byte[] opened;
    private HandshakeException handshakeFailure;

    /**
     * @param subprotocols offered in {@code Sec-WebSocket-Protocol}, in order of preference
     * @param extraHeaders added to the request (Origin, User-Agent, Authorization, ...)
     * @param random source of the handshake key and of the mask keys (RFC 6455 §10.3: unpredictable)
     */
    public ClientProtocol(URI uri, List<String> subprotocols, Headers extraHeaders, ProtocolConfig config,
            RandomGenerator random) {
        super(Side.CLIENT, config, random);
        byte[] key = new byte[16];
        random.nextBytes(key);
        List<ExtensionOffer> offers = config.extensions().stream().flatMap(f -> f.offers().stream()).toList();
        this.handshake = new ClientHandshake(uri, key, subprotocols, offers, extraHeaders);
        this.parser = new ResponseParser(config.headLimits());
    }

    /**
     * The opening handshake request. Once the connection is open, each call returns a new request equal to the one
     * sent, and reads nothing that changes: any thread that saw the connection open may call it.
     */
    public HttpRequest request() {
        return opened != null ? PackedHandshake.request(opened) : handshake.request();
    }

    /** Queues the opening handshake request for writing. */
    public void sendRequest() {
        if (state() != State.CONNECTING) {
            throw new InvalidStateException("the opening handshake request was already answered");
        }
        write(ByteBuffer.wrap(request().toBytes()));
    }

    /**
     * The server's handshake response, once received. Once the connection is open, each call returns a new response
     * equal to the 101 received, and reads nothing that changes, as {@link #request()}.
     */
    public Optional<HttpResponse> response() {
        return opened != null ? Optional.of(PackedHandshake.response(opened)) : Optional.ofNullable(response);
    }

    /** The subprotocol the server selected, if any. */
    @Override
    public Optional<String> subprotocol() {
        return subprotocol;
    }

    /** Why the opening handshake failed, if it did. */
    public Optional<HandshakeException> handshakeFailure() {
        return Optional.ofNullable(handshakeFailure);
    }

    @Override
    void receiveHandshake(ByteBuffer data) {
        try {
            Optional<HttpResponse> parsed = parser.feed(data);
            if (parsed.isEmpty()) {
                return;
            }
            parser = null;
            HttpResponse received = parsed.get();
            response = received; // until it proves a valid 101
            ClientHandshake.Accepted accepted = handshake.validate(received);
            List<Extension> negotiated = negotiate(accepted.extensions(), received);
            HttpRequest request = handshake.request();
            opened = PackedHandshake.pack(request, received);
            handshake = null;
            response = null;
            subprotocol = accepted.subprotocol();
            open(negotiated);
            event(new Event.HandshakeCompleted(request, received));
        } catch (HandshakeException e) {
            handshakeFailure = e;
            event(new Event.HandshakeFailed(e));
            abortHandshake();
        }
    }

    private List<Extension> negotiate(List<ExtensionOffer> accepted, HttpResponse received) {
        List<Extension> negotiated = new ArrayList<>();
        for (ExtensionOffer offer : accepted) {
            ExtensionFactory factory = config().extensions().stream()
                    .filter(f -> f.name().equalsIgnoreCase(offer.name()))
                    .findFirst()
                    .orElseThrow(() -> new HandshakeException(received.status(),
                            "server accepted extension " + offer.name() + " that was not offered", received));
            try {
                Extension extension = factory.accept(offer);
                negotiated.add(extension);
                // RFC 7692 §5: a response accepting extensions that conflict on the RSV1 bit (such as the same
                // extension twice) MUST _Fail the WebSocket Connection_.
                if ((Protocol.rsvBits(negotiated.subList(0, negotiated.size() - 1)) & extension.rsvBits()) != 0) {
                    throw new IllegalArgumentException("its reserved bits are taken by an extension accepted before");
                }
            } catch (IllegalArgumentException e) {
                negotiated.forEach(Extension::release);
                throw new HandshakeException(0,
                        "cannot accept the server's " + offer.name() + " parameters: " + e.getMessage(), received);
            }
        }
        return negotiated;
    }
}
