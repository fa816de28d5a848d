package dev.lifeline.bench.server;

import java.util.Arrays;
import java.util.List;

/** The echo servers the harness can start, by the names used on the command line and in reports. */
public enum Servers {
    LIFELINE("lifeline"),
    /** Lifeline's echo with its metrics bound to a Prometheus registry: the cost of measuring, against LIFELINE. */
    LIFELINE_METRICS("lifeline-metrics"),
    /** {@code lifeline serve}, the command line's echo server, against LIFELINE: the cost of what it adds. */
    LIFELINE_SERVE("lifeline-serve"),
    NETTY("netty"),
    JETTY("jetty"),
    JAVA_WEBSOCKET("java-websocket"),
    /** Raw TCP echo of the same bytes: the physical reference. */
    RAW_TCP("raw-tcp"),
    /** A minimal WebSocket echo on one selector: the fixed fast server for the client comparison. */
    FIXED("fixed-ws"),
    /**
     * Node's ws, run by Node from {@code bench/node/echo.mjs} in all its modes, not in a JVM: {@link #start} and the
     * other starters refuse it ({@link #node()}).
     */
    NODE_WS("node-ws");

    private final String id;

    Servers(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public boolean raw() {
        return this == RAW_TCP;
    }

    /** Whether this server runs in Node, not in a JVM ({@code bench/node/echo.mjs}). */
    public boolean node() {
        return this == NODE_WS;
    }

    /** Starts this server on 127.0.0.1, port 0, without compression. */
    public EchoServer start() throws Exception {
        return start(false);
    }

    /**
     * Starts this server on 127.0.0.1, port 0; with {@code deflate}, it accepts permessage-deflate without context
     * takeover (RFC 7692) when a client offers it. Jetty always does; the raw TCP echo and the fixed server have
     * nothing to negotiate.
     */
    public EchoServer start(boolean deflate) throws Exception {
        return switch (this) {
            case LIFELINE -> new LifelineEcho(deflate, false);
            case LIFELINE_METRICS -> new LifelineEcho(deflate, true);
            case LIFELINE_SERVE -> new LifelineServe(deflate);
            case NETTY -> new NettyEcho(deflate);
            case JETTY -> new JettyEcho();
            case JAVA_WEBSOCKET -> new JavaWebSocketEcho(deflate);
            case RAW_TCP -> new RawTcpEcho();
            case FIXED -> new FixedWebSocketEcho();
            case NODE_WS -> throw inNode();
        };
    }

    /** Whether this server has a broadcast mode ({@link #startBroadcasting}). */
    public boolean broadcasts() {
        return switch (this) {
            case LIFELINE, NETTY, JETTY, JAVA_WEBSOCKET, NODE_WS, RAW_TCP -> true;
            case LIFELINE_METRICS, LIFELINE_SERVE, FIXED -> false;
        };
    }

    /**
     * Starts this server on 127.0.0.1, port 0, in its broadcast mode: each message received is sent to every open
     * connection (the sender's included), the way the project's documentation or examples write a broadcast; the raw
     * TCP reference, the least a server can do ({@link RawTcpBroadcast}).
     *
     * @throws UnsupportedOperationException if it has none ({@link #broadcasts()})
     */
    public EchoServer startBroadcasting() throws Exception {
        return switch (this) {
            case LIFELINE -> LifelineEcho.broadcasting();
            case NETTY -> NettyEcho.broadcasting();
            case JETTY -> JettyEcho.broadcasting();
            case JAVA_WEBSOCKET -> JavaWebSocketEcho.broadcasting();
            case RAW_TCP -> new RawTcpBroadcast();
            case LIFELINE_METRICS, LIFELINE_SERVE, FIXED -> throw new UnsupportedOperationException(id + " has no broadcast"
                    + " mode");
            case NODE_WS -> throw inNode();
        };
    }

    /** Whether this server has a mode with keepalive on ({@link #startKeepingAlive}). */
    public boolean keepsAlive() {
        return switch (this) {
            case LIFELINE, NETTY, JAVA_WEBSOCKET, NODE_WS -> true;
            case LIFELINE_METRICS, LIFELINE_SERVE, JETTY, RAW_TCP, FIXED -> false;
        };
    }

    /**
     * Starts this server's echo on 127.0.0.1, port 0, with keepalive on as its project ships it (Lifeline: a Ping
     * every 20 s; Java-WebSocket: every 60 s) or as its users write it (Netty, which has none of its own: an idle
     * handler, every 20 s).
     *
     * @throws UnsupportedOperationException if it has no such mode ({@link #keepsAlive()})
     */
    public EchoServer startKeepingAlive() throws Exception {
        return switch (this) {
            case LIFELINE -> LifelineEcho.keepingAlive();
            case NETTY -> NettyEcho.keepingAlive();
            case JAVA_WEBSOCKET -> JavaWebSocketEcho.keepingAlive();
            case LIFELINE_METRICS, LIFELINE_SERVE, JETTY, RAW_TCP, FIXED -> throw new UnsupportedOperationException(id
                    + " has no keepalive mode");
            case NODE_WS -> throw inNode();
        };
    }

    private UnsupportedOperationException inNode() {
        return new UnsupportedOperationException(id + " runs in Node (bench/node/echo.mjs), not in this JVM");
    }

    public static Servers of(String id) {
        return Arrays.stream(values()).filter(s -> s.id.equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no server named " + id + "; one of " + ids()));
    }

    public static List<String> ids() {
        return Arrays.stream(values()).map(Servers::id).toList();
    }
}
