package dev.lifeline.bench.server;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * Jetty 12's echo with its own WebSocket API: an auto-demanding listener that sends each message back
 * asynchronously (a binary message's buffer is released when its echo is written). Idle timeout raised so that
 * idle connections stay open.
 */
final class JettyEcho implements EchoServer {
    private final Server server = new Server();
    private final ServerConnector connector = new ServerConnector(server);
    private final Set<Session> sessions = ConcurrentHashMap.newKeySet();

    JettyEcho() throws Exception {
        this(false);
    }

    /** Its broadcast as Jetty's users write one: a loop over the open sessions, each sent the text asynchronously. */
    static JettyEcho broadcasting() throws Exception {
        return new JettyEcho(true);
    }

    private JettyEcho(boolean broadcast) throws Exception {
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        connector.setAcceptQueueSize(1024);
        connector.setIdleTimeout(Duration.ofMinutes(10).toMillis());
        server.addConnector(connector);
        ContextHandler context = new ContextHandler("/");
        context.setHandler(WebSocketUpgradeHandler.from(server, context, container -> {
            container.setMaxTextMessageSize(MAX_MESSAGE);
            container.setMaxBinaryMessageSize(MAX_MESSAGE);
            container.setIdleTimeout(Duration.ofMinutes(10));
            container.addMapping("/", (request, response, callback) -> broadcast ? new Broadcast(sessions)
                    : new Echo());
        }));
        server.setHandler(context);
        server.start();
    }

    @Override
    public int port() {
        return connector.getLocalPort();
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("stopping Jetty", e);
        }
    }

    /** One per connection, in broadcast mode. */
    public static final class Broadcast implements Session.Listener.AutoDemanding {
        private final Set<Session> sessions;
        private Session session;

        Broadcast(Set<Session> sessions) {
            this.sessions = sessions;
        }

        @Override
        public void onWebSocketOpen(Session s) {
            this.session = s;
            sessions.add(s);
        }

        @Override
        public void onWebSocketClose(int statusCode, String reason) {
            sessions.remove(session);
        }

        @Override
        public void onWebSocketText(String text) {
            for (Session s : sessions) {
                s.sendText(text, Callback.NOOP);
            }
        }
    }

    /** One per connection. */
    public static final class Echo implements Session.Listener.AutoDemanding {
        private Session session;

        @Override
        public void onWebSocketOpen(Session s) {
            this.session = s;
        }

        @Override
        public void onWebSocketText(String text) {
            session.sendText(text, Callback.NOOP);
        }

        @Override
        public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
            session.sendBinary(payload, callback);
        }
    }
}
