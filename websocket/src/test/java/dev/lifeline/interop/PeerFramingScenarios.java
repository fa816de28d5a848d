package dev.lifeline.interop;

import static dev.lifeline.interop.Interop.randomBytes;
import static dev.lifeline.interop.Interop.utf8;
import static dev.lifeline.interop.InteropScenarios.concat;
import static dev.lifeline.interop.InteropScenarios.next;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.Message;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The scenarios for peers whose API can also send fragmented messages and Pings of its own (OkHttp's cannot): §5.4
 * fragments reassembled by us, §5.5.2 Pings answered by us with the same payload, whether or not anyone reads.
 */
interface PeerFramingScenarios extends InteropScenarios {
    @Test
    default void peerFragmentedMessagesArriveWhole() throws Exception {
        byte[] large = randomBytes(70_000);
        try (Link link = open()) {
            link.theirs().sendTextFragments(List.of("Hé", "llo, ", "世界 🎉"));
            assertThat(next(link.ours())).isEqualTo(Message.text("Héllo, 世界 🎉"));

            link.theirs().sendBinaryFragments(List.of(new byte[] {1, 2, 3}, large));
            assertThat(next(link.ours())).isEqualTo(Message.binary(concat(new byte[] {1, 2, 3}, large)));
        }
    }

    /** §5.5.3: a Pong carries the Ping's application data, including the 125-byte maximum and none at all. */
    @Test
    default void peerPingsAreAnsweredWithTheirPayload() throws Exception {
        try (Link link = open()) {
            for (byte[] payload : List.of(utf8("are you there?"), randomBytes(125), new byte[0])) {
                link.theirs().ping(payload);
                assertThat(link.theirs().nextPong()).isEqualTo(payload);
            }
        }
    }
}
