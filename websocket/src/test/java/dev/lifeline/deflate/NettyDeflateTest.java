package dev.lifeline.deflate;

import static dev.lifeline.deflate.Scenario.MIB;
import static dev.lifeline.deflate.Scenario.WAIT;

import dev.lifeline.Message;
import dev.lifeline.WebSocketServer;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.codec.http.websocketx.extensions.compression.WebSocketClientCompressionHandler;
import io.netty.handler.codec.http.websocketx.extensions.compression.WebSocketServerCompressionHandler;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * permessage-deflate with Netty 4.2's compression handlers ({@code WebSocketServerCompressionHandler},
 * {@code WebSocketClientCompressionHandler}): our client against Netty's echo server, Netty's client against ours.
 */
@Timeout(60)
class NettyDeflateTest {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

    @AfterEach
    void stop() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void ourClientExchangesCompressedMessagesWithNettysServer() throws Exception {
        Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(64 * 1024),
                                new WebSocketServerCompressionHandler(4 * MIB),
                                new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                                        .websocketPath("/").allowExtensions(true).maxFramePayloadLength(4 * MIB)
                                        .build()),
                                new WebSocketFrameAggregator(4 * MIB), new Echo());
                    }
                }).bind("127.0.0.1", 0).sync().channel();
        try {
            Scenario.ourClientAgainst(Scenario.uri(((InetSocketAddress) server.localAddress()).getPort()));
        } finally {
            server.close().syncUninterruptibly();
        }
    }

    @Test
    void nettysClientExchangesCompressedMessagesWithOurServer() throws Exception {
        try (WebSocketServer server = Scenario.echoServer(Scenario.COMPRESSING)) {
            URI uri = Scenario.uri(server.port());
            Receiver receiver = new Receiver();
            Channel client = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel channel) {
                            channel.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(64 * 1024),
                                    new WebSocketClientCompressionHandler(4 * MIB),
                                    new WebSocketClientProtocolHandler(WebSocketClientProtocolConfig.newBuilder()
                                            .webSocketUri(uri).allowExtensions(true).maxFramePayloadLength(4 * MIB)
                                            .build()),
                                    new WebSocketFrameAggregator(4 * MIB), receiver);
                        }
                    }).connect(uri.getHost(), uri.getPort()).sync().channel();
            receiver.open.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            Scenario.assertCompressionNegotiated(server);
            Scenario.echoThrough(new Scenario.Peer() {
                @Override
                public void send(Message message) throws Exception {
                    WebSocketFrame frame = switch (message) {
                        case Message.Text t -> new TextWebSocketFrame(t.text());
                        case Message.Binary b -> new BinaryWebSocketFrame(Unpooled.wrappedBuffer(b.data()));
                    };
                    client.writeAndFlush(frame).get(WAIT.toSeconds(), TimeUnit.SECONDS);
                }

                @Override
                public Message receive() throws InterruptedException {
                    return receiver.inbox.take();
                }
            });
            client.close().syncUninterruptibly();
        }
    }

    /** Sends each whole message back, to be compressed again by the handler. */
    private static final class Echo extends SimpleChannelInboundHandler<WebSocketFrame> {
        @Override
        protected void channelRead0(ChannelHandlerContext context, WebSocketFrame frame) {
            if (frame instanceof TextWebSocketFrame) {
                context.writeAndFlush(new TextWebSocketFrame(frame.content().retain()));
            } else if (frame instanceof BinaryWebSocketFrame) {
                context.writeAndFlush(new BinaryWebSocketFrame(frame.content().retain()));
            }
        }
    }

    /** Hands the messages it receives to an inbox, once the opening handshake is complete. */
    private static final class Receiver extends SimpleChannelInboundHandler<WebSocketFrame> {
        final Scenario.Inbox inbox = new Scenario.Inbox();
        final CompletableFuture<Void> open = new CompletableFuture<>();

        @Override
        public void userEventTriggered(ChannelHandlerContext context, Object event) {
            if (event == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                open.complete(null);
            }
            context.fireUserEventTriggered(event);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext context, WebSocketFrame frame) {
            if (frame instanceof TextWebSocketFrame text) {
                inbox.text(text.text());
            } else if (frame instanceof BinaryWebSocketFrame) {
                inbox.binary(ByteBufUtil.getBytes(frame.content()));
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
            open.completeExceptionally(cause);
            inbox.failed(cause);
            context.close();
        }
    }
}
