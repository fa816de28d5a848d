package dev.lifeline.cli;

import dev.lifeline.Message;
import java.io.PrintStream;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Where {@code lifeline connect} prints. At a terminal: everything on standard output, above the {@code > } prompt
 * line, so that what arrives shows at once without disturbing what the user is typing: incoming messages as
 * {@code < text}, state changes as {@code = ...}, problems as {@code ! ...}. In a pipe: each message received on a line
 * of standard output and nothing else, state changes and problems on standard error.
 *
 * <p>Thread-safe: the input thread, the message reader and completion callbacks print concurrently.
 */
final class Screen {
    static final String PROMPT = "> ";
    private static final String ESC = "\u001b";
    private static final String YELLOW = ESC + "[33m";
    private static final String RED = ESC + "[31m";
    private static final String RESET = ESC + "[0m";
    /**
     * Inserts a line above the cursor's line and returns to where the cursor was: save the cursor, go down a line
     * (scrolling if at the bottom), come back up, insert a blank line there (pushing the prompt line down), write the
     * text into it, restore the cursor and follow the prompt line down. The typed text is never redrawn, so this
     * works with the terminal's own line editing.
     */
    private static final String ABOVE_START = ESC + "7\n" + ESC + "[A" + ESC + "[L\r";
    private static final String ABOVE_END = ESC + "8" + ESC + "[B";

    private final PrintStream out;
    private final PrintStream err;
    private final boolean terminal;
    private final boolean colours;
    private final ReentrantLock lock = new ReentrantLock();
    private boolean promptShown;

    /**
     * @param terminal a person at a terminal; else a pipe
     * @param colours colour state lines and problems (only at a terminal)
     */
    Screen(PrintStream out, PrintStream err, boolean terminal, boolean colours) {
        this.out = out;
        this.err = err;
        this.terminal = terminal;
        this.colours = terminal && colours;
    }

    boolean terminal() {
        return terminal;
    }

    /** Shows the prompt (at a terminal). */
    void prompt() {
        if (terminal) {
            withLock(() -> {
                out.print(PROMPT);
                out.flush();
                promptShown = true;
            });
        }
    }

    /** The user ended a line: the terminal moved the cursor to a fresh line, without a prompt. */
    void lineEntered() {
        withLock(() -> promptShown = false);
    }

    /** Removes the prompt for good: input ended or the session is over. */
    void endPrompt() {
        if (terminal) {
            withLock(() -> {
                if (promptShown) {
                    out.print("\r" + ESC + "[K");
                    out.flush();
                    promptShown = false;
                }
            });
        }
    }

    void incoming(Message message) {
        if (terminal) {
            above("< " + Text.message(message));
        } else {
            withLock(() -> out.println(Text.message(message)));
        }
    }

    /** A state change or an answer to a command. */
    void status(String line) {
        show("= " + line, YELLOW);
    }

    void problem(String line) {
        show("! " + line, RED);
    }

    private void show(String line, String colour) {
        if (terminal) {
            above(colours ? colour + line + RESET : line);
        } else {
            withLock(() -> err.println(line));
        }
    }

    private void above(String line) {
        withLock(() -> {
            if (promptShown) {
                out.print(ABOVE_START + line + ABOVE_END);
            } else {
                out.println(line);
            }
            out.flush();
        });
    }

    private void withLock(Runnable action) {
        lock.lock();
        try {
            action.run();
        } finally {
            lock.unlock();
        }
    }
}
