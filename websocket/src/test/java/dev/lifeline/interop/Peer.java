package dev.lifeline.interop;

import static dev.lifeline.interop.Interop.WAIT;

import dev.lifeline.Message;
import dev.lifeline.protocol.CloseStatus;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The other library's end of one connection: the test drives it with the library's own API, and it records what
 * the library reports (whole messages, pongs, the Close frame received, errors). Subclasses adapt one library
 * each; the recording side is shared. Thread-safe: libraries report from their own threads.
 */
abstract class Peer {
    private final BlockingQueue<Message> messages = new LinkedBlockingQueue<>();
    private final BlockingQueue<byte[]> pongs = new LinkedBlockingQueue<>();
    private final CompletableFuture<CloseStatus> closeReceived = new CompletableFuture<>();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private final BlockingQueue<Throwable> errors = new LinkedBlockingQueue<>();

    /** The library's name, for messages. */
    abstract String library();

    abstract void sendText(String text);

    abstract void sendBinary(byte[] data);

    final void send(Message message) {
        switch (message) {
            case Message.Text text -> sendText(text.text());
            case Message.Binary binary -> sendBinary(binary.data());
        }
    }

    /** Sends one text message in these fragments (RFC 6455 §5.4), with the library's fragment API. */
    abstract void sendTextFragments(List<String> fragments);

    /** Sends one binary message in these fragments. */
    abstract void sendBinaryFragments(List<byte[]> fragments);

    abstract void ping(byte[] payload);

    /** Starts the closing handshake with this code and reason. */
    abstract void close(int code, String reason);

    /** Drops the connection without a closing handshake (cleanup after a scenario). */
    abstract void abort();

    /** Whether the library always answers our Close frame before it closes TCP (RFC 6455 §5.5.1 says it must). */
    boolean answersEveryClose() {
        return true;
    }

    // ---------------------------------------------------------------- what the library reported

    /** The next whole message the library delivered, waiting at most {@link Interop#WAIT}. */
    final Message nextMessage() {
        return poll(messages, "a message");
    }

    /** The payload of the next Pong the library reported. */
    final byte[] nextPong() {
        return poll(pongs, "a pong");
    }

    /** The Close frame the library reports having received (code and reason), waiting for it. */
    final CloseStatus closeReceived() {
        return Interop.await(closeReceived);
    }

    /** Waits until the library reports the connection closed. */
    final void awaitClosed() {
        Interop.await(closed);
    }

    /** Errors the library reported so far. */
    final List<Throwable> errors() {
        return List.copyOf(errors);
    }

    final void received(Message message) {
        messages.add(message);
    }

    final void pongReceived(byte[] payload) {
        pongs.add(payload);
    }

    final void closeReceived(int code, String reason) {
        closeReceived.complete(CloseStatus.of(code, reason == null ? "" : reason));
    }

    final void connectionClosed() {
        closed.complete(null);
    }

    final void failed(Throwable error) {
        errors.add(error);
    }

    private <T> T poll(BlockingQueue<T> queue, String what) {
        try {
            T item = queue.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (item == null) {
                throw new AssertionError(library() + " reported no " + what + " within " + WAIT
                        + (errors.isEmpty() ? "" : "; errors: " + errors));
            }
            return item;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    @Override
    public String toString() {
        return library();
    }
}
