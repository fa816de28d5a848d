package dev.lifeline.cli;

import dev.lifeline.WebSocketServer;
import dev.lifeline.protocol.handshake.Headers;
import dev.lifeline.protocol.handshake.HttpRequest;
import dev.lifeline.protocol.handshake.HttpResponse;
import dev.lifeline.redis.RedisHealth;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * The plain HTTP side of {@code lifeline serve}, as its {@code processRequest} hook: the demo page and its assets
 * (shipped in the jar, the reliable client {@code reliable.js}, the IndexedDB store that keeps its session across
 * reloads {@code indexeddb-store.js} and the reconnect policy {@code reconnect.js} among them), {@code /healthz} (with the health of what this node shares with others through Redis, if anything:
 * {@code "status":"degraded"} while one is down), 404 and 405 for the rest. A WebSocket handshake for {@code /} goes
 * on to the WebSocket server; one for any other path is answered 404.
 */
final class StaticPages implements WebSocketServer.RequestProcessor {
    /** The one WebSocket endpoint. */
    static final String ENDPOINT = "/";

    private static final String PAGE_POLICY = "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:;"
            + " base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private record Asset(String contentType, String body) {
    }

    private final Map<String, Asset> assets;
    private final Mode mode;
    private final boolean reliable;
    private final IntSupplier openConnections;
    private final Supplier<Map<String, RedisHealth>> shared;

    /**
     * @param reliable the endpoint speaks {@code lifeline.reliable.v1}: {@code /healthz} says so, and the page then
     *        uses its reliable client
     * @param shared the health of each thing this node shares with others through Redis, by the name
     *        {@code /healthz} gives it ({@code redis} for chat, {@code sessions} for the session store), in the order
     *        to show them (asked at each {@code /healthz}); empty when it shares nothing
     */
    StaticPages(Mode mode, boolean reliable, IntSupplier openConnections, Supplier<Map<String, RedisHealth>> shared) {
        this.mode = mode;
        this.reliable = reliable;
        this.openConnections = openConnections;
        this.shared = shared;
        Asset page = new Asset("text/html; charset=utf-8", resource("index.html"));
        this.assets = Map.of(
                "/", page,
                "/index.html", page,
                "/demo.css", new Asset("text/css; charset=utf-8", resource("demo.css")),
                "/demo.js", new Asset("text/javascript; charset=utf-8", resource("demo.js")),
                "/reliable.js", new Asset("text/javascript; charset=utf-8", resource("reliable.js")),
                "/indexeddb-store.js", new Asset("text/javascript; charset=utf-8", resource("indexeddb-store.js")),
                "/reconnect.js", new Asset("text/javascript; charset=utf-8", resource("reconnect.js")));
    }

    @Override
    public Optional<HttpResponse> process(HttpRequest request) {
        String path = request.path();
        boolean head = request.method().equals("HEAD");
        if (!head && !request.method().equals("GET")) {
            return Optional.of(HttpResponse.of(405, request.method() + " is not allowed here",
                    Headers.of("Allow", "GET, HEAD")));
        }
        HttpResponse response = respond(path);
        return Optional.of(head ? withoutBody(response) : response);
    }

    private HttpResponse respond(String path) {
        if (path.equals("/healthz")) {
            Map<String, RedisHealth> healths = shared.get();
            boolean ok = healths.values().stream().allMatch(RedisHealth::up);
            StringBuilder health = new StringBuilder("{\"status\":\"" + (ok ? "ok" : "degraded") + "\",\"mode\":\""
                    + mode.label() + "\",\"reliable\":" + reliable + ",\"connections\":" + openConnections.getAsInt());
            healths.forEach((name, h) -> health.append(",\"").append(name).append("\":{\"up\":").append(h.up())
                    .append(",\"detail\":").append(jsonString(h.detail())).append('}'));
            health.append('}');
            return HttpResponse.of(200, health.toString(), Headers.of("Content-Type", "application/json",
                    "Cache-Control", "no-store"));
        }
        Asset asset = assets.get(path);
        if (asset == null) {
            return HttpResponse.of(404, "not found: " + path + "; the demo page is at /");
        }
        Headers.Builder headers = Headers.builder()
                .add("Content-Type", asset.contentType())
                .add("Cache-Control", "no-cache")
                .add("X-Content-Type-Options", "nosniff");
        if (asset.contentType().startsWith("text/html")) {
            headers.add("Content-Security-Policy", PAGE_POLICY);
        }
        return HttpResponse.of(200, asset.body(), headers.build());
    }

    /** A JSON string literal: quotes, backslashes and control characters escaped. */
    static String jsonString(String text) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    private static HttpResponse withoutBody(HttpResponse response) {
        return new HttpResponse(response.status(), response.reason(), response.headers(), new byte[0]);
    }

    private static String resource(String name) {
        try (InputStream in = StaticPages.class.getResourceAsStream("demo/" + name)) {
            if (in == null) {
                throw new IllegalStateException("demo/" + name + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
