package dev.lifeline.protocol;

import dev.lifeline.protocol.handshake.ClientHandshake;
import dev.lifeline.protocol.handshake.Headers;
import dev.lifeline.protocol.handshake.HttpRequest;
import dev.lifeline.protocol.handshake.HttpResponse;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * An opening handshake's request and response packed into one byte array, for a connection that keeps them for its
 * whole life only because the API may ask for them: an {@link HttpRequest} and an {@link HttpResponse} with their
 * {@link Headers} take some twenty objects (about 450 bytes for a browser's short request), the packed form one
 * array of little more than the bytes that are no common name or value. {@link #request} and {@link #response}
 * build equal objects again on every call. Both sides keep theirs so once open: {@link ServerProtocol} the request
 * it received and the 101 it sent, {@link ClientProtocol} the request it sent and the 101 it received. Any request
 * and response pack, whoever wrote them.
 *
 * <p>Every string is ISO-8859-1 ({@link Headers}, {@link HttpRequest} and {@link HttpResponse} reject anything
 * else), one byte per character. A string is a varint: twice its length, followed by its bytes, or twice the index
 * of a {@link #COMMON} string plus one. The request is its method, target, version, field count and fields (name,
 * value); the response follows: status (varint), reason, field count, fields, body length (varint) and body.
 *
 * <p>Immutable; the static methods are safe from any thread.
 */
final class PackedHandshake {

    /**
     * Names and values that most handshakes carry, as peers write them (this library's own {@code User-Agent} among
     * them); at most 63, so that each takes one byte.
     */
    private static final String[] COMMON = {
        "GET", "/", HttpRequest.HTTP_1_1, HttpRequest.HTTP_1_0, "Host", "Upgrade", "websocket", "Connection",
        "Sec-WebSocket-Key", "Sec-WebSocket-Version", "13", "Sec-WebSocket-Accept", "Sec-WebSocket-Protocol",
        "Sec-WebSocket-Extensions", "permessage-deflate", "permessage-deflate; client_max_window_bits",
        "Switching Protocols", "Origin", "User-Agent", "Accept-Encoding", "gzip, deflate, br, zstd",
        "gzip, deflate, br", "gzip", "Accept-Language", "Cache-Control", "no-cache", "Pragma", "Cookie",
        "Authorization", "Server", "keep-alive, Upgrade", "upgrade", ClientHandshake.USER_AGENT,
    };

    private PackedHandshake() {}

    /** {@code request} and {@code response}, packed. */
    static byte[] pack(HttpRequest request, HttpResponse response) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        putString(out, request.method());
        putString(out, request.target());
        putString(out, request.version());
        putHeaders(out, request.headers());
        putVarint(out, response.status());
        putString(out, response.reason());
        putHeaders(out, response.headers());
        byte[] body = response.body();
        putVarint(out, body.length);
        out.write(body, 0, body.length);
        return out.toByteArray();
    }

    /** The request of {@code packed}, equal to the one packed. */
    static HttpRequest request(byte[] packed) {
        Reader in = new Reader(packed);
        String method = in.string();
        String target = in.string();
        String version = in.string();
        return new HttpRequest(method, target, in.headers(), version);
    }

    /** The response of {@code packed}, equal to the one packed. */
    static HttpResponse response(byte[] packed) {
        Reader in = new Reader(packed);
        in.string();
        in.string();
        in.string();
        in.headers();
        int status = in.varint();
        String reason = in.string();
        Headers headers = in.headers();
        byte[] body = in.bytes(in.varint());
        return new HttpResponse(status, reason, headers, body);
    }

    private static void putHeaders(ByteArrayOutputStream out, Headers headers) {
        putVarint(out, headers.size());
        for (Map.Entry<String, String> field : headers) {
            putString(out, field.getKey());
            putString(out, field.getValue());
        }
    }

    private static void putString(ByteArrayOutputStream out, String text) {
        for (int i = 0; i < COMMON.length; i++) {
            if (COMMON[i].equals(text)) {
                putVarint(out, 2 * i + 1);
                return;
            }
        }
        putVarint(out, 2 * text.length());
        for (int i = 0; i < text.length(); i++) {
            out.write(text.charAt(i)); // ISO-8859-1: the low byte is the character
        }
    }

    /** Seven bits a byte, least significant first; the high bit says that more follow. */
    private static void putVarint(ByteArrayOutputStream out, int value) {
        int rest = value;
        while ((rest & ~0x7F) != 0) {
            out.write((rest & 0x7F) | 0x80);
            rest >>>= 7;
        }
        out.write(rest);
    }

    /** Reads a packed array from its start. */
    private static final class Reader {
        private final byte[] packed;
        private int at;

        Reader(byte[] packed) {
            this.packed = packed;
        }

        int varint() {
            int value = 0;
            for (int shift = 0; ; shift += 7) {
                int b = packed[at++];
                value |= (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    return value;
                }
            }
        }

        String string() {
            int code = varint();
            if ((code & 1) != 0) {
                return COMMON[code >>> 1];
            }
            int length = code >>> 1;
            String text = new String(packed, at, length, StandardCharsets.ISO_8859_1);
            at += length;
            return text;
        }

        Headers headers() {
            int count = varint();
            Headers.Builder headers = Headers.builder();
            for (int i = 0; i < count; i++) {
                String name = string();
                headers.add(name, string());
            }
            return headers.build();
        }

        byte[] bytes(int length) {
            byte[] bytes = new byte[length];
            System.arraycopy(packed, at, bytes, 0, length);
            at += length;
            return bytes;
        }
    }
}
