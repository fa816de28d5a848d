package dev.lifeline.protocol;

import dev.lifeline.protocol.extension.ExtensionFactory;
import dev.lifeline.protocol.handshake.HeadLimits;
import java.util.List;

/**
 * Limits and extensions for one connection's protocol.
 *
 * @param maxMessageSize the largest message accepted, after reassembly and decompression (1009 beyond it)
 * @param maxFrameSize the largest frame payload accepted (1009 beyond it)
 * @param headLimits bounds on the HTTP head of the opening handshake
 * @param extensions the extensions to offer (client) or accept (server), in order of preference
 */
public record ProtocolConfig(int maxMessageSize, int maxFrameSize, HeadLimits headLimits,
        List<ExtensionFactory> extensions) {
    /** 1 MiB per message and per frame. */
    public static final int DEFAULT_MAX_MESSAGE_SIZE = 1 << 20;
    public static final ProtocolConfig DEFAULT = new ProtocolConfig(
            DEFAULT_MAX_MESSAGE_SIZE, DEFAULT_MAX_MESSAGE_SIZE, HeadLimits.DEFAULT, List.of());

    public ProtocolConfig {
        if (maxMessageSize <= 0 || maxFrameSize <= 0) {
            throw new IllegalArgumentException("size limits must be positive");
        }
        extensions = List.copyOf(extensions);
    }

    public ProtocolConfig withMaxMessageSize(int size) {
        return new ProtocolConfig(size, size, headLimits, extensions);
    }

    public ProtocolConfig withMaxFrameSize(int size) {
        return new ProtocolConfig(maxMessageSize, size, headLimits, extensions);
    }

    public ProtocolConfig withExtensions(List<ExtensionFactory> factories) {
        return new ProtocolConfig(maxMessageSize, maxFrameSize, headLimits, factories);
    }
}
