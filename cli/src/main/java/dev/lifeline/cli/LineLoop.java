package dev.lifeline.cli;

import dev.lifeline.Message;
import java.io.BufferedReader;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.ToIntFunction;

/**
 * The three threads of every {@code lifeline connect} session, whatever carries its lines (one connection, a
 * reconnecting client or a reliable session): a virtual thread prints each message as it arrives; a daemon thread
 * reads the input lines (which may block forever on a terminal); the caller of {@link #run} waits for the client to
 * end, which it notices at once, whatever the other two are doing.
 *
 * <p>At a terminal, lines are {@link ClientCommand}s. From a pipe, each line is sent as a text message; at the end of
 * the input the session waits, at most {@code linger}, until as many messages have come back as lines were sent that
 * expect an answer (a {@code {"lifeline":"drop"}} line expects none), then ends normally.
 */
final class LineLoop {
    private static final Duration DRAIN = Duration.ofSeconds(5);

    /** What a session does with its client; called from the loop's threads as each method says. */
    interface Client {
        /** The messages as they arrive, on the printing thread; ends or throws {@link #ended} when it is over. */
        Iterable<Message> messages();

        /** The exception that says the client is over, from {@link #messages} or {@link #send}: nothing to report. */
        Class<? extends RuntimeException> ended();

        /** On the input thread, before the first line: false when lines never can be sent (nothing connected). */
        default boolean ready() throws InterruptedException {
            return true;
        }

        /** Sends a piped line on the input thread; false when it was not sent (and the screen says why). */
        boolean send(String line);

        /** Carries out a command typed at a terminal; false when the input is done with (the client is closing). */
        boolean execute(ClientCommand command);

        /** Ends the client normally: at the end of the input, or when the input thread is interrupted. */
        void close();

        /** Ends the client because its input is gone: the input cannot be read, or Ctrl-C. */
        default void abandon() {
            close();
        }
    }

    private final BufferedReader input;
    private final Screen screen;
    private final Duration linger;
    private final Client client;
    private final CountDownLatch done = new CountDownLatch(1);
    private final Replies replies = new Replies();
    /** Lines sent that expect an answer; written by the input thread only. */
    private long expectedReplies;

    /**
     * @param input the lines to send: commands at a terminal ({@link Screen#terminal()}), messages from a pipe
     * @param linger at the end of piped input, the longest wait for the replies
     */
    LineLoop(BufferedReader input, Screen screen, Duration linger, Client client) {
        this.input = input;
        this.screen = screen;
        this.linger = linger;
        this.client = client;
    }

    /**
     * Starts printing and reading, waits until {@code closed} completes, then lets {@code report} say how the client
     * ended (it returns the exit code).
     */
    <R> int run(CompletableFuture<R> closed, ToIntFunction<R> report) throws InterruptedException {
        Thread reader = Thread.ofVirtual().name("lifeline-connect-reader").start(this::printMessages);
        Thread.ofPlatform().daemon().name("lifeline-connect-input").start(this::readInput);
        try {
            R how = closed.join();
            reader.join(DRAIN);
            screen.endPrompt();
            return report.applyAsInt(how);
        } finally {
            screen.endPrompt();
            done.countDown();
        }
    }

    /** Ctrl-C: {@linkplain Client#abandon abandons} the client and gives {@link #run} time to report. */
    void interrupt() {
        client.abandon();
        try {
            done.await(DRAIN.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void printMessages() {
        try {
            for (Message message : client.messages()) {
                screen.incoming(message);
                replies.arrived();
            }
        } catch (RuntimeException e) {
            quietIfEnded(e); // run() reports how the client ended
        } finally {
            replies.end();
        }
    }

    private void readInput() {
        try {
            if (!client.ready()) {
                return; // nothing connected; run() reports it
            }
            screen.prompt();
            for (String line = input.readLine(); line != null; line = input.readLine()) {
                screen.lineEntered();
                if (!screen.terminal()) {
                    send(line);
                } else if (!client.execute(ClientCommand.parse(line))) {
                    return;
                }
                screen.prompt();
            }
            screen.endPrompt();
            if (!screen.terminal()) {
                replies.await(expectedReplies, linger);
            }
            client.close();
        } catch (IOException e) {
            screen.problem("cannot read the input: " + e.getMessage());
            client.abandon();
        } catch (InterruptedException e) {
            client.close();
        } catch (RuntimeException e) {
            quietIfEnded(e); // the client is over; run() reports how
        }
    }

    private void send(String line) {
        if (client.send(line) && !(ControlMessage.parse(line).orElse(null) instanceof ControlMessage.Drop)) {
            expectedReplies++;
        }
    }

    private void quietIfEnded(RuntimeException e) {
        if (!client.ended().isInstance(e)) {
            throw e;
        }
    }
}
