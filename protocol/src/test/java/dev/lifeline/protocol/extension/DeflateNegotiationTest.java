package dev.lifeline.protocol.extension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeline.protocol.handshake.ExtensionHeader;
import dev.lifeline.protocol.handshake.ExtensionOffer;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * RFC 7692 §5 and §7.1, one element at a time: what a server answers to each offer (or that it declines it), what
 * a client offers, and which responses a client accepts and with what configuration. The extension is summarised
 * as {@code out <takeover|reset> <window bits>, in <takeover|reset>}: "out" is what this endpoint compresses.
 */
class DeflateNegotiationTest {
    private static final PerMessageDeflate TAKEOVER = PerMessageDeflate.DEFAULT;
    private static final PerMessageDeflate FRUGAL = PerMessageDeflate.DEFAULT.withoutContextTakeover();

    static ExtensionOffer element(String headerValue) {
        List<ExtensionOffer> parsed = ExtensionHeader.parse(List.of(headerValue));
        assertThat(parsed).hasSize(1);
        return parsed.get(0);
    }

    static String summary(Extension extension) {
        DeflateExtension deflate = (DeflateExtension) extension;
        return "out " + (deflate.sending().contextTakeover() ? "takeover " : "reset ") + deflate.sending().windowBits()
                + ", in " + (deflate.receiving().contextTakeover() ? "takeover" : "reset");
    }

    // ---------------------------------------------------------------- server

    static Stream<Arguments> serverAccepts() {
        return table(4,
                // this server | offer | response | extension
                "takeover", "permessage-deflate", "permessage-deflate", "out takeover 15, in takeover",
                "takeover", "permessage-deflate; client_max_window_bits", "permessage-deflate",
                "out takeover 15, in takeover",
                "takeover", "permessage-deflate; client_max_window_bits=10", "permessage-deflate",
                "out takeover 15, in takeover",
                "takeover", "permessage-deflate; server_no_context_takeover",
                "permessage-deflate; server_no_context_takeover", "out reset 15, in takeover",
                "takeover", "permessage-deflate; client_no_context_takeover",
                "permessage-deflate; client_no_context_takeover", "out takeover 15, in reset",
                "takeover", "permessage-deflate; server_max_window_bits=15",
                "permessage-deflate; server_max_window_bits=15", "out takeover 15, in takeover",
                "takeover", "permessage-deflate; server_max_window_bits=10",
                "permessage-deflate; server_max_window_bits=10", "out takeover 10, in takeover",
                "takeover", "permessage-deflate; server_max_window_bits=8",
                "permessage-deflate; server_max_window_bits=8", "out takeover 8, in takeover",
                "takeover", "permessage-deflate; server_max_window_bits=\"12\"",
                "permessage-deflate; server_max_window_bits=12", "out takeover 12, in takeover",
                "takeover", "permessage-deflate; client_max_window_bits=12; server_max_window_bits=9;"
                        + " client_no_context_takeover; server_no_context_takeover",
                "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=9",
                "out reset 9, in reset",
                "frugal", "permessage-deflate",
                "permessage-deflate; server_no_context_takeover; client_no_context_takeover", "out reset 15, in reset",
                "frugal", "permessage-deflate; client_max_window_bits",
                "permessage-deflate; server_no_context_takeover; client_no_context_takeover", "out reset 15, in reset",
                "frugal", "permessage-deflate; server_max_window_bits=11",
                "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=11",
                "out reset 11, in reset");
    }

    /** A frugal server (no context takeover) asks for none either way, even when not offered (§7.1.1). */
    @ParameterizedTest(name = "{0}: {1} -> {2}")
    @MethodSource("serverAccepts")
    void serverAnswersAValidOffer(String server, String offer, String response, String extension) {
        PerMessageDeflate deflate = server.equals("frugal") ? FRUGAL : TAKEOVER;
        ExtensionFactory.Accepted accepted = deflate.negotiate(element(offer)).orElseThrow();
        assertThat(accepted.response()).hasToString(response);
        assertThat(summary(accepted.extension())).isEqualTo(extension);
    }

    static Stream<String> invalidOffers() {
        return Stream.of(
                "permessage-deflate; server_max_window_bits",
                "permessage-deflate; server_max_window_bits=7",
                "permessage-deflate; server_max_window_bits=16",
                "permessage-deflate; server_max_window_bits=010",
                "permessage-deflate; server_max_window_bits=0xf",
                "permessage-deflate; client_max_window_bits=7",
                "permessage-deflate; client_max_window_bits=16",
                "permessage-deflate; client_max_window_bits=09",
                "permessage-deflate; server_no_context_takeover=1",
                "permessage-deflate; client_no_context_takeover=\"true\"",
                "permessage-deflate; server_no_context_takeover; server_no_context_takeover",
                "permessage-deflate; client_max_window_bits; client_max_window_bits=10",
                "permessage-deflate; Server_No_Context_Takeover",
                "permessage-deflate; x-unknown",
                "permessage-deflate; client_window_bits=10");
    }

    @ParameterizedTest
    @MethodSource("invalidOffers")
    void serverDeclinesAnOfferWithAnUnknownRepeatedOrInvalidParameter(String offer) {
        assertThat(TAKEOVER.negotiate(element(offer))).isEmpty();
        assertThat(FRUGAL.negotiate(element(offer))).isEmpty();
    }

    // ---------------------------------------------------------------- client

    @Test
    void clientOffersClientMaxWindowBitsAndContextTakeoverByDefault() {
        assertThat(TAKEOVER.offers()).map(ExtensionOffer::toString)
                .containsExactly("permessage-deflate; client_max_window_bits");
    }

    @Test
    void clientWithoutContextTakeoverOffersItFirstThenFallsBackToAnOfferTheServerCannotDecline() {
        assertThat(FRUGAL.offers()).map(ExtensionOffer::toString).containsExactly(
                "permessage-deflate; server_no_context_takeover; client_no_context_takeover; client_max_window_bits",
                "permessage-deflate; client_no_context_takeover; client_max_window_bits");
        assertThat(FRUGAL.offer()).isEqualTo(FRUGAL.offers().get(0));
    }

    static Stream<Arguments> clientAccepts() {
        return table(3,
                // response | with TAKEOVER | with FRUGAL
                "permessage-deflate", "out takeover 15, in takeover", "out reset 15, in takeover",
                "permessage-deflate; server_no_context_takeover", "out takeover 15, in reset", "out reset 15, in reset",
                "permessage-deflate; client_no_context_takeover", "out reset 15, in takeover",
                "out reset 15, in takeover",
                "permessage-deflate; server_max_window_bits=10", "out takeover 15, in takeover",
                "out reset 15, in takeover",
                "permessage-deflate; client_max_window_bits=10", "out takeover 10, in takeover",
                "out reset 10, in takeover",
                "permessage-deflate; client_max_window_bits=\"8\"", "out takeover 8, in takeover",
                "out reset 8, in takeover",
                "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=12;"
                        + " client_max_window_bits=12",
                "out reset 12, in reset", "out reset 12, in reset");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("clientAccepts")
    void clientAcceptsAValidResponse(String response, String withTakeover, String frugal) {
        assertThat(summary(TAKEOVER.accept(element(response)))).isEqualTo(withTakeover);
        assertThat(summary(FRUGAL.accept(element(response)))).isEqualTo(frugal);
    }

    static Stream<Arguments> invalidResponses() {
        return table(2,
                "permessage-deflate; client_max_window_bits", "client_max_window_bits needs a value in a response",
                "permessage-deflate; server_max_window_bits", "server_max_window_bits needs a value",
                "permessage-deflate; server_max_window_bits=16", "is not a window size from 8 to 15",
                "permessage-deflate; client_max_window_bits=7", "is not a window size from 8 to 15",
                "permessage-deflate; client_max_window_bits=015", "is not a window size from 8 to 15",
                "permessage-deflate; server_no_context_takeover=yes", "takes no value",
                "permessage-deflate; client_no_context_takeover; client_no_context_takeover", "is repeated",
                "permessage-deflate; x=1", "x is not defined for permessage-deflate");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidResponses")
    void clientRefusesAResponseWithAnUnknownRepeatedOrInvalidParameter(String response, String problem) {
        assertThatThrownBy(() -> TAKEOVER.accept(element(response)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(problem);
    }

    // ---------------------------------------------------------------- options

    @Test
    void invalidOptionsAreRefused() {
        assertThatThrownBy(() -> TAKEOVER.withCompressionLevel(10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TAKEOVER.withCompressionLevel(-2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TAKEOVER.withMinSize(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TAKEOVER.withPoolSize(-1)).isInstanceOf(IllegalArgumentException.class);
        PerMessageDeflate options = TAKEOVER.withCompressionLevel(1).withMinSize(0).withPoolSize(0);
        assertThat(List.of(options.compressionLevel(), options.minSize(), options.poolSize())).containsExactly(1, 0, 0);
    }

    /** Rows of {@code width} cells each, from a flat list. */
    private static Stream<Arguments> table(int width, String... cells) {
        assertThat(cells.length % width).isZero();
        return Stream.iterate(0, i -> i < cells.length, i -> i + width)
                .map(i -> Arguments.of((Object[]) Arrays.copyOfRange(cells, i, i + width)));
    }
}
