package dev.lifeline.redis.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A load balancer for tests, on loopback: each new connection goes to the next node in turn (round robin); a node
 * that refuses (dead, restarting) is skipped for the next one; when none accepts, the client's connection is closed.
 * Bytes are copied both ways until either side closes. No stickiness: a client's next connection may reach any node.
 */
public final class RoundRobinProxy implements AutoCloseable {
    private static final int CONNECT_TIMEOUT_MS = 1000;

    private final List<Integer> nodes;
    private final ServerSocket listener;
    private final AtomicInteger next = new AtomicInteger();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();

    /** @param nodes the ports of the nodes, on 127.0.0.1 */
    public RoundRobinProxy(List<Integer> nodes) throws IOException {
        this.nodes = List.copyOf(nodes);
        this.listener = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("round-robin-proxy").start(this::accept);
    }

    public int port() {
        return listener.getLocalPort();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                open.add(client);
                Thread.ofVirtual().start(() -> route(client));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void route(Socket client) {
        for (int tries = 0; tries < nodes.size(); tries++) {
            int port = nodes.get(Math.floorMod(next.getAndIncrement(), nodes.size()));
            Socket node = new Socket();
            try {
                node.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), CONNECT_TIMEOUT_MS);
            } catch (IOException refused) {
                closeQuietly(node);
                continue;
            }
            open.add(node);
            Thread.ofVirtual().start(() -> copy(node, client));
            copy(client, node);
            return;
        }
        closeQuietly(client);
    }

    /** Copies until either side ends, then closes both. */
    private void copy(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                out.write(buffer, 0, n);
            }
        } catch (IOException e) {
            // one side went away
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private void closeQuietly(Socket socket) {
        open.remove(socket);
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        List.copyOf(open).forEach(this::closeQuietly);
    }
}
