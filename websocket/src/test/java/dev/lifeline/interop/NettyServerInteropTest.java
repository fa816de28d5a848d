package dev.lifeline.interop;

import static dev.lifeline.interop.Interop.WAIT;
import static dev.lifeline.interop.Interop.await;
import static dev.lifeline.interop.InteropScenarios.next;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.Message;
import dev.lifeline.protocol.CloseCode;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Our client against Netty 4.2's WebSocket server codec. */
class NettyServerInteropTest implements PeerFramingScenarios {
    private static final Handoff<NettyPeer> ACCEPTED = new Handoff<>("Netty", Peer::abort);
    private static EventLoopGroup group;
    private static Channel listener;
    private static URI uri;

    @BeforeAll
    static void startNetty() {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        ChannelFuture bound = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(NettyPeer.initializer("/interop", ACCEPTED::add))
                .bind(new InetSocketAddress("127.0.0.1", 0));
        await(bound);
        listener = bound.channel();
        uri = URI.create("ws://127.0.0.1:" + ((InetSocketAddress) listener.localAddress()).getPort() + "/interop");
    }

    @AfterAll
    static void stopNetty() {
        await(listener.close());
        await(group.shutdownGracefully(0, 1, TimeUnit.SECONDS));
    }

    /** §5.6: a UTF-8 sequence may be split between fragments; Netty's API can cut a message anywhere. */
    @Test
    void utf8SequenceSplitBetweenNettyFragmentsArrivesWhole() throws Exception {
        byte[] utf8 = Interop.utf8("€😀");
        try (Link link = open()) {
            NettyPeer netty = (NettyPeer) link.theirs();
            netty.sendTextFragmentBytes(List.of(Arrays.copyOfRange(utf8, 0, 1), Arrays.copyOfRange(utf8, 1, 5),
                    Arrays.copyOfRange(utf8, 5, utf8.length)));
            assertThat(next(link.ours())).isEqualTo(Message.text("€😀"));
        }
    }

    /** §8.1: text that is not UTF-8 fails the connection with 1007, and Netty receives that code. */
    @Test
    void invalidUtf8FromNettyIsRefusedWith1007() throws Exception {
        try (Link link = open()) {
            ((NettyPeer) link.theirs()).sendTextFragmentBytes(List.of(new byte[] {(byte) 0xC3, 0x28}));

            assertThat(link.theirs().closeReceived().code()).isEqualTo(CloseCode.INVALID_PAYLOAD);
            assertThat(link.ours().closed()).succeedsWithin(WAIT);
            assertThat(link.ours().closedException().orElseThrow().sent())
                    .hasValueSatisfying(sent -> assertThat(sent.code()).isEqualTo(CloseCode.INVALID_PAYLOAD));
        }
    }

    @Override
    public Link open() throws Exception {
        return Link.ourClient(uri, ACCEPTED);
    }
}
