package dev.lifeline.redis.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy on loopback in front of one Redis that can make the subscriptions passing through it die silently: after
 * {@link #muteSubscriptions()}, every connection that has sent a SUBSCRIBE stays open but nothing Redis sends on it
 * arrives any more, as after a failover that the client did not notice. Connections opened afterwards work.
 */
public final class MutingProxy implements AutoCloseable {
    private final int target;
    private final ServerSocket listener;
    private final Set<Link> links = ConcurrentHashMap.newKeySet();

    /** One client connection and its connection to Redis. */
    private static final class Link {
        final Socket client;
        final Socket redis;
        volatile boolean subscriber;
        volatile boolean muted;

        Link(Socket client, Socket redis) {
            this.client = client;
            this.redis = redis;
        }
    }

    public MutingProxy(int redisPort) throws IOException {
        this.target = redisPort;
        this.listener = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("muting-proxy").start(this::accept);
    }

    public String url() {
        return "redis://127.0.0.1:" + listener.getLocalPort() + "/0";
    }

    /** From now on, nothing reaches the connections that have subscribed so far. */
    public void muteSubscriptions() {
        links.stream().filter(l -> l.subscriber).forEach(l -> l.muted = true);
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket redis = new Socket(InetAddress.getLoopbackAddress(), target);
                Link link = new Link(client, redis);
                links.add(link);
                Thread.ofVirtual().start(() -> upstream(link));
                Thread.ofVirtual().start(() -> downstream(link));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void upstream(Link link) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = link.client.getInputStream(); OutputStream out = link.redis.getOutputStream()) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                if (new String(buffer, 0, n, StandardCharsets.US_ASCII).toUpperCase().contains("SUBSCRIBE")) {
                    link.subscriber = true;
                }
                out.write(buffer, 0, n);
            }
        } catch (IOException e) {
            // either side went away
        } finally {
            close(link);
        }
    }

    private void downstream(Link link) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = link.redis.getInputStream(); OutputStream out = link.client.getOutputStream()) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                if (!link.muted) {
                    out.write(buffer, 0, n);
                }
            }
        } catch (IOException e) {
            // either side went away
        } finally {
            close(link);
        }
    }

    private void close(Link link) {
        links.remove(link);
        try {
            link.client.close();
            link.redis.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        Set.copyOf(links).forEach(this::close);
    }
}
