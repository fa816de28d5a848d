package dev.lifeline.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Something the user has to fix before a command can run (a keystore that cannot be read, a port in use): the one
 * line that says what and how, and the exit code. The command line prints it as {@code lifeline serve: LINE}; this
 * class holds that printing, and the printing of usage errors, for every command.
 */
final class Problem extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int exitCode;

    Problem(int exitCode, String line) {
        super(line, null, false, false);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }

    /** Has {@code cli} print usage errors and {@link Problem}s as one line each, with what to do. */
    static CommandLine install(CommandLine cli) {
        return cli.setParameterExceptionHandler(USAGE).setExecutionExceptionHandler(FAILURE);
    }

    /**
     * A usage error: the error, then where the help is, instead of the whole help that would push the error off
     * the screen. An unknown command lists the commands.
     */
    private static final IParameterExceptionHandler USAGE = (ParameterException e, String[] args) -> {
        CommandLine command = e.getCommandLine();
        PrintWriter err = command.getErr();
        String name = command.getCommandSpec().qualifiedName();
        if (e instanceof UnmatchedArgumentException unmatched && !command.getSubcommands().isEmpty()
                && !unmatched.getUnmatched().isEmpty() && !unmatched.getUnmatched().get(0).startsWith("-")) {
            err.println(name + ": unknown command '" + unmatched.getUnmatched().get(0) + "'; the commands are "
                    + String.join(", ", command.getSubcommands().keySet()));
        } else {
            err.println(name + ": " + e.getMessage());
        }
        err.println("see `" + name + " --help`");
        err.flush();
        return ExitCodes.USAGE;
    };

    /** A {@link Problem} is printed as one line; anything else is a bug, and picocli's stack trace says where. */
    private static final IExecutionExceptionHandler FAILURE = (Exception e, CommandLine command,
            ParseResult parsed) -> {
        if (!(e instanceof Problem problem)) {
            throw e;
        }
        PrintWriter err = command.getErr();
        err.println(command.getCommandSpec().qualifiedName() + ": " + problem.getMessage());
        err.flush();
        return problem.exitCode();
    };
}
