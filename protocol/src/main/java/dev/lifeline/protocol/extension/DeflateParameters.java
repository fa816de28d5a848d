package dev.lifeline.protocol.extension;

import dev.lifeline.protocol.handshake.ExtensionOffer;
import dev.lifeline.protocol.handshake.ExtensionParam;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The parameters of one {@code permessage-deflate} element, offer or response, checked against RFC 7692 §7.1:
 * only the four parameters it defines, each at most once (§5), with valid values.
 *
 * @param serverNoContextTakeover {@code server_no_context_takeover} (§7.1.1.1)
 * @param clientNoContextTakeover {@code client_no_context_takeover} (§7.1.1.2)
 * @param serverMaxWindowBits the value of {@code server_max_window_bits} (§7.1.2.1)
 * @param clientMaxWindowBits {@code client_max_window_bits} (§7.1.2.2): absent, present without a value (an
 *        offer only) or with one
 */
record DeflateParameters(boolean serverNoContextTakeover, boolean clientNoContextTakeover,
        OptionalInt serverMaxWindowBits, Optional<OptionalInt> clientMaxWindowBits) {

    static final String SERVER_NO_CONTEXT_TAKEOVER = "server_no_context_takeover";
    static final String CLIENT_NO_CONTEXT_TAKEOVER = "client_no_context_takeover";
    static final String SERVER_MAX_WINDOW_BITS = "server_max_window_bits";
    static final String CLIENT_MAX_WINDOW_BITS = "client_max_window_bits";

    /** The largest LZ77 window, and the only one the JDK's {@code Deflater} builds: 2^15 = 32 KiB. */
    static final int MAX_WINDOW_BITS = 15;

    /**
     * Reads an element of {@code Sec-WebSocket-Extensions}.
     *
     * @param response true for a server's response, where {@code client_max_window_bits} needs a value
     * @throws IllegalArgumentException naming the parameter when one is unknown, repeated or has an invalid value
     *         (§5: the server then declines the offer; the client fails the connection)
     */
    static DeflateParameters parse(ExtensionOffer element, boolean response) {
        boolean serverNoContextTakeover = false;
        boolean clientNoContextTakeover = false;
        OptionalInt serverMaxWindowBits = OptionalInt.empty();
        Optional<OptionalInt> clientMaxWindowBits = Optional.empty();
        Set<String> seen = new HashSet<>();
        for (ExtensionParam param : element.params()) {
            // §5: "The negotiation [offer|response] contains multiple extension parameters with the same name."
            if (!seen.add(param.name())) {
                throw new IllegalArgumentException("parameter " + param.name() + " is repeated (RFC 7692 §5)");
            }
            switch (param.name()) {
                case SERVER_NO_CONTEXT_TAKEOVER -> serverNoContextTakeover = noValue(param, "7.1.1.1");
                case CLIENT_NO_CONTEXT_TAKEOVER -> clientNoContextTakeover = noValue(param, "7.1.1.2");
                case SERVER_MAX_WINDOW_BITS -> serverMaxWindowBits = OptionalInt.of(windowBits(param.value()
                        .orElseThrow(() -> invalid(param, "needs a value", "7.1.2.1")), param, "7.1.2.1"));
                case CLIENT_MAX_WINDOW_BITS -> {
                    // §7.1.2.2: an offer may carry it without a value; a response that has it gives a value.
                    if (param.value().isEmpty() && response) {
                        throw invalid(param, "needs a value in a response", "7.1.2.2");
                    }
                    clientMaxWindowBits = Optional.of(param.value().isEmpty() ? OptionalInt.empty()
                            : OptionalInt.of(windowBits(param.value().get(), param, "7.1.2.2")));
                }
                default -> throw new IllegalArgumentException("parameter " + param.name()
                        + " is not defined for permessage-deflate (RFC 7692 §7.1)");
            }
        }
        return new DeflateParameters(serverNoContextTakeover, clientNoContextTakeover, serverMaxWindowBits,
                clientMaxWindowBits);
    }

    /** These parameters as an element of {@code Sec-WebSocket-Extensions}, in the order of RFC 7692 §7.1. */
    ExtensionOffer toElement() {
        List<ExtensionParam> params = new ArrayList<>();
        if (serverNoContextTakeover) {
            params.add(ExtensionParam.of(SERVER_NO_CONTEXT_TAKEOVER));
        }
        if (clientNoContextTakeover) {
            params.add(ExtensionParam.of(CLIENT_NO_CONTEXT_TAKEOVER));
        }
        serverMaxWindowBits.ifPresent(bits -> params.add(ExtensionParam.of(SERVER_MAX_WINDOW_BITS, "" + bits)));
        clientMaxWindowBits.ifPresent(bits -> params.add(bits.isPresent()
                ? ExtensionParam.of(CLIENT_MAX_WINDOW_BITS, "" + bits.getAsInt())
                : ExtensionParam.of(CLIENT_MAX_WINDOW_BITS)));
        return new ExtensionOffer(PerMessageDeflate.NAME, params);
    }

    private static boolean noValue(ExtensionParam param, String section) {
        if (param.value().isPresent()) {
            throw invalid(param, "takes no value", section);
        }
        return true;
    }

    /** {@code 1*DIGIT}, "a decimal integer value without leading zeroes between 8 to 15, inclusive". */
    private static int windowBits(String value, ExtensionParam param, String section) {
        if (!value.matches("[89]|1[0-5]")) {
            throw invalid(param, "is not a window size from 8 to 15 without leading zeroes", section);
        }
        return Integer.parseInt(value);
    }

    private static IllegalArgumentException invalid(ExtensionParam param, String problem, String section) {
        return new IllegalArgumentException("parameter " + param + " " + problem + " (RFC 7692 §" + section + ")");
    }
}
