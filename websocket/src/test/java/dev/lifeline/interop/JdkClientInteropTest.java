package dev.lifeline.interop;

import java.net.http.HttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The JDK's {@code java.net.http.WebSocket} client against our server. */
class JdkClientInteropTest implements PeerFramingScenarios {
    @RegisterExtension
    static final OurServer SERVER = new OurServer();
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    @AfterAll
    static void stopClient() {
        CLIENT.shutdownNow();
    }

    @Override
    public Link open() throws Exception {
        return SERVER.open(uri -> JdkPeer.connect(CLIENT, uri));
    }
}
