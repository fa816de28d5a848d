package dev.lifeline.interop;

import static dev.lifeline.interop.Interop.LIMIT;
import static dev.lifeline.interop.Interop.await;

import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Jetty 12's WebSocket client against our server. */
@Tag("classpath") // Jetty cannot reach endpoint classes inside a named module: see websocket/pom.xml
class JettyClientInteropTest implements PeerFramingScenarios {
    @RegisterExtension
    static final OurServer SERVER = new OurServer();
    private static final WebSocketClient CLIENT = new WebSocketClient();

    @BeforeAll
    static void startClient() throws Exception {
        CLIENT.setMaxTextMessageSize(LIMIT);
        CLIENT.setMaxBinaryMessageSize(LIMIT);
        CLIENT.setMaxFrameSize(LIMIT);
        CLIENT.start();
    }

    @AfterAll
    static void stopClient() throws Exception {
        CLIENT.stop();
    }

    @Override
    public Link open() throws Exception {
        return SERVER.open(uri -> {
            JettyPeer theirs = new JettyPeer(peer -> { });
            await(CLIENT.connect(theirs, uri));
            return theirs;
        });
    }
}
