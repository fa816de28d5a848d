package dev.lifeline;

import static dev.lifeline.Peers.PATIENCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeline.protocol.InvalidStateException;
import dev.lifeline.testing.RawPeer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Fragmented sends, RFC 6455 §5.4: a message sent in several frames, the first with its opcode and the others as
 * continuations, the last with FIN. A surrogate pair split between two fragments is kept whole, so that every
 * frame of a text message is valid UTF-8 as far as it goes (§5.6, §8.1). Until the last fragment, no other message
 * may be sent.
 */
@Timeout(20)
class FragmentationTest {
    private static final WebSocketOptions OPTIONS = WebSocketOptions.DEFAULT.withoutKeepalive();

    @Test
    void surrogatePairSplitAcrossFragmentsIsSentWhole() throws Exception {
        try (AgainstRaw raw = AgainstRaw.ourClient(OPTIONS)) {
            raw.ours.sendText("smile \uD83D", false);
            raw.ours.sendText("\uDE00!", true);

            RawPeer.Frame first = raw.peer.readFrame(PATIENCE);
            RawPeer.Frame last = raw.peer.readFrame(PATIENCE);
            assertThat(first.opcode()).isEqualTo(RawPeer.TEXT);
            assertThat(first.fin()).isFalse();
            assertThat(first.text()).isEqualTo("smile ");
            assertThat(last.opcode()).isEqualTo(RawPeer.CONTINUATION);
            assertThat(last.fin()).isTrue();
            assertThat(last.payload()).isEqualTo("\uD83D\uDE00!".getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void fragmentedMessagesArriveWhole() throws Exception {
        try (Peers peers = Peers.start()) {
            Peers.Pair pair = peers.connect(OPTIONS);
            pair.client().sendText("Hel", false);
            pair.client().sendText("", false);
            pair.client().sendText("lo \uD83D", false);
            pair.client().sendText("\uDE00", true);
            pair.client().sendBinary(ByteBuffer.wrap(new byte[] {1, 2}), false);
            pair.client().sendBinary(ByteBuffer.wrap(new byte[] {3}), true);

            assertThat(pair.server().receive()).isEqualTo(Message.text("Hello \uD83D\uDE00"));
            assertThat(pair.server().receive()).isEqualTo(Message.binary(new byte[] {1, 2, 3}));
            pair.client().close();
        }
    }

    @Test
    void noOtherMessageMayStartBeforeTheLastFragment() throws Exception {
        try (AgainstRaw raw = AgainstRaw.ourClient(OPTIONS)) {
            raw.ours.sendText("first half", false);

            assertThatThrownBy(() -> raw.ours.send("interleaved")).isInstanceOf(InvalidStateException.class);
            assertThatThrownBy(() -> raw.ours.sendBinary(ByteBuffer.allocate(1), true))
                    .isInstanceOf(InvalidStateException.class).hasMessageContaining("TEXT");
            raw.ours.sendText(", second half", true);
            raw.ours.send("next");

            assertThat(raw.peer.readFrame(PATIENCE).text()).isEqualTo("first half");
            assertThat(raw.peer.readFrame(PATIENCE).text()).isEqualTo(", second half");
            RawPeer.Frame next = raw.peer.readFrame(PATIENCE);
            assertThat(next.opcode()).isEqualTo(RawPeer.TEXT);
            assertThat(next.text()).isEqualTo("next");
        }
    }
}
