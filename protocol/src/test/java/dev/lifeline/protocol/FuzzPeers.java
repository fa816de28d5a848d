package dev.lifeline.protocol;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import dev.lifeline.protocol.extension.ExtensionFactory;
import dev.lifeline.protocol.extension.PerMessageDeflate;
import dev.lifeline.protocol.handshake.HeadLimits;
import dev.lifeline.protocol.handshake.Headers;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Connections for the protocol fuzz targets: a client and a server opened by a real opening handshake in memory,
 * with limits and {@code permessage-deflate} settings (context takeover each way, on or off) drawn from the
 * fuzzer's data, and the helpers to feed one side and describe what it reported.
 */
final class FuzzPeers {
    private static final URI ENDPOINT = URI.create("ws://example.com/fuzz");

    private FuzzPeers() {
    }

    /** A configuration from the fuzzer's data: small limits (so that inputs reach them), deflate or not. */
    static ProtocolConfig config(FuzzedDataProvider data) {
        int maxMessage = data.consumeInt(1, 4096);
        int maxFrame = data.consumeBoolean() ? maxMessage : data.consumeInt(1, 4096);
        List<ExtensionFactory> extensions = new ArrayList<>();
        if (data.consumeBoolean()) {
            extensions.add(PerMessageDeflate.DEFAULT.withMinSize(data.consumeInt(0, 80))
                    .withContextTakeover(data.consumeBoolean(), data.consumeBoolean()));
        }
        return new ProtocolConfig(maxMessage, maxFrame, HeadLimits.DEFAULT, extensions);
    }

    /** Both sides OPEN with {@code config}, their handshake events and bytes consumed. */
    static Wire.Pair connect(ProtocolConfig config, long seed) {
        ClientProtocol client = new ClientProtocol(ENDPOINT, List.of(), Headers.empty(), config,
                new SplittableRandom(seed));
        ServerProtocol server = new ServerProtocol(config);
        client.sendRequest();
        Wire.pipe(client, server);
        server.accept(Optional.empty(), Headers.empty());
        Wire.pipe(server, client);
        if (client.state() != State.OPEN || server.state() != State.OPEN) {
            throw new AssertionError("the in-memory handshake failed: " + client + ", " + server);
        }
        client.takeEvents();
        server.takeEvents();
        return new Wire.Pair(client, server);
    }

    /** Feeds {@code bytes} to {@code p} in pieces ending at the sorted {@code cuts}. */
    static void feed(Protocol p, byte[] bytes, int[] cuts) {
        int from = 0;
        for (int cut : cuts) {
            int to = Math.min(Math.max(cut, from), bytes.length);
            p.receiveData(ByteBuffer.wrap(bytes, from, to - from));
            from = to;
        }
        p.receiveData(ByteBuffer.wrap(bytes, from, bytes.length - from));
    }

    /** Everything {@code p} reported ({@code events}, taken from it) and wants to write, as comparable text. */
    static List<String> describe(Protocol p, List<Event> events) {
        List<String> seen = new ArrayList<>(events.stream().map(Wire::describe).toList());
        StringBuilder out = new StringBuilder("out ");
        for (Outbound o : p.takeOutbound()) {
            switch (o) {
                case Outbound.Data d -> out.append(Wire.hex(toArray(d.bytes())));
                case Outbound.Eof eof -> out.append(" EOF");
            }
        }
        seen.add(out.toString());
        seen.add(p.state() + " " + p.failure().map(f -> f.closeCode() + " " + f.getMessage()).orElse(""));
        return seen;
    }

    static byte[] toArray(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    static Side side(boolean server) {
        return server ? Side.SERVER : Side.CLIENT;
    }
}
