package dev.lifeline;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/** A complete WebSocket message: {@link Text} or {@link Binary}. */
public sealed interface Message {
    static Text text(String text) {
        return new Text(text);
    }

    static Binary binary(byte[] data) {
        return new Binary(data);
    }

    /** The message's size on the wire before any compression, in bytes. */
    int size();

    /** A text message. */
    record Text(String text) implements Message {
        public Text {
            Objects.requireNonNull(text, "text");
        }

        @Override
        public int size() {
            return text.length(); // a lower bound of its UTF-8 length, enough for queue accounting
        }

        @Override
        public String toString() {
            String shown = text.length() > 60 ? text.substring(0, 60) + "…" : text;
            return "Text['" + shown.replace("\n", "\\n") + "']";
        }
    }

    /** A binary message. The array is not copied; do not change it after sending or receiving. */
    record Binary(byte[] data) implements Message {
        public Binary {
            Objects.requireNonNull(data, "data");
        }

        public ByteBuffer buffer() {
            return ByteBuffer.wrap(data).asReadOnlyBuffer();
        }

        /** The bytes decoded as UTF-8, for convenience. */
        public String asString() {
            return new String(data, StandardCharsets.UTF_8);
        }

        @Override
        public int size() {
            return data.length;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Binary b && Arrays.equals(data, b.data);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "Binary[" + HexFormat.of().formatHex(data, 0, Math.min(32, data.length))
                    + (data.length > 32 ? "…" : "") + " (" + data.length + " bytes)]";
        }
    }
}
