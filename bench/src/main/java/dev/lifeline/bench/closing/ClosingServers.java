package dev.lifeline.bench.closing;

import dev.lifeline.Message;
import dev.lifeline.WebSocket;
import dev.lifeline.WebSocketListener;
import dev.lifeline.WebSocketOptions;
import dev.lifeline.WebSocketServer;
import dev.lifeline.protocol.CloseStatus;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import org.java_websocket.handshake.ClientHandshake;

/**
 * The servers of the close-detection scenario ({@link CloseDetection}): each library's WebSocket server on
 * 127.0.0.1, port 0, with its defaults, telling {@code closed} the peer's address from the callback that the library
 * calls when a connection is over. Lifeline: the listener's {@code onClose}, which runs right after
 * {@code closed()} completes, on the same thread; Netty: the channel's close future (its protocol handler answers
 * a Close frame and closes the channel); Jetty: {@code onWebSocketClose}; Java-WebSocket: {@code onClose}. Each
 * callback is called on the library's own thread; {@code closed} must be thread-safe.
 */
enum ClosingServers {
    LIFELINE("lifeline"),
    NETTY("netty"),
    JETTY("jetty"),
    JAVA_WEBSOCKET("java-websocket");

    /** A running server: its port, and how to stop it. */
    interface Running extends AutoCloseable {
        int port();

        @Override
        void close() throws Exception;
    }

    private final String id;

    ClosingServers(String id) {
        this.id = id;
    }

    String id() {
        return id;
    }

    static ClosingServers of(String id) {
        return Arrays.stream(values()).filter(s -> s.id.equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no close-detecting server named " + id));
    }

    /** Whether the comparison's server of this name takes part in the scenario. */
    static boolean has(String id) {
        return Arrays.stream(values()).anyMatch(s -> s.id.equals(id));
    }

    Running start(Consumer<SocketAddress> closed) throws Exception {
        return switch (this) {
            case LIFELINE -> lifeline(closed);
            case NETTY -> netty(closed);
            case JETTY -> jetty(closed);
            case JAVA_WEBSOCKET -> javaWebSocket(closed);
        };
    }

    private static Running lifeline(Consumer<SocketAddress> closed) throws Exception {
        WebSocketServer server = WebSocketServer.builder(new WebSocketListener() {
            @Override
            public void onMessage(WebSocket ws, Message message) {
                ws.send(message);
            }

            @Override
            public void onClose(WebSocket ws, CloseStatus status) {
                closed.accept(ws.remoteAddress());
            }
        }).options(WebSocketOptions.DEFAULT.withoutKeepalive()).start();
        return new Started(server.port(), () -> server.close(Duration.ofSeconds(2)));
    }

    private static Running netty(Consumer<SocketAddress> closed) throws Exception {
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
        Channel channel = new ServerBootstrap().group(boss, workers).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.closeFuture().addListener(f -> closed.accept(ch.remoteAddress()));
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536),
                                new WebSocketServerProtocolHandler("/"));
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
        return new Started(((InetSocketAddress) channel.localAddress()).getPort(), () -> {
            channel.close().syncUninterruptibly();
            boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        });
    }

    private static Running jetty(Consumer<SocketAddress> closed) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ContextHandler context = new ContextHandler("/");
        context.setHandler(WebSocketUpgradeHandler.from(server, context, container ->
                container.addMapping("/", (request, response, callback) -> new JettyWatch(closed))));
        server.setHandler(context);
        server.start();
        return new Started(connector.getLocalPort(), server::stop);
    }

    private static Running javaWebSocket(Consumer<SocketAddress> closed) throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        org.java_websocket.server.WebSocketServer server = new org.java_websocket.server.WebSocketServer(
                new InetSocketAddress("127.0.0.1", 0)) {
            @Override
            public void onOpen(org.java_websocket.WebSocket conn, ClientHandshake handshake) {
                conn.setAttachment(conn.getRemoteSocketAddress()); // the address may be gone by onClose
            }

            @Override
            public void onClose(org.java_websocket.WebSocket conn, int code, String reason, boolean remote) {
                closed.accept(conn.getAttachment());
            }

            @Override
            public void onMessage(org.java_websocket.WebSocket conn, String message) {
                conn.send(message);
            }

            @Override
            public void onError(org.java_websocket.WebSocket conn, Exception ex) {
            }

            @Override
            public void onStart() {
                started.countDown();
            }
        };
        server.setTcpNoDelay(true);
        server.setConnectionLostTimeout(0);
        server.start();
        if (!started.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("Java-WebSocket did not start within 10 s");
        }
        return new Started(server.getPort(), () -> server.stop(1000));
    }

    /** Jetty's listener, one per connection. */
    public static final class JettyWatch implements Session.Listener.AutoDemanding {
        private final Consumer<SocketAddress> closed;
        private volatile SocketAddress peer;

        JettyWatch(Consumer<SocketAddress> closed) {
            this.closed = closed;
        }

        @Override
        public void onWebSocketOpen(Session session) {
            peer = session.getRemoteSocketAddress();
        }

        @Override
        public void onWebSocketClose(int statusCode, String reason) {
            closed.accept(peer);
        }
    }

    private record Started(int port, Stop stop) implements Running {
        @Override
        public void close() throws Exception {
            stop.run();
        }
    }

    @FunctionalInterface
    private interface Stop {
        void run() throws Exception;
    }

    static List<String> ids() {
        return Arrays.stream(values()).map(ClosingServers::id).toList();
    }
}
