package dev.lifeline.protocol.handshake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The {@code Sec-WebSocket-Extensions} grammar of RFC 6455 §9.1, with quoted strings of RFC 9110 §5.6.4. */
class ExtensionHeaderTest {

    private static final ExtensionOffer DEFLATE = ExtensionOffer.of("permessage-deflate");

    @Test
    void anExtensionWithoutParameters() {
        assertThat(ExtensionHeader.parse(List.of("permessage-deflate"))).containsExactly(DEFLATE);
    }

    @Test
    void parametersWithAndWithoutTokenValuesKeepTheirOrder() {
        assertThat(ExtensionHeader.parse(List.of(
                "permessage-deflate; client_max_window_bits; server_max_window_bits=10")))
                .containsExactly(ExtensionOffer.of("permessage-deflate", ExtensionParam.of("client_max_window_bits"),
                        ExtensionParam.of("server_max_window_bits", "10")));
    }

    @Test
    void quotedValuesAreUnquotedAndUnescaped() {
        List<ExtensionOffer> offers = ExtensionHeader.parse(List.of("foo; a=\"10\"; b=\"x\\yz\""));

        assertThat(offers.get(0).params()).containsExactly(ExtensionParam.of("a", "10"), ExtensionParam.of("b", "xyz"));
    }

    @Test
    void offersAreReadAcrossCommasAndHeaderLinesInOrder() {
        List<ExtensionOffer> offers = ExtensionHeader.parse(List.of(
                "permessage-deflate; client_max_window_bits, permessage-deflate", "x-webkit-deflate-frame"));

        assertThat(offers).extracting(ExtensionOffer::name)
                .containsExactly("permessage-deflate", "permessage-deflate", "x-webkit-deflate-frame");
        assertThat(offers.get(0).params()).containsExactly(ExtensionParam.of("client_max_window_bits"));
        assertThat(offers.get(1).params()).isEmpty();
    }

    @Test
    void optionalWhitespaceMaySurroundEverySeparator() {
        assertThat(ExtensionHeader.parse(List.of(" foo ;\tbar = 1 ; baz = \"2\" , qux ")))
                .containsExactly(ExtensionOffer.of("foo", ExtensionParam.of("bar", "1"), ExtensionParam.of("baz", "2")),
                        ExtensionOffer.of("qux"));
    }

    @Test
    void emptyListElementsAndEmptyValuesAreIgnored() {
        assertThat(ExtensionHeader.parse(List.of(", foo ,, bar ,", "", " "))).extracting(ExtensionOffer::name)
                .containsExactly("foo", "bar");
        assertThat(ExtensionHeader.parse(List.of())).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"foo;", "foo; =1", "foo bar", "foo; bar=", "foo; bar=\"unterminated", "foo; bar=b c",
        "foo;;bar", ";foo", "foo; bar=\"\"", "foo; bar=\"a b\"", "foo; bar=\"a,b\"", "foo, ;", "foo; bar=\"a\u0001\"",
        "fo(o)", "foo=1", "foo; bar=\"x\\"})
    void malformedHeadersAreRejectedWithTheirPosition(String value) {
        assertThatThrownBy(() -> ExtensionHeader.parse(List.of("ok", value)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("malformed Sec-WebSocket-Extensions ")
                .hasMessageContaining(" at index ");
    }

    @Test
    void theMessageSaysWhatWasExpectedAndWhatWasFound() {
        assertThatThrownBy(() -> ExtensionHeader.parse(List.of("foo; =1")))
                .hasMessage("malformed Sec-WebSocket-Extensions \"foo; =1\": expected a parameter name at index 5,"
                        + " found '='");
        assertThatThrownBy(() -> ExtensionHeader.parse(List.of("foo; bar=\"a b\"")))
                .hasMessageContaining("quoted value \"a b\" of bar is not a token");
    }

    @Test
    void formatWritesTokensWithCanonicalSeparators() {
        List<ExtensionOffer> offers = List.of(
                ExtensionOffer.of("permessage-deflate", ExtensionParam.of("client_max_window_bits"),
                        ExtensionParam.of("server_max_window_bits", "10")),
                DEFLATE);

        String formatted = ExtensionHeader.format(offers);

        assertThat(formatted).isEqualTo(
                "permessage-deflate; client_max_window_bits; server_max_window_bits=10, permessage-deflate");
        assertThat(ExtensionHeader.parse(List.of(formatted))).isEqualTo(offers);
        assertThat(ExtensionHeader.format(List.of())).isEmpty();
    }

    @Test
    void offersAndParametersAcceptOnlyTokens() {
        assertThatThrownBy(() -> ExtensionParam.of("bits", "1 0")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ExtensionParam.of("b its")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ExtensionOffer("a,b", List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThat(new ExtensionParam("bits", Optional.of("15")).value()).contains("15");
    }
}
