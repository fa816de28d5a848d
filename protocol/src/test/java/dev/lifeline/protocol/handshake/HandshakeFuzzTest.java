package dev.lifeline.protocol.handshake;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.lifeline.protocol.extension.ExtensionFactory;
import dev.lifeline.protocol.extension.PerMessageDeflate;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Fuzz target for the opening handshake parsers and validators (RFC 6455 §4, RFC 9112 §2-§5), under head limits
 * drawn from the fuzzer's data: the server's {@link RequestParser} and {@link ServerHandshake#validate}, or the
 * client's {@link ResponseParser} and {@link ClientHandshake#validate}, with the {@code Sec-WebSocket-Extensions}
 * (RFC 7692 negotiation included) and {@code Sec-WebSocket-Protocol} headers they read. Properties:
 * <ul>
 *   <li>a request ends parsed or in a {@link HandshakeException} with 400, 414, 431 or 505; a response parsed or in
 *       one with status 0; validation answers an offer or a {@code HandshakeException}, never another exception;
 *   <li>the parser holds at most one line (the limit plus CRLF) and consumes nothing past the head (a 101's);
 *   <li>the same bytes cut at the fuzzer's points give the same result;
 *   <li>a parsed head written back with {@code toBytes()} parses to an equal head; an extension header written back
 *       with {@link ExtensionHeader#format} parses to the same offers;
 *   <li>a request the server accepts gets a 101 that a client would accept (the right {@code Sec-WebSocket-Accept}).
 * </ul>
 * Run longer with {@code ./lifeline fuzz HandshakeFuzzTest 10m}; see docs/topics/fuzzing.md.
 */
public class HandshakeFuzzTest {
    private static final Set<Integer> REQUEST_FAILURES = Set.of(400, 414, 431, 505);
    private static final Set<Integer> VALIDATION_FAILURES = Set.of(400, 405, 426);
    private static final List<ExtensionFactory> DEFLATE = List.of(PerMessageDeflate.DEFAULT);
    private static final byte[] KEY = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final int MAX_CUTS = 4;

    /** Parsed head or failure status and message, and how many bytes the parser took. */
    private record Outcome(Object head, int consumed) {
    }

    @FuzzTest(maxDuration = "5s")
    void handshakeHeadsParseOrFailWithTheirStatus(FuzzedDataProvider data) {
        fuzzerTestOneInput(data);
    }

    /** The target, as Jazzer's standalone driver calls it. */
    public static void fuzzerTestOneInput(FuzzedDataProvider data) {
        boolean request = data.consumeBoolean();
        HeadLimits limits = data.consumeBoolean() ? HeadLimits.DEFAULT : new HeadLimits(data.consumeInt(1, 256),
                data.consumeInt(1, 256), data.consumeInt(0, 16), data.consumeInt(1, 2048));
        int[] cuts = new int[data.consumeInt(0, MAX_CUTS)];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = data.consumeInt(0, 1 << 12);
        }
        Arrays.sort(cuts);
        byte[] bytes = data.consumeRemainingAsBytes();

        Outcome whole = parse(request, limits, bytes, new int[0]);
        assertThat(parse(request, limits, bytes, cuts)).as("cut at %s", Arrays.toString(cuts)).isEqualTo(whole);
        if (whole.head() instanceof HttpRequest parsed) {
            checkRequest(parsed);
        } else if (whole.head() instanceof HttpResponse parsed) {
            checkResponse(parsed);
        }
    }

    private static Outcome parse(boolean request, HeadLimits limits, byte[] bytes, int[] cuts) {
        RequestParser requests = request ? new RequestParser(limits) : null;
        ResponseParser responses = request ? null : new ResponseParser(limits);
        int lineBound = Math.max(Math.max(limits.maxStartLine(), limits.maxHeaderLine()) + 2, 256);
        int from = 0;
        try {
            for (int p = 0; p <= cuts.length; p++) {
                int to = p < cuts.length ? Math.min(Math.max(cuts[p], from), bytes.length) : bytes.length;
                ByteBuffer in = ByteBuffer.wrap(bytes, from, to - from);
                Optional<?> head = request ? requests.feed(in) : responses.feed(in);
                assertThat(request ? requests.retainedBytes() : responses.retainedBytes()).as("bytes held for a line")
                        .isLessThanOrEqualTo(lineBound);
                if (head.isPresent()) {
                    return new Outcome(head.get(), in.position());
                }
                assertThat(in.hasRemaining()).as("an incomplete head takes every byte").isFalse();
                from = to;
            }
            return new Outcome(null, bytes.length);
        } catch (HandshakeException e) {
            if (request) {
                assertThat(e.status()).as(e.getMessage()).isIn(REQUEST_FAILURES);
            } else {
                assertThat(e.status()).as(e.getMessage()).isZero();
            }
            return new Outcome(e.status() + " " + e.getMessage(), -1);
        }
    }

    private static void checkRequest(HttpRequest parsed) {
        Outcome again = parse(true, HeadLimits.DEFAULT, parsed.toBytes(), new int[0]);
        assertThat(again.head()).as("request written back and parsed again").isEqualTo(parsed);
        ServerHandshake.Offer offer;
        try {
            offer = ServerHandshake.validate(parsed);
        } catch (HandshakeException e) {
            assertThat(e.status()).as(e.getMessage()).isIn(VALIDATION_FAILURES);
            return;
        }
        checkExtensionsRoundTrip(offer.extensions());
        List<ExtensionOffer> answers = new ArrayList<>();
        for (ExtensionOffer candidate : offer.extensions()) {
            if (candidate.name().equalsIgnoreCase(PerMessageDeflate.NAME) && answers.isEmpty()) {
                PerMessageDeflate.DEFAULT.negotiate(candidate).ifPresent(accepted -> {
                    answers.add(accepted.response());
                    accepted.extension().release();
                });
            }
        }
        Optional<String> subprotocol = offer.subprotocols().stream().findFirst();
        HttpResponse response = ServerHandshake.accept(offer, subprotocol, answers, Headers.empty());
        assertThat(response.status()).isEqualTo(101);
        assertThat(response.headers().all("Sec-WebSocket-Accept")).containsExactly(Accept.of(offer.key()));
        Outcome read = parse(false, HeadLimits.DEFAULT, response.toBytes(), new int[0]);
        assertThat(read.head()).as("our 101 read back").isEqualTo(response);
    }

    private static void checkResponse(HttpResponse parsed) {
        if (parsed.status() == 101) {
            Outcome again = parse(false, HeadLimits.DEFAULT, parsed.toBytes(), new int[0]);
            assertThat(again.head()).as("response written back and parsed again").isEqualTo(parsed);
        }
        ClientHandshake client = new ClientHandshake(URI.create("ws://example.com/"), KEY, List.of("chat", "v2"),
                PerMessageDeflate.DEFAULT.offers(), Headers.empty());
        ClientHandshake.Accepted accepted;
        try {
            accepted = client.validate(parsed);
        } catch (HandshakeException e) {
            assertThat(e.status()).as(e.getMessage()).isEqualTo(parsed.status() == 101 ? 0 : parsed.status());
            return;
        }
        assertThat(parsed.status()).isEqualTo(101);
        accepted.subprotocol().ifPresent(s -> assertThat(s).isIn("chat", "v2"));
        checkExtensionsRoundTrip(accepted.extensions());
        for (ExtensionOffer extension : accepted.extensions()) {
            try {
                DEFLATE.get(0).accept(extension).release();
            } catch (IllegalArgumentException e) {
                // the client fails the connection: parameters it cannot accept (RFC 7692 §5)
            }
        }
    }

    private static void checkExtensionsRoundTrip(List<ExtensionOffer> extensions) {
        if (!extensions.isEmpty()) {
            assertThat(ExtensionHeader.parse(List.of(ExtensionHeader.format(extensions))))
                    .as("extensions written back and parsed again").isEqualTo(extensions);
        }
    }
}
