package dev.lifeline.protocol.handshake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Header fields: case-insensitive names (RFC 9110 §5.1), comma-separated lists (RFC 9110 §5.6.1), and the field
 * syntax that keeps CR, LF and NUL off the wire (RFC 9110 §5.5).
 */
class HeadersTest {

    @Test
    void namesCompareCaseInsensitively() {
        Headers headers = Headers.of("Sec-WebSocket-Key", "abc", "sec-websocket-key", "def");

        assertThat(headers.first("SEC-WEBSOCKET-KEY")).contains("abc");
        assertThat(headers.all("sec-WebSocket-key")).containsExactly("abc", "def");
        assertThat(headers.contains("SEC-websocket-KEY")).isTrue();
        assertThat(headers.first("Host")).isEmpty();
        assertThat(headers.all("Host")).isEmpty();
    }

    @Test
    void iterationKeepsTheOrderAndTheNamesAsWritten() {
        Headers headers = Headers.builder().add("Host", "a").add("upgrade", "websocket").add("Host", "b").build();

        assertThat(headers).containsExactly(entry("Host", "a"), entry("upgrade", "websocket"), entry("Host", "b"));
        assertThat(headers.size()).isEqualTo(3);
    }

    @Test
    void tokensSplitEveryFieldOnCommasTrimAndDropEmptyElements() {
        Headers headers = Headers.of("Connection", " keep-alive ,\tUpgrade", "connection", ", ,close,");

        assertThat(headers.tokens("Connection")).containsExactly("keep-alive", "Upgrade", "close");
        assertThat(headers.tokens("Upgrade")).isEmpty();
    }

    @Test
    void containsTokenFindsUpgradeInAKeepAliveListWhateverTheCase() {
        Headers headers = Headers.of("Connection", "keep-alive, Upgrade", "Upgrade", "WebSocket");

        assertThat(headers.containsToken("connection", "upgrade")).isTrue();
        assertThat(headers.containsToken("UPGRADE", "websocket")).isTrue();
        assertThat(headers.containsToken("Connection", "close")).isFalse();
        assertThat(headers.containsToken("Connection", "keep")).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\r\nX-Injected: 1", "a\nb", "a\rb", "a\u0000b", "a\u001fb", "a\u007fb"})
    void valuesWithControlCharactersAreRejectedSoNoHeaderCanBeInjected(String value) {
        assertThatThrownBy(() -> Headers.builder().add("X-Test", value))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("value of header X-Test holds");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "X Test", "X-Test:", "X\r\nY", "X\u0000", "Sec(WebSocket)"})
    void namesThatAreNotTokensAreRejected(String name) {
        assertThatThrownBy(() -> Headers.builder().add(name, "v"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not a token");
    }

    @Test
    void valuesMayHoldTabsSpacesAndIso88591TextButNothingAboveIt() {
        Headers headers = Headers.of("X-Test", "a\tb c \u00e9");

        assertThat(headers.first("X-Test")).contains("a\tb c \u00e9");
        assertThatThrownBy(() -> Headers.of("X-Test", "\u20ac")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void ofRejectsAnOddNumberOfStrings() {
        assertThatThrownBy(() -> Headers.of("Host")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pairs");
    }

    @Test
    void toStringIsOneReadableLine() {
        assertThat(Headers.of("Host", "example.com", "Upgrade", "websocket"))
                .hasToString("{Host: example.com, Upgrade: websocket}");
        assertThat(Headers.empty()).hasToString("{}");
    }

    @Test
    void equalityIgnoresTheCaseOfNamesButNotOrderOrValues() {
        Headers headers = Headers.of("Host", "a", "Upgrade", "websocket");

        assertThat(headers).isEqualTo(Headers.of("host", "a", "UPGRADE", "websocket"))
                .hasSameHashCodeAs(Headers.of("host", "a", "UPGRADE", "websocket"));
        assertThat(headers).isNotEqualTo(Headers.of("Upgrade", "websocket", "Host", "a"));
        assertThat(headers).isNotEqualTo(Headers.of("Host", "a", "Upgrade", "WebSocket"));
    }

    @Test
    void builtHeadersDoNotChangeWhenTheBuilderGoesOn() {
        Headers.Builder builder = Headers.builder().add("A", "1");
        Headers first = builder.build();
        builder.add("B", "2");

        assertThat(first.size()).isEqualTo(1);
        assertThat(builder.build().size()).isEqualTo(2);
        assertThat(Headers.builder().addAll(first).add("C", "3").build())
                .containsExactly(entry("A", "1"), entry("C", "3"));
    }
}
