package dev.lifeline.protocol.handshake;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;

/**
 * HTTP header fields: an ordered multimap whose names compare ASCII case-insensitively (RFC 9110 §5.1),
 * immutable once built. Iteration yields the fields in the order they were added, with their names as
 * written.
 *
 * <p>Names must be tokens (RFC 9110 §5.6.2) and values may hold only VCHAR, SP, HTAB and obs-text (RFC 9110
 * §5.5), so that nobody can smuggle a CR, LF or NUL onto the wire and inject a header. Values are written and
 * read as ISO-8859-1, one byte per character; characters above U+00FF are rejected.
 *
 * <p>Instances are immutable and safe to share between threads; a {@link Builder} is not.
 */
public final class Headers implements Iterable<Map.Entry<String, String>> {

    private static final Headers EMPTY = new Headers(new String[0], new String[0]);

    private final String[] names;
    private final String[] values;

    private Headers(String[] names, String[] values) {
        this.names = names;
        this.values = values;
    }

    /** No headers. */
    public static Headers empty() {
        return EMPTY;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Headers from alternating names and values: {@code Headers.of("Host", "example.com", "Origin", "null")}.
     *
     * @throws IllegalArgumentException if the count is odd or a name or value is invalid
     */
    public static Headers of(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException(
                    "expected names and values in pairs, got " + namesAndValues.length + " strings");
        }
        Builder builder = builder();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            builder.add(namesAndValues[i], namesAndValues[i + 1]);
        }
        return builder.build();
    }

    /** The value of the first field with this name. */
    public Optional<String> first(String name) {
        Objects.requireNonNull(name, "name");
        for (int i = 0; i < names.length; i++) {
            if (names[i].equalsIgnoreCase(name)) {
                return Optional.of(values[i]);
            }
        }
        return Optional.empty();
    }

    /** The values of every field with this name, in order; empty when there is none. */
    public List<String> all(String name) {
        Objects.requireNonNull(name, "name");
        List<String> found = new ArrayList<>(2);
        for (int i = 0; i < names.length; i++) {
            if (names[i].equalsIgnoreCase(name)) {
                found.add(values[i]);
            }
        }
        return List.copyOf(found);
    }

    /**
     * The elements of a comma-separated list header (RFC 9110 §5.6.1) across all its fields: each value split
     * on commas, trimmed of optional whitespace, empty elements dropped. Meant for token lists such as
     * {@code Connection}, {@code Upgrade} and {@code Sec-WebSocket-Protocol}; it does not understand quoted
     * strings (use {@link ExtensionHeader#parse} for {@code Sec-WebSocket-Extensions}).
     */
    public List<String> tokens(String name) {
        List<String> tokens = new ArrayList<>(4);
        for (String value : all(name)) {
            int start = 0;
            while (start <= value.length()) {
                int comma = value.indexOf(',', start);
                int end = comma < 0 ? value.length() : comma;
                String element = Syntax.trimOws(value.substring(start, end));
                if (!element.isEmpty()) {
                    tokens.add(element);
                }
                start = end + 1;
            }
        }
        return List.copyOf(tokens);
    }

    /** Whether the list header {@code name} holds {@code token}, both compared ASCII case-insensitively. */
    public boolean containsToken(String name, String token) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(token, "token");
        for (int i = 0; i < names.length; i++) {
            if (names[i].equalsIgnoreCase(name) && listHolds(values[i], token)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the comma-separated {@code list} has an element equal to {@code token}, ignoring case and OWS. */
    private static boolean listHolds(String list, String token) {
        int start = 0;
        while (start <= list.length()) {
            int comma = list.indexOf(',', start);
            int end = comma < 0 ? list.length() : comma;
            int from = Syntax.skipOws(list, start, end);
            int to = Syntax.trimOwsEnd(list, from, end);
            if (to > from && to - from == token.length() && list.regionMatches(true, from, token, 0, token.length())) {
                return true;
            }
            start = end + 1;
        }
        return false;
    }

    /** The name of field {@code i} (0-based, in order), as written. */
    String name(int i) {
        return names[i];
    }

    /** The value of field {@code i}. */
    String value(int i) {
        return values[i];
    }

    /** Whether there is at least one field with this name. */
    public boolean contains(String name) {
        return first(name).isPresent();
    }

    /** The number of fields (a name present twice counts twice). */
    public int size() {
        return names.length;
    }

    public boolean isEmpty() {
        return names.length == 0;
    }

    /** The fields in order, as immutable entries of name (as written) and value. */
    @Override
    public Iterator<Map.Entry<String, String>> iterator() {
        return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < names.length;
            }

            @Override
            public Map.Entry<String, String> next() {
                if (next >= names.length) {
                    throw new NoSuchElementException();
                }
                Map.Entry<String, String> entry = Map.entry(names[next], values[next]);
                next++;
                return entry;
            }
        };
    }

    /** Equal when the same fields appear in the same order; names compare case-insensitively. */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Headers other) || other.names.length != names.length) {
            return false;
        }
        for (int i = 0; i < names.length; i++) {
            if (!names[i].equalsIgnoreCase(other.names[i]) || !values[i].equals(other.values[i])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int hash = 1;
        for (int i = 0; i < names.length; i++) {
            hash = 31 * hash + names[i].toLowerCase(Locale.ROOT).hashCode();
            hash = 31 * hash + values[i].hashCode();
        }
        return hash;
    }

    /** One line for logs: {@code {Host: example.com, Upgrade: websocket}}. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder("{");
        for (int i = 0; i < names.length; i++) {
            out.append(i == 0 ? "" : ", ").append(names[i]).append(": ").append(values[i]);
        }
        return out.append('}').toString();
    }

    /** Appends fields in order; {@link #build()} takes a snapshot, so a builder may go on after it. */
    public static final class Builder {
        /** Room for a typical handshake's fields; grows by doubling. */
        private static final int INITIAL_CAPACITY = 16;

        private String[] names = new String[INITIAL_CAPACITY];
        private String[] values = new String[INITIAL_CAPACITY];
        private int size;

        private Builder() {}

        /**
         * Appends one field.
         *
         * @throws IllegalArgumentException if the name is not a token or the value holds a control character
         *     (CR, LF, NUL...) or a character above U+00FF
         */
        public Builder add(String name, String value) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
            if (!Syntax.isToken(name)) {
                throw new IllegalArgumentException("header name " + Syntax.quote(name) + " is not a token");
            }
            int bad = Syntax.invalidFieldChar(value);
            if (bad >= 0) {
                throw new IllegalArgumentException("value of header " + name + " holds "
                        + Syntax.describe(value.charAt(bad)) + " at index " + bad
                        + "; only visible characters, SP, HTAB and ISO-8859-1 text are allowed");
            }
            append(name, value);
            return this;
        }

        /** Appends every field of {@code headers}, in order. */
        public Builder addAll(Headers headers) {
            for (int i = 0; i < headers.names.length; i++) {
                append(headers.names[i], headers.values[i]);
            }
            return this;
        }

        private void append(String name, String value) {
            if (size == names.length) {
                names = Arrays.copyOf(names, size * 2);
                values = Arrays.copyOf(values, size * 2);
            }
            names[size] = name;
            values[size] = value;
            size++;
        }

        public Headers build() {
            return size == 0 ? EMPTY : new Headers(Arrays.copyOf(names, size), Arrays.copyOf(values, size));
        }
    }
}
