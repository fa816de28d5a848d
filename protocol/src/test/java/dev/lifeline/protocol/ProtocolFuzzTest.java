package dev.lifeline.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Fuzz target for the whole receiving path of an OPEN connection, either side, with or without
 * {@code permessage-deflate} (context takeover on or off each way), under small message and frame limits: frame
 * decoding, reassembly, UTF-8 validation, inflation, control frames and the closing handshake, fed arbitrary peer
 * bytes. Properties, for every input:
 * <ul>
 *   <li>it ends in events, or a {@code Failed} event whose {@link ProtocolException} carries 1002, 1007 or 1009
 *       (never 1011, which the core reports for any other exception, i.e. a bug of ours);
 *   <li>no message exceeds the message limit; no control payload exceeds 125 bytes;
 *   <li>the heap bytes allocated while receiving stay within a bound set by the limits, the number of messages and
 *       the input's length, never by lengths the peer declares or by how far its data inflates;
 *   <li>the same bytes cut at the fuzzer's points give the same events, the same bytes out and the same state.
 * </ul>
 * Run longer with {@code ./lifeline fuzz ProtocolFuzzTest 10m}; see docs/topics/fuzzing.md.
 */
public class ProtocolFuzzTest {
    private static final Set<Integer> PEER_FAULTS = Set.of(1002, 1007, 1009);
    private static final int MAX_CUTS = 4;
    /** Fixed costs of a receive: events, exceptions with their stack traces, zlib objects. */
    private static final long BASE_ALLOCATION = 256 * 1024;

    @FuzzTest(maxDuration = "5s")
    void anyPeerInputEndsInEventsOrACloseCodeWithinTheLimits(FuzzedDataProvider data) {
        fuzzerTestOneInput(data);
    }

    /** The target, as Jazzer's standalone driver calls it. */
    public static void fuzzerTestOneInput(FuzzedDataProvider data) {
        ProtocolConfig config = FuzzPeers.config(data);
        Side side = FuzzPeers.side(data.consumeBoolean());
        long seed = data.consumeLong();
        int[] cuts = new int[data.consumeInt(0, MAX_CUTS)];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = data.consumeInt(0, 1 << 14);
        }
        Arrays.sort(cuts);
        byte[] input = data.consumeRemainingAsBytes();

        // In pieces first: that also loads (and instruments) every class this input reaches, whose allocations
        // would otherwise count in the measurement below.
        Protocol pieces = FuzzPeers.connect(config, seed).get(side);
        FuzzPeers.feed(pieces, input, cuts);
        List<Event> piecesEvents = pieces.takeEvents();

        Protocol whole = FuzzPeers.connect(config, seed).get(side);
        Allocations meter = Allocations.start();
        FuzzPeers.feed(whole, input, new int[0]);
        OptionalLong allocated = meter.allocated();
        List<Event> events = whole.takeEvents();
        check(events, config);
        // per message at most a few copies of the message limit (reassembly, inflation, the String), whatever the
        // lengths declared in headers; per input byte a constant
        long messages = events.stream().filter(e -> e instanceof Event.Text || e instanceof Event.Binary).count();
        long bound = BASE_ALLOCATION + 16L * input.length
                + (messages + 1) * 16L * Math.max(config.maxMessageSize(), config.maxFrameSize());
        allocated.ifPresent(bytes -> assertThat(bytes).as("heap bytes allocated receiving %d bytes", input.length)
                .isLessThanOrEqualTo(bound));

        assertThat(FuzzPeers.describe(pieces, piecesEvents)).as("cut at %s", Arrays.toString(cuts))
                .isEqualTo(FuzzPeers.describe(whole, events));
    }

    private static void check(List<Event> events, ProtocolConfig config) {
        for (Event event : events) {
            switch (event) {
                case Event.Text t -> assertThat(t.text().getBytes(StandardCharsets.UTF_8).length)
                        .isLessThanOrEqualTo(config.maxMessageSize());
                case Event.Binary b -> assertThat(b.data().length).isLessThanOrEqualTo(config.maxMessageSize());
                case Event.Ping p -> assertThat(p.payload().length).isLessThanOrEqualTo(125);
                case Event.Pong p -> assertThat(p.payload().length).isLessThanOrEqualTo(125);
                case Event.Failed f -> {
                    if (!PEER_FAULTS.contains(f.cause().closeCode().value())) {
                        throw new AssertionError("peer input failed the connection with " + f.cause().closeCode()
                                + " instead of a peer fault code", f.cause());
                    }
                }
                case Event.CloseReceived c -> { }
                default -> throw new AssertionError("unexpected event on an open connection: " + event);
            }
        }
    }
}
