package dev.lifeline.protocol.extension;

import dev.lifeline.protocol.handshake.ExtensionOffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.zip.Deflater;

/**
 * The {@code permessage-deflate} extension, RFC 7692: negotiation on both sides and the factory of its
 * per-connection instances. Immutable; one instance serves every connection of a client or server, and its zlib
 * streams are pooled across them.
 *
 * <pre>{@code
 * WebSocketOptions.DEFAULT.withExtensions(List.of(PerMessageDeflate.DEFAULT));                // best ratio
 * WebSocketOptions.DEFAULT.withExtensions(List.of(PerMessageDeflate.DEFAULT.withoutContextTakeover())); // frugal
 * }</pre>
 *
 * <p><b>Context takeover</b> (§7.1.1) lets a message refer to the previous ones, which compresses small, similar
 * messages much better, but each direction then keeps a zlib stream per connection for as long as it lives (about
 * 256 KiB of native memory to compress, 40 KiB to decompress; see {@code docs/topics/compression.md}). Without it the streams are borrowed from a pool
 * for one message and given back, so idle connections hold none. Here "sending" is the direction this endpoint
 * compresses (the {@code server_*} parameters on a server, the {@code client_*} ones on a client) and "receiving"
 * the one it decompresses. Turning takeover off for receiving asks the peer not to use it: a client offers {@code
 * server_no_context_takeover} (and, should the server decline that, a second offer without it); a server answers
 * {@code client_no_context_takeover}, which RFC 7692 lets it do even when not offered.
 *
 * <p><b>Window sizes</b> (§7.1.2): the JDK's zlib always compresses with a 2^15-byte window and cannot be told to
 * use a smaller one. When the peer allows only 2^N bytes ({@code server_max_window_bits=N} offered to a server,
 * {@code client_max_window_bits=N} answered to a client), the deflater is flushed with {@code FULL_FLUSH} at least
 * every 2^N bytes of input, which empties its dictionary: no back-reference can then reach further than 2^N bytes,
 * so the parameter is honoured (at some cost in ratio for small N) and never declined. Decompression works with any
 * window the peer uses. A client therefore offers {@code client_max_window_bits} (no value) and never limits the
 * server's window, which would save the server memory, not this endpoint.
 */
public final class PerMessageDeflate implements ExtensionFactory {
    /** The extension token. */
    public static final String NAME = "permessage-deflate";

    /** Whole messages shorter than this are sent uncompressed by default. */
    public static final int DEFAULT_MIN_SIZE = 64;

    /** Idle zlib streams of each kind kept by default: two per processor. */
    public static final int DEFAULT_POOL_SIZE = 2 * Runtime.getRuntime().availableProcessors();

    /**
     * Context takeover both ways, zlib's default level (6), messages of {@value #DEFAULT_MIN_SIZE} bytes and more
     * compressed.
     */
    public static final PerMessageDeflate DEFAULT = new PerMessageDeflate(true, true,
            Deflater.DEFAULT_COMPRESSION, DEFAULT_MIN_SIZE, DEFAULT_POOL_SIZE);

    private final boolean sendingContextTakeover;
    private final boolean receivingContextTakeover;
    private final int compressionLevel;
    private final int minSize;
    private final int poolSize;
    private final ZlibPool pool;

    private PerMessageDeflate(boolean sendingContextTakeover, boolean receivingContextTakeover,
            int compressionLevel, int minSize, int poolSize) {
        if (compressionLevel != Deflater.DEFAULT_COMPRESSION
                && (compressionLevel < Deflater.NO_COMPRESSION || compressionLevel > Deflater.BEST_COMPRESSION)) {
            throw new IllegalArgumentException("compression level must be 0 to 9, or -1 for zlib's default: "
                    + compressionLevel);
        }
        if (minSize < 0 || poolSize < 0) {
            throw new IllegalArgumentException("minSize and poolSize must not be negative");
        }
        this.sendingContextTakeover = sendingContextTakeover;
        this.receivingContextTakeover = receivingContextTakeover;
        this.compressionLevel = compressionLevel;
        this.minSize = minSize;
        this.poolSize = poolSize;
        this.pool = new ZlibPool(compressionLevel, poolSize);
    }

    /** No context takeover in either direction: the frugal configuration, where idle connections hold no zlib state. */
    public PerMessageDeflate withoutContextTakeover() {
        return withContextTakeover(false, false);
    }

    /**
     * @param sending whether the messages this endpoint compresses may refer to earlier ones
     * @param receiving whether the peer may do so (when false, the peer is asked not to)
     */
    public PerMessageDeflate withContextTakeover(boolean sending, boolean receiving) {
        return new PerMessageDeflate(sending, receiving, compressionLevel, minSize, poolSize);
    }

    /** zlib's level: 1 (fastest) to 9 (smallest), 0 (stored, no compression), -1 (zlib's default, 6). */
    public PerMessageDeflate withCompressionLevel(int level) {
        return new PerMessageDeflate(sendingContextTakeover, receivingContextTakeover, level, minSize, poolSize);
    }

    /**
     * Messages sent whole and shorter than {@code bytes} go uncompressed (RSV1 clear), which saves CPU where
     * DEFLATE cannot save bytes. Fragmented messages are always compressed. 0 compresses everything.
     */
    public PerMessageDeflate withMinSize(int bytes) {
        return new PerMessageDeflate(sendingContextTakeover, receivingContextTakeover, compressionLevel, bytes,
                poolSize);
    }

    /** How many idle zlib streams of each kind (compressing, decompressing) the pool keeps; 0 keeps none. */
    public PerMessageDeflate withPoolSize(int streams) {
        return new PerMessageDeflate(sendingContextTakeover, receivingContextTakeover, compressionLevel, minSize,
                streams);
    }

    public boolean sendingContextTakeover() {
        return sendingContextTakeover;
    }

    public boolean receivingContextTakeover() {
        return receivingContextTakeover;
    }

    public int compressionLevel() {
        return compressionLevel;
    }

    public int minSize() {
        return minSize;
    }

    public int poolSize() {
        return poolSize;
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The most preferred of {@link #offers()}. */
    @Override
    public ExtensionOffer offer() {
        return offers().get(0);
    }

    /**
     * Client: {@code client_max_window_bits} (any window the server asks for is honoured), {@code
     * client_no_context_takeover} without sending context takeover, and without receiving context takeover first
     * an offer with {@code server_no_context_takeover}, then one without it.
     */
    @Override
    public List<ExtensionOffer> offers() {
        List<ExtensionOffer> offers = new ArrayList<>();
        if (!receivingContextTakeover) {
            offers.add(clientOffer(true));
        }
        offers.add(clientOffer(false));
        return offers;
    }

    private ExtensionOffer clientOffer(boolean serverNoContextTakeover) {
        return new DeflateParameters(serverNoContextTakeover, !sendingContextTakeover, OptionalInt.empty(),
                Optional.of(OptionalInt.empty())).toElement();
    }

    /**
     * Client: checks the server's response (RFC 7692 §5, §7.1) and builds the extension it agreed to. Any valid
     * response answers one of {@link #offers()}: the last offer does not ask for {@code server_no_context_takeover},
     * none limits the server's window, and all allow {@code client_max_window_bits}, whose every value is honoured.
     *
     * @throws IllegalArgumentException when a parameter is unknown, repeated or has an invalid value (the client
     *         then fails the connection)
     */
    @Override
    public Extension accept(ExtensionOffer response) {
        DeflateParameters agreed = DeflateParameters.parse(response, true);
        // §7.1.1.2: with client_no_context_takeover in the response, the client MUST NOT use context takeover.
        MessageDeflater sending = new MessageDeflater(pool,
                sendingContextTakeover && !agreed.clientNoContextTakeover(),
                agreed.clientMaxWindowBits().orElse(OptionalInt.empty()).orElse(DeflateParameters.MAX_WINDOW_BITS),
                minSize);
        // §7.2.2: with server_no_context_takeover, each message may be inflated with an empty window.
        MessageInflater receiving = new MessageInflater(pool, !agreed.serverNoContextTakeover());
        return new DeflateExtension(sending, receiving);
    }

    /**
     * Server: accepts an offer, or declines it when a parameter is unknown, repeated or invalid (RFC 7692 §5). The
     * response keeps {@code server_no_context_takeover} and {@code server_max_window_bits} when offered (§7.1.1.1,
     * §7.1.2.1), confirms a {@code client_no_context_takeover} hint, and adds either parameter where this endpoint
     * turns context takeover off.
     */
    @Override
    public Optional<Accepted> negotiate(ExtensionOffer offer) {
        DeflateParameters offered;
        try {
            offered = DeflateParameters.parse(offer, false);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        DeflateParameters answer = new DeflateParameters(
                offered.serverNoContextTakeover() || !sendingContextTakeover,
                offered.clientNoContextTakeover() || !receivingContextTakeover,
                offered.serverMaxWindowBits(), Optional.empty());
        MessageDeflater sending = new MessageDeflater(pool, !answer.serverNoContextTakeover(),
                answer.serverMaxWindowBits().orElse(DeflateParameters.MAX_WINDOW_BITS), minSize);
        MessageInflater receiving = new MessageInflater(pool, !answer.clientNoContextTakeover());
        return Optional.of(new Accepted(answer.toElement(), new DeflateExtension(sending, receiving)));
    }

    /** E.g. {@code permessage-deflate (context takeover sending/receiving: true/false, level -1, minSize 64)}. */
    @Override
    public String toString() {
        return NAME + " (context takeover sending/receiving: " + sendingContextTakeover + "/"
                + receivingContextTakeover + ", level " + compressionLevel + ", minSize " + minSize + ", pool "
                + poolSize + ")";
    }

    ZlibPool pool() {
        return pool;
    }
}
