package dev.lifeline.micrometer;

import dev.lifeline.protocol.CloseCode;

/**
 * The {@code code} tag of a close: a bounded set of values, whatever codes peers send. The codes RFC 6455 §7.4.1
 * defines and IANA registered (1000-1015) are tagged as themselves; registered codes (3000-3999) as {@code 3xxx},
 * private-use codes (4000-4999, the application's) as {@code 4xxx}, anything else as {@code other}.
 */
final class CloseCodeTag {
    private static final String[] DEFINED = new String[16];

    static {
        for (int i = 0; i < DEFINED.length; i++) {
            DEFINED[i] = String.valueOf(1000 + i);
        }
    }

    private CloseCodeTag() {
    }

    static String of(CloseCode code) {
        int value = code.value();
        if (value >= 1000 && value <= 1015) {
            return DEFINED[value - 1000];
        }
        if (value >= 3000 && value <= 3999) {
            return "3xxx";
        }
        return value >= 4000 && value <= 4999 ? "4xxx" : "other";
    }
}
