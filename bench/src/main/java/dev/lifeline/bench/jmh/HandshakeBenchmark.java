package dev.lifeline.bench.jmh;

import dev.lifeline.protocol.handshake.Accept;
import dev.lifeline.protocol.handshake.HeadLimits;
import dev.lifeline.protocol.handshake.HttpRequest;
import dev.lifeline.protocol.handshake.RequestParser;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * The server side of the opening handshake (RFC 6455 §4.2.1): parsing a browser's upgrade request (about 500
 * bytes, the headers a current browser sends) and computing {@code Sec-WebSocket-Accept}; ns per operation.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HandshakeBenchmark {
    private static final byte[] REQUEST = ("GET /chat?room=42 HTTP/1.1\r\n"
            + "Host: example.com:8443\r\n"
            + "Connection: Upgrade\r\n"
            + "Pragma: no-cache\r\n"
            + "Cache-Control: no-cache\r\n"
            + "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)"
            + " Chrome/131.0 Safari/537.36\r\n"
            + "Upgrade: websocket\r\n"
            + "Origin: https://example.com\r\n"
            + "Sec-WebSocket-Version: 13\r\n"
            + "Accept-Encoding: gzip, deflate, br, zstd\r\n"
            + "Accept-Language: en-GB,en;q=0.9\r\n"
            + "Cookie: session=5f2b8a1c9d; theme=dark\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            + "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"
            + "\r\n").getBytes(StandardCharsets.US_ASCII);

    @Benchmark
    public HttpRequest parseRequest() {
        return new RequestParser(HeadLimits.DEFAULT).feed(ByteBuffer.wrap(REQUEST)).orElseThrow();
    }

    @Benchmark
    public String accept() {
        return Accept.of("dGhlIHNhbXBsZSBub25jZQ==");
    }
}
