package dev.lifeline.protocol;

/**
 * A close status code, RFC 6455 §7.4. Prints as {@code 1000 (normal)}.
 *
 * <p>Codes 1005, 1006 and 1015 are reported locally but never sent in a Close frame (§7.4.1).
 */
public record CloseCode(int value) {
    public static final CloseCode NORMAL_CLOSURE = new CloseCode(1000);
    public static final CloseCode GOING_AWAY = new CloseCode(1001);
    public static final CloseCode PROTOCOL_ERROR = new CloseCode(1002);
    public static final CloseCode UNSUPPORTED_DATA = new CloseCode(1003);
    public static final CloseCode NO_STATUS_RECEIVED = new CloseCode(1005);
    public static final CloseCode ABNORMAL_CLOSURE = new CloseCode(1006);
    public static final CloseCode INVALID_PAYLOAD = new CloseCode(1007);
    public static final CloseCode POLICY_VIOLATION = new CloseCode(1008);
    public static final CloseCode MESSAGE_TOO_BIG = new CloseCode(1009);
    public static final CloseCode MANDATORY_EXTENSION = new CloseCode(1010);
    public static final CloseCode INTERNAL_ERROR = new CloseCode(1011);
    public static final CloseCode SERVICE_RESTART = new CloseCode(1012);
    public static final CloseCode TRY_AGAIN_LATER = new CloseCode(1013);
    public static final CloseCode BAD_GATEWAY = new CloseCode(1014);
    public static final CloseCode TLS_HANDSHAKE = new CloseCode(1015);

    public CloseCode {
        if (value < 0 || value > 0xFFFF) {
            throw new IllegalArgumentException("close code must fit in 16 bits: " + value);
        }
    }

    public static CloseCode of(int value) {
        return new CloseCode(value);
    }

    /**
     * Whether the code may appear in a Close frame (§7.4.1, §7.4.2 and the IANA registry): 1000-1003,
     * 1007-1014 and 3000-4999. 1004-1006, 1015, codes below 1000, 1016-2999 and 5000 and above may not.
     */
    public static boolean isValidOnWire(int code) {
        return code >= 1000 && code <= 1003 || code >= 1007 && code <= 1014 || code >= 3000 && code <= 4999;
    }

    public boolean isValidOnWire() {
        return isValidOnWire(value);
    }

    /** A short description: {@code normal}, {@code going away}, ..., {@code private use}. */
    public String description() {
        return switch (value) {
            case 1000 -> "normal";
            case 1001 -> "going away";
            case 1002 -> "protocol error";
            case 1003 -> "unsupported data";
            case 1005 -> "no status received";
            case 1006 -> "abnormal closure";
            case 1007 -> "invalid payload";
            case 1008 -> "policy violation";
            case 1009 -> "message too big";
            case 1010 -> "mandatory extension";
            case 1011 -> "internal error";
            case 1012 -> "service restart";
            case 1013 -> "try again later";
            case 1014 -> "bad gateway";
            case 1015 -> "TLS handshake failure";
            default -> value >= 3000 && value <= 3999 ? "registered"
                    : value >= 4000 && value <= 4999 ? "private use" : "unknown";
        };
    }

    @Override
    public String toString() {
        return value + " (" + description() + ")";
    }
}
