package dev.lifeline.protocol.handshake;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Objects;

/** The {@code Sec-WebSocket-Accept} value that proves a server read the client's key (RFC 6455 §1.3, §4.2.2). */
public final class Accept {

    /** RFC 6455 §1.3: the GUID appended to the key. */
    static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    /** Cloned for each use: cheaper than looking the algorithm up among the security providers every time. */
    private static final MessageDigest SHA1;

    static {
        try {
            SHA1 = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new ExceptionInInitializerError("every Java platform must support SHA-1: " + e);
        }
    }

    private Accept() {}

    /**
     * RFC 6455 §4.2.2 item 5.4: "the base64-encoded SHA-1 of the concatenation of the |Sec-WebSocket-Key|
     * (as a string, not base64-decoded) with the string "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"".
     */
    public static String of(String secWebSocketKey) {
        Objects.requireNonNull(secWebSocketKey, "secWebSocketKey");
        MessageDigest sha1;
        try {
            sha1 = (MessageDigest) SHA1.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("the SHA-1 digest cannot be cloned", e);
        }
        byte[] digest = sha1.digest((secWebSocketKey + GUID).getBytes(StandardCharsets.ISO_8859_1));
        return Base64.getEncoder().encodeToString(digest);
    }
}
