package dev.lifeline.protocol;

import dev.lifeline.protocol.extension.Extension;
import dev.lifeline.protocol.extension.ExtensionFactory;
import dev.lifeline.protocol.handshake.ExtensionOffer;
import dev.lifeline.protocol.handshake.HandshakeException;
import dev.lifeline.protocol.handshake.Headers;
import dev.lifeline.protocol.handshake.HttpRequest;
import dev.lifeline.protocol.handshake.HttpResponse;
import dev.lifeline.protocol.handshake.RequestParser;
import dev.lifeline.protocol.handshake.ServerHandshake;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The server side: parses and validates the opening handshake request (RFC 6455 §4.2.1), lets the application
 * accept or reject it, then refuses unmasked frames from the client. An invalid request is answered with a precise
 * HTTP status by itself ({@link Event.HandshakeFailed}).
 */
public final class ServerProtocol extends Protocol {
    /** Bytes a client may send after its request before our response (it should wait, §4.1); kept until then. */
    private static final int MAX_EARLY_BYTES = 64 * 1024;

    /** Until the request head is parsed; then let go, since a connection may live for days. */
    private RequestParser parser;
    /** Until a 101 answers it; then in {@link #opened}. */
    private HttpRequest request;
    private ServerHandshake.Offer offer;
    private ByteBuffer early;
    /** A refusal; a 101 is in {@link #opened}. */
    private HttpResponse response;
    /**
     * Once a 101 answered the request: both, packed ({@link PackedHandshake}), since an open connection keeps them
     * for its whole life only because the API may ask for them. Written once, before the connection opens.
     */
    private byte[] opened;
    private Optional<String> subprotocol = Optional.empty();
    private HandshakeException handshakeFailure;

    /** A server never masks its frames (RFC 6455 §5.1), so it needs no random source. */
    public ServerProtocol(ProtocolConfig config) {
        super(Side.SERVER, config, null);
        this.parser = new RequestParser(config.headLimits());
    }

    /**
     * The request head once parsed, whether or not it is a valid WebSocket handshake: a server may answer a
     * plain HTTP request (a health check, a page) instead of the automatic refusal. Once the connection is open
     * (see {@link #accept}), each call returns a new request equal to the one received, and reads nothing that
     * changes: any thread that saw the connection open may call it.
     */
    public Optional<HttpRequest> request() {
        return opened != null ? Optional.of(PackedHandshake.request(opened)) : Optional.ofNullable(request);
    }

    /**
     * The validated opening handshake request, from its arrival until {@link #accept} answers it; then let go, since
     * a connection may live for days ({@link #request()} and {@link #response()} stay).
     */
    public Optional<ServerHandshake.Offer> offer() {
        return Optional.ofNullable(offer);
    }

    /**
     * The response we sent, once sent. Once the connection is open (see {@link #accept}), each call returns a new
     * response equal to the 101 sent, and reads nothing that changes: any thread that saw the connection open may
     * call it.
     */
    public Optional<HttpResponse> response() {
        return opened != null ? Optional.of(PackedHandshake.response(opened)) : Optional.ofNullable(response);
    }

    @Override
    public Optional<String> subprotocol() {
        return subprotocol;
    }

    /** Why the opening handshake failed, if it did. */
    public Optional<HandshakeException> handshakeFailure() {
        return Optional.ofNullable(handshakeFailure);
    }

    /**
     * Accepts the request: negotiates extensions, sends 101 Switching Protocols, and the connection is OPEN. From
     * here on {@link #request()} and {@link #response()} no longer change: they are kept packed, and each call builds
     * them again.
     *
     * @param subprotocol one of the subprotocols the client offered, or empty
     */
    public HttpResponse accept(Optional<String> subprotocol, Headers extraHeaders) {
        if (offer == null || state() != State.CONNECTING || answered()) {
            throw new InvalidStateException("no opening handshake request to accept");
        }
        List<ExtensionOffer> answers = new ArrayList<>();
        List<Extension> negotiated = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (ExtensionOffer candidate : offer.extensions()) {
            for (ExtensionFactory factory : config().extensions()) {
                if (!seen.contains(candidate.name()) && factory.name().equalsIgnoreCase(candidate.name())) {
                    Optional<ExtensionFactory.Accepted> accepted = factory.negotiate(candidate);
                    // RFC 7692 §5: a server MUST NOT accept extensions that conflict on the RSV1 bit.
                    if (accepted.isPresent() && (rsvBits(negotiated) & accepted.get().extension().rsvBits()) != 0) {
                        accepted.get().extension().release();
                        accepted = Optional.empty();
                    }
                    if (accepted.isPresent()) {
                        seen.add(candidate.name());
                        answers.add(accepted.get().response());
                        negotiated.add(accepted.get().extension());
                    }
                }
            }
        }
        HttpResponse response = ServerHandshake.accept(offer, subprotocol, answers, extraHeaders);
        HttpRequest request = this.request;
        offer = null;
        opened = PackedHandshake.pack(request, response);
        this.request = null;
        this.subprotocol = subprotocol;
        write(ByteBuffer.wrap(response.toBytes()));
        open(negotiated);
        event(new Event.HandshakeCompleted(request, response));
        if (early != null) {
            ByteBuffer pending = early.flip();
            early = null;
            receiveData(pending);
        }
        return response;
    }

    /** Rejects the request with this response (e.g. 401, 403, a health check's 200) and closes TCP. */
    public void reject(HttpResponse rejection) {
        if (state() != State.CONNECTING || answered()) {
            throw new InvalidStateException("the opening handshake was already answered");
        }
        response = rejection;
        write(ByteBuffer.wrap(rejection.toBytes()));
        abortHandshake();
    }

    private boolean answered() {
        return response != null || opened != null;
    }

    @Override
    void receiveHandshake(ByteBuffer data) {
        if (offer != null) {
            keepEarly(data);
            return;
        }
        try {
            Optional<HttpRequest> parsed = parser.feed(data);
            if (parsed.isEmpty()) {
                return;
            }
            request = parsed.get();
            offer = ServerHandshake.validate(request);
            parser = null;
            event(new Event.RequestReceived(request));
            keepEarly(data);
        } catch (HandshakeException e) {
            handshakeFailure = e;
            event(new Event.HandshakeFailed(e));
            response = e.toResponse();
            write(ByteBuffer.wrap(response.toBytes()));
            abortHandshake();
        }
    }

    private void keepEarly(ByteBuffer data) {
        if (!data.hasRemaining()) {
            return;
        }
        if (early == null) {
            early = ByteBuffer.allocate(MAX_EARLY_BYTES);
        }
        if (data.remaining() > early.remaining()) {
            throw new ProtocolException(CloseCode.POLICY_VIOLATION,
                    "client sent more than " + MAX_EARLY_BYTES + " bytes before the handshake response");
        }
        early.put(data);
    }
}
