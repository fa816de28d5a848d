package dev.lifeline.interop;

import org.junit.jupiter.api.extension.RegisterExtension;

/** The Java-WebSocket client against our server. */
class JavaWebSocketClientInteropTest implements PeerFramingScenarios {
    @RegisterExtension
    static final OurServer SERVER = new OurServer();

    @Override
    public Link open() throws Exception {
        return SERVER.open(JavaWebSocketPeer::connect);
    }
}
