package dev.lifeline.interop;

import static dev.lifeline.interop.Interop.LIMIT;
import static dev.lifeline.interop.Interop.await;

import dev.lifeline.Message;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;

/**
 * One connection to Netty 4.2's WebSocket server codec. Netty handles the handshake, answers Pings and runs the
 * closing handshake itself ({@link WebSocketServerProtocolHandler}); {@link WebSocketFrameAggregator} joins
 * fragments. A recorder ahead of the protocol handler sees each Close frame as it arrives.
 */
final class NettyPeer extends Peer {
    private final Channel channel;

    private NettyPeer(Channel channel) {
        this.channel = channel;
    }

    /** The pipeline of each accepted connection; {@code onOpen} gets the peer once the handshake is done. */
    static ChannelInitializer<SocketChannel> initializer(String path, Consumer<NettyPeer> onOpen) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                NettyPeer peer = new NettyPeer(ch);
                WebSocketServerProtocolConfig config = WebSocketServerProtocolConfig.newBuilder()
                        .websocketPath(path)
                        .dropPongFrames(false)
                        .decoderConfig(WebSocketDecoderConfig.newBuilder().maxFramePayloadLength(LIMIT).build())
                        .build();
                ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(64 * 1024),
                        peer.new CloseRecorder(), new WebSocketServerProtocolHandler(config),
                        new WebSocketFrameAggregator(LIMIT), peer.new Frames(onOpen));
            }
        };
    }

    @Override
    String library() {
        return "Netty";
    }

    @Override
    void sendText(String text) {
        await(channel.writeAndFlush(new TextWebSocketFrame(text)));
    }

    @Override
    void sendBinary(byte[] data) {
        await(channel.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(data))));
    }

    @Override
    void sendTextFragments(List<String> fragments) {
        sendTextFragmentBytes(fragments.stream().map(Interop::utf8).toList());
    }

    /** Sends one text message in fragments cut anywhere, even inside a UTF-8 sequence (RFC 6455 §5.6 allows it). */
    void sendTextFragmentBytes(List<byte[]> fragments) {
        sendFragments(fragments, (fin, data) -> new TextWebSocketFrame(fin, 0, data));
    }

    @Override
    void sendBinaryFragments(List<byte[]> fragments) {
        sendFragments(fragments, (fin, data) -> new BinaryWebSocketFrame(fin, 0, data));
    }

    private void sendFragments(List<byte[]> fragments, FirstFrame first) {
        for (int i = 0; i < fragments.size(); i++) {
            boolean fin = i == fragments.size() - 1;
            ByteBuf data = Unpooled.wrappedBuffer(fragments.get(i));
            await(channel.writeAndFlush(i == 0 ? first.of(fin, data) : new ContinuationWebSocketFrame(fin, 0, data)));
        }
    }

    @Override
    void ping(byte[] payload) {
        await(channel.writeAndFlush(new PingWebSocketFrame(Unpooled.wrappedBuffer(payload))));
    }

    @Override
    void close(int code, String reason) {
        await(channel.writeAndFlush(new CloseWebSocketFrame(code, reason)));
    }

    @Override
    void abort() {
        channel.close();
    }

    @FunctionalInterface
    private interface FirstFrame {
        WebSocketFrame of(boolean fin, ByteBuf data);
    }

    /** Records each Close frame and passes it on to Netty's own closing handshake. */
    private final class CloseRecorder extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof CloseWebSocketFrame close) {
                closeReceived(close.statusCode(), close.reasonText());
            }
            ctx.fireChannelRead(msg);
        }
    }

    /** Whole messages and Pongs, after Netty's aggregator. */
    private final class Frames extends SimpleChannelInboundHandler<WebSocketFrame> {
        private final Consumer<NettyPeer> onOpen;

        Frames(Consumer<NettyPeer> onOpen) {
            this.onOpen = onOpen;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
                onOpen.accept(NettyPeer.this);
            }
            ctx.fireUserEventTriggered(event);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
            switch (frame) {
                case TextWebSocketFrame text -> received(Message.text(text.content().toString(StandardCharsets.UTF_8)));
                case BinaryWebSocketFrame binary -> received(Message.binary(ByteBufUtil.getBytes(binary.content())));
                case PongWebSocketFrame pong -> pongReceived(ByteBufUtil.getBytes(pong.content()));
                default -> failed(new AssertionError("unexpected frame " + frame));
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            connectionClosed();
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            failed(cause);
            ctx.close();
        }
    }
}
