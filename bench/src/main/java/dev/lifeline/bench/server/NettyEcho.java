package dev.lifeline.bench.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.compression.ZlibCodecFactory;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtensionHandler;
import io.netty.handler.codec.http.websocketx.extensions.compression.PerMessageDeflateServerExtensionHandshaker;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * Netty's echo as its examples write it, on the NIO transport (the native epoll jar of this Netty version is not
 * available to us): default event loop threads, whole messages aggregated, echoes written as they are read and
 * flushed once per read batch. Compressing, its permessage-deflate handler accepts no context takeover.
 */
final class NettyEcho implements EchoServer {
    private static final int PING_SECONDS = 20;
    private final EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final EventLoopGroup workers = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
    private final Channel channel;

    NettyEcho(boolean deflate) throws InterruptedException {
        this(deflate, new Echo(), false);
    }

    /**
     * With keepalive as Netty's users write it (Netty's WebSocket handler sends no Pings of its own): an
     * {@link IdleStateHandler} that sends a Ping after {@value #PING_SECONDS} s without writing and closes the
     * connection after twice that without reading (a Pong counts).
     */
    static NettyEcho keepingAlive() throws InterruptedException {
        return new NettyEcho(false, new Echo(), true);
    }

    /**
     * Its broadcast as Netty's documentation writes one: a {@link ChannelGroup} of the upgraded channels and
     * {@code writeAndFlush} of each message to the group (a duplicate of the frame's buffer per channel, each
     * channel's outbound queue unbounded).
     */
    static NettyEcho broadcasting() throws InterruptedException {
        return new NettyEcho(false, new Broadcast(), false);
    }

    private NettyEcho(boolean deflate, ChannelHandler echo, boolean keepalive) throws InterruptedException {
        channel = new ServerBootstrap().group(boss, workers).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536));
                        if (deflate) {
                            ch.pipeline().addLast(compression());
                        }
                        ch.pipeline().addLast(new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig
                                        .newBuilder().websocketPath("/").maxFramePayloadLength(MAX_MESSAGE)
                                        .allowExtensions(deflate).build()),
                                new WebSocketFrameAggregator(MAX_MESSAGE), echo);
                        if (keepalive) {
                            ch.pipeline().addFirst(new IdleStateHandler(2 * PING_SECONDS, PING_SECONDS, 0,
                                    TimeUnit.SECONDS));
                            ch.pipeline().addLast(new Keepalive());
                        }
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
    }

    /**
     * {@code WebSocketServerCompressionHandler} with its handshaker allowed to accept
     * {@code server_no_context_takeover}: the handler's defaults decline every offer that carries it.
     */
    private static WebSocketServerExtensionHandler compression() {
        return new WebSocketServerExtensionHandler(new PerMessageDeflateServerExtensionHandshaker(6,
                ZlibCodecFactory.isSupportingWindowSizeAndMemLevel(),
                PerMessageDeflateServerExtensionHandshaker.MAX_WINDOW_SIZE, true, true));
    }

    @Override
    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        boss.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Sharable
    private static final class Broadcast extends ChannelInboundHandlerAdapter {
        private final ChannelGroup upgraded = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
                upgraded.add(ctx.channel());
            }
            super.userEventTriggered(ctx, event);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof TextWebSocketFrame || msg instanceof BinaryWebSocketFrame) {
                upgraded.writeAndFlush(msg); // releases msg once every channel has its duplicate
            } else {
                ReferenceCountUtil.release(msg);
            }
        }
    }

    /** Pings after {@link IdleStateHandler}'s writer idle event, closes after its reader idle event. */
    @Sharable
    private static final class Keepalive extends ChannelInboundHandlerAdapter {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event instanceof IdleStateEvent idle) {
                if (idle.state() == IdleState.WRITER_IDLE) {
                    ctx.writeAndFlush(new PingWebSocketFrame());
                } else if (idle.state() == IdleState.READER_IDLE) {
                    ctx.close();
                }
            }
            super.userEventTriggered(ctx, event);
        }
    }

    @Sharable
    private static final class Echo extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof TextWebSocketFrame || msg instanceof BinaryWebSocketFrame) {
                ctx.write(msg);
            } else {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }
    }
}
