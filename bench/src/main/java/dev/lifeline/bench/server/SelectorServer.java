package dev.lifeline.bench.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/** A server on one thread and one selector, for the harness's own reference servers. */
abstract class SelectorServer implements EchoServer {
    private final ServerSocketChannel listener;
    private final Selector selector;
    private volatile boolean closing;
    private final Thread thread;

    /** One connection: does what it can without blocking and says what to wait for next. */
    interface Connection {
        /** Returns the interest set to wait for, or 0 to close the connection. */
        int service(SocketChannel channel) throws IOException;
    }

    SelectorServer(String name) throws IOException {
        listener = ServerSocketChannel.open();
        listener.bind(new InetSocketAddress("127.0.0.1", 0), 1024);
        listener.configureBlocking(false);
        selector = Selector.open();
        listener.register(selector, SelectionKey.OP_ACCEPT);
        thread = Thread.ofPlatform().name(name).daemon().start(this::loop);
    }

    abstract Connection accepted();

    /** Called on the selector's thread once an accepted connection is registered, before it is first serviced. */
    void registered(SelectionKey key) {
    }

    @Override
    public int port() {
        return listener.socket().getLocalPort();
    }

    @Override
    public void close() {
        try {
            closing = true;
            selector.wakeup(); // the loop closes the selector itself: closing it here would race its iteration
            thread.join(2000);
            listener.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void loop() {
        try (selector) {
            while (!closing) {
                selector.select();
                for (SelectionKey key : selector.selectedKeys()) {
                    if (key.isAcceptable()) {
                        accept();
                    } else {
                        serve(key);
                    }
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException | ClosedSelectorException e) {
            // closed
        }
    }

    private void accept() throws IOException {
        SocketChannel ch;
        while ((ch = listener.accept()) != null) {
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            registered(ch.register(selector, SelectionKey.OP_READ, accepted()));
        }
    }

    private static void serve(SelectionKey key) {
        SocketChannel ch = (SocketChannel) key.channel();
        try {
            int ops = ((Connection) key.attachment()).service(ch);
            if (ops == 0) {
                ch.close();
            } else if (ops != key.interestOps()) {
                key.interestOps(ops);
            }
        } catch (IOException | CancelledKeyException e) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // already broken
            }
        }
    }
}
