package dev.lifeline.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The {@code lifeline} command. */
@Command(name = "lifeline", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "A WebSocket server and client whose connection state is always true.",
        subcommands = {ServeCommand.class, ConnectCommand.class, HelpCommand.class},
        footerHeading = "%nExamples:%n",
        footer = {
            "  lifeline serve                          # echo server, demo page at http://127.0.0.1:8765/",
            "  lifeline connect ws://127.0.0.1:8765/   # type lines, see the replies",
            "  echo hi | lifeline connect ws://127.0.0.1:8765/",
            "",
            "See docs/cli.md for every option and exit code."})
public final class Main implements Runnable {
    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        Logs.configure();
        System.exit(commandLine().execute(args));
    }

    /** The command line, ready to {@code execute}. */
    static CommandLine commandLine() {
        return Problem.install(new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true));
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing command: serve or connect");
    }

    /** {@code --version}: the project version, the Java runtime and the OS. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {
                "lifeline " + projectVersion(),
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + "), "
                        + System.getProperty("os.name") + " " + System.getProperty("os.arch")};
        }

        static String projectVersion() {
            try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
                Properties properties = new Properties();
                if (in != null) {
                    properties.load(in);
                }
                return properties.getProperty("version", "unknown");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
