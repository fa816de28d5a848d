package dev.lifeline;

import static dev.lifeline.Peers.PATIENCE;
import static dev.lifeline.Peers.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.protocol.State;
import dev.lifeline.testing.RawPeer;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * How a server connection matches Pongs to its Pings when keepalive and the application both ping: a Pong answers
 * its Ping and every earlier one (RFC 6455 §5.5.3), whichever of the two kinds each is. The keepalive Ping in flight
 * is kept apart from the application's Pings, whose map exists only while one is in flight; these tests pin down
 * that the two still answer each other in the order they left. The peer is raw, so the test decides which Ping
 * gets a Pong; keepalive's timeout is long, so only a Pong can let the next keepalive Ping leave.
 */
@Timeout(30)
class PingBookkeepingTest {
    private static final WebSocketOptions PINGING =
            WebSocketOptions.DEFAULT.withKeepalive(Duration.ofSeconds(1), Duration.ofSeconds(25));

    @Test
    void aPongForTheLaterOfTwoPingsAnswersBoth() throws Exception {
        try (Peers peers = Peers.start(b -> b.options(PINGING)); RawPeer peer = RawPeer.connect(peers.server.port())) {
            WebSocket ws = peers.accepted();
            CompletableFuture<Duration> application = ws.ping(); // usually before the first keepalive Ping
            RawPeer.Frame first = peer.readUntil(RawPeer.PING, PATIENCE);
            RawPeer.Frame second = peer.readUntil(RawPeer.PING, PATIENCE);
            assertThat(id(second)).isGreaterThan(id(first));

            peer.send(RawPeer.PONG, second.payload());

            assertThat(await(application)).isPositive();
            assertThat(ws.latency()).isPositive();
            // Both were answered: keepalive sends its next Ping, and a new application Ping gets its own answer.
            RawPeer.Frame next = peer.readUntil(RawPeer.PING, PATIENCE);
            assertThat(id(next)).isGreaterThan(id(second));
            peer.send(RawPeer.PONG, next.payload());
            CompletableFuture<Duration> again = ws.ping();
            RawPeer.Frame last = peer.readUntil(RawPeer.PING, PATIENCE);
            peer.send(RawPeer.PONG, last.payload());
            assertThat(await(again)).isPositive();
            assertThat(ws.state()).isEqualTo(State.OPEN);
        }
    }

    @Test
    void aPongForTheKeepalivePingLeavesALaterApplicationPingWaitingUntilALaterPong() throws Exception {
        try (Peers peers = Peers.start(b -> b.options(PINGING)); RawPeer peer = RawPeer.connect(peers.server.port())) {
            WebSocket ws = peers.accepted();
            RawPeer.Frame keepalive = peer.readUntil(RawPeer.PING, PATIENCE); // before any application Ping
            CompletableFuture<Duration> application = ws.ping();
            RawPeer.Frame ping = peer.readUntil(RawPeer.PING, PATIENCE);
            assertThat(id(ping)).isGreaterThan(id(keepalive));

            peer.send(RawPeer.PONG, keepalive.payload());
            RawPeer.Frame nextKeepalive = peer.readUntil(RawPeer.PING, PATIENCE); // the keepalive Ping was answered

            assertThat(id(nextKeepalive)).isGreaterThan(id(ping));
            assertThat(application).isNotDone(); // its Pong has not been sent yet
            CompletableFuture<Duration> later = ws.ping(); // after the keepalive Ping now in flight
            RawPeer.Frame laterPing = peer.readUntil(RawPeer.PING, PATIENCE);
            assertThat(id(laterPing)).isGreaterThan(id(nextKeepalive));

            peer.send(RawPeer.PONG, laterPing.payload()); // answers all three

            assertThat(await(application)).isPositive();
            assertThat(await(later)).isPositive();
            assertThat(id(peer.readUntil(RawPeer.PING, PATIENCE))).isGreaterThan(id(laterPing)); // keepalive goes on
            assertThat(ws.state()).isEqualTo(State.OPEN);
        }
    }

    @Test
    void anApplicationPingInFlightFailsWhenTheConnectionCloses() throws Exception {
        try (Peers peers = Peers.start(b -> b.options(PINGING)); RawPeer peer = RawPeer.connect(peers.server.port())) {
            WebSocket ws = peers.accepted();
            CompletableFuture<Duration> application = ws.ping();
            peer.readUntil(RawPeer.PING, PATIENCE);

            ws.abort();

            assertThat(application).failsWithin(PATIENCE);
        }
    }

    /** A Ping's payload, as this library sends it: its 8-byte sequence number. */
    private static long id(RawPeer.Frame ping) {
        assertThat(ping.payload()).hasSize(8);
        return ByteBuffer.wrap(ping.payload()).getLong();
    }
}
