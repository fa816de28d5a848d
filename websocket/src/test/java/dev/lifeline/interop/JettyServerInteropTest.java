package dev.lifeline.interop;

import static dev.lifeline.interop.Interop.LIMIT;

import java.net.URI;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;

/** Our client against a Jetty 12 WebSocket server. */
@Tag("classpath") // Jetty cannot reach endpoint classes inside a named module: see websocket/pom.xml
class JettyServerInteropTest implements PeerFramingScenarios {
    private static final Handoff<JettyPeer> ACCEPTED = new Handoff<>("Jetty", Peer::abort);
    private static Server jetty;
    private static URI uri;

    @BeforeAll
    static void startJetty() throws Exception {
        jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty, 1, 1);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        jetty.addConnector(connector);
        jetty.setHandler(WebSocketUpgradeHandler.from(jetty, container -> {
            container.setMaxTextMessageSize(LIMIT);
            container.setMaxBinaryMessageSize(LIMIT);
            container.setMaxFrameSize(LIMIT);
            container.addMapping("/interop", (request, response, callback) -> new JettyPeer(ACCEPTED::add));
        }));
        jetty.start();
        uri = URI.create("ws://127.0.0.1:" + connector.getLocalPort() + "/interop");
    }

    @AfterAll
    static void stopJetty() throws Exception {
        jetty.stop();
    }

    @Override
    public Link open() throws Exception {
        return Link.ourClient(uri, ACCEPTED);
    }
}
