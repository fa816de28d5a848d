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

    private final PrintStream out;
    private final PrintStream err;
    private final boolean terminal;
    private final boolean colours;
    private final int columns;
    private final ReentrantLock lock = new ReentrantLock();
    private boolean promptShown;

    /**
     * @param terminal a person at a terminal; else a pipe
     * @param colours colour state lines and problems (only at a terminal)
     * @param columns the terminal's width, to know how many rows a long line takes
     */
    Screen(PrintStream out, PrintStream err, boolean terminal, boolean colours, int columns) {
        this.out = out;
        this.err = err;
        this.terminal = terminal;
        this.colours = terminal && colours;
        this.columns = Math.max(1, columns);
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
    /** The line that says how a command ended: a status when it exits 0, else a problem. */
    void ended(int exit, String line) {
        if (exit == ExitCodes.OK) {
            status(line);
        } else {
            problem(line);
        }
    }

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
                out.print(insertAbove(line, rows(line)));
            } else {
                out.println(line);
            }
            out.flush();
        });
    }

    /**
     * Writes {@code text} on {@code rows} new lines above the cursor's line and puts the cursor back where it was:
     * save the cursor; go down that many lines (scrolling if at the bottom); come back up to the prompt line; insert
     * blank lines there, which pushes the prompt line down; write the text into them; restore the cursor and follow
     * the prompt line down. What the user has typed is never redrawn, so the terminal's own line editing goes on.
     */
    static String insertAbove(String text, int rows) {
        return ESC + "7" + "\n".repeat(rows) + ESC + "[" + rows + "A" + ESC + "[" + rows + "L\r" + text + ESC + "8"
                + ESC + "[" + rows + "B";
    }

    /** How many terminal rows the line takes (one column per code point, colour codes excluded). */
    private int rows(String line) {
        String visible = line.replaceAll(ESC + "\\[[0-9;]*m", "");
        int width = visible.codePointCount(0, visible.length());
        return Math.max(1, (width + columns - 1) / columns);
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
