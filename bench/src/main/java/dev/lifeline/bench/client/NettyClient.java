package dev.lifeline.bench.client;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.util.ReferenceCountUtil;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * Netty's WebSocket client on the NIO transport, as its examples write it: messages aggregated, sends from the
 * event loop written at once and flushed once per read batch.
 */
final class NettyClient implements ClientLibrary {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());

    @Override
    public Link connect(URI uri, Receiver receiver) throws Exception {
        CompletableFuture<Channel> ready = new CompletableFuture<>();
        WebSocketClientProtocolConfig config = WebSocketClientProtocolConfig.newBuilder().webSocketUri(uri)
                .maxFramePayloadLength(MAX_MESSAGE).build();
        new Bootstrap().group(group).channel(NioSocketChannel.class).option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(8192),
                                new WebSocketClientProtocolHandler(config), new WebSocketFrameAggregator(MAX_MESSAGE),
                                new Handler(receiver, ready));
                    }
                })
                .connect(uri.getHost(), uri.getPort()).sync();
        Channel channel = ready.get(10, TimeUnit.SECONDS);
        Queue<WebSocketFrame> outbox = new ConcurrentLinkedQueue<>();
        return new Link() {
            @Override
            public void sendText(String text) {
                send(new TextWebSocketFrame(text));
            }

            @Override
            public void sendBinary(ByteBuffer data) {
                send(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(data)));
            }

            /**
             * Writes in the order of the calls: a write from the event loop would overtake one that another thread
             * handed to the event loop as a task, so every frame goes through one queue.
             */
            private void send(WebSocketFrame frame) {
                outbox.add(frame);
                if (channel.eventLoop().inEventLoop()) {
                    drain(); // flushed at the end of the read batch
                } else {
                    channel.eventLoop().execute(() -> {
                        drain();
                        channel.flush();
                    });
                }
            }

            private void drain() {
                WebSocketFrame f;
                while ((f = outbox.poll()) != null) {
                    channel.write(f);
                }
            }

            @Override
            public void abort() {
                channel.close();
            }
        };
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static final class Handler extends ChannelInboundHandlerAdapter {
        private final Receiver receiver;
        private final CompletableFuture<Channel> ready;

        Handler(Receiver receiver, CompletableFuture<Channel> ready) {
            this.receiver = receiver;
            this.ready = ready;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                ready.complete(ctx.channel());
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof TextWebSocketFrame t) {
                    receiver.text(t.text());
                } else if (msg instanceof BinaryWebSocketFrame b) {
                    receiver.binary(b.content().nioBuffer(), true);
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ready.completeExceptionally(cause);
            receiver.failed(cause);
        }
    }
}
