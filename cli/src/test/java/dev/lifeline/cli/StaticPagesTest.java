package dev.lifeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.protocol.handshake.Headers;
import dev.lifeline.protocol.handshake.HttpRequest;
import dev.lifeline.protocol.handshake.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The plain HTTP side of {@code lifeline serve}: the demo page, its assets, the health check, and what is refused. */
class StaticPagesTest {
    private final StaticPages pages = new StaticPages(Mode.CHAT, false, () -> 2, Map::of);

    private HttpResponse get(String target) {
        return pages.process(new HttpRequest("GET", target, Headers.of("Host", "127.0.0.1"))).orElseThrow();
    }

    @Test
    void theDemoPageIsServedAtTheRootWithAPolicyAllowingNoOtherOrigin() {
        HttpResponse page = get("/");

        assertThat(page.status()).isEqualTo(200);
        assertThat(page.headers().first("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(page.headers().first("Content-Security-Policy")).get().asString().contains("default-src 'self'");
        assertThat(page.bodyText()).contains("<title>Lifeline demo</title>", "demo.js", "demo.css");
        assertThat(get("/index.html?x=1").bodyText()).isEqualTo(page.bodyText());
    }

    @Test
    void theAssetsHaveTheirContentTypes() {
        assertThat(get("/demo.css").headers().first("Content-Type")).hasValue("text/css; charset=utf-8");
        assertThat(get("/demo.js").headers().first("Content-Type")).hasValue("text/javascript; charset=utf-8");
        assertThat(get("/demo.js").bodyText()).contains("new WebSocket(");
        assertThat(get("/reconnect.js").headers().first("Content-Type")).hasValue("text/javascript; charset=utf-8");
        assertThat(get("/reconnect.js").bodyText()).contains("export function decide(");
    }

    @Test
    void thePageRefersToNoOtherHost() {
        for (String asset : new String[] {"/", "/demo.css", "/demo.js"}) {
            assertThat(get(asset).bodyText()).as(asset).doesNotContain("http://", "https://", "//cdn");
        }
    }

    @Test
    void healthzReportsTheModeAndTheOpenConnections() {
        HttpResponse health = get("/healthz");

        assertThat(health.status()).isEqualTo(200);
        assertThat(health.headers().first("Content-Type")).hasValue("application/json");
        assertThat(health.bodyText())
                .isEqualTo("{\"status\":\"ok\",\"mode\":\"chat\",\"reliable\":false,\"connections\":2}");
    }

    @Test
    void anUnknownPathIs404() {
        assertThat(get("/nothing-here").status()).isEqualTo(404);
    }

    @Test
    void anAbsoluteFormTargetIsServedByItsPath() {
        assertThat(get("http://127.0.0.1:8765/demo.css").status()).isEqualTo(200);
    }

    @Test
    void headGetsTheHeadersWithoutTheBody() {
        HttpResponse head = pages.process(new HttpRequest("HEAD", "/", Headers.of("Host", "h"))).orElseThrow();

        assertThat(head.status()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(head.headers().first("Content-Length")).hasValue(Integer.toString(get("/").body().length));
    }

    @Test
    void otherMethodsAre405WithAllow() {
        HttpResponse post = pages.process(new HttpRequest("POST", "/", Headers.of("Host", "h"))).orElseThrow();

        assertThat(post.status()).isEqualTo(405);
        assertThat(post.headers().first("Allow")).hasValue("GET, HEAD");
    }

    @Test
    void aPlainRequestOfferingAnotherProtocolIsServed() {
        HttpRequest h2c = new HttpRequest("GET", "/healthz", Headers.of("Host", "h", "Connection",
                "Upgrade, HTTP2-Settings", "Upgrade", "h2c", "HTTP2-Settings", "AAMAAABkAAQCAAAAAAIAAAAA"));

        assertThat(pages.process(h2c).orElseThrow().status()).isEqualTo(200);
    }
}
