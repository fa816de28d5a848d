package dev.lifeline;

import static dev.lifeline.Peers.PATIENCE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.testing.Await;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The documentation's examples are code: every {@code java} block of the connection docs compiles against the
 * real API (a whole class as it is; a fragment inside a method that has a {@code WebSocket ws} at hand), and the
 * getting-started server and client run and talk to each other.
 */
@Timeout(60)
class DocsTest {
    /** Surefire runs in the module's directory; the docs are the project's. */
    private static final Path DOCS = Path.of("..", "docs");
    private static final List<String> PAGES = List.of("getting-started.md", "topics/state-and-closing.md",
            "topics/keepalive.md", "topics/limits-and-backpressure.md", "howto/tls.md", "reconnecting.md");
    private static final Pattern JAVA_BLOCK = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL);
    private static final Pattern PUBLIC_CLASS = Pattern.compile("public class (\\w+)");
    private static final Pattern IMPORT = Pattern.compile("(?m)^import [\\w.]+;");
    private static final String IMPORTS = "import dev.lifeline.*; import dev.lifeline.protocol.*; import java.io.*; "
            + "import java.net.*; import java.nio.file.*; import java.security.*; import java.time.*; "
            + "import java.util.*; import java.util.concurrent.*; import javax.net.ssl.*;\n";

    @Test
    void everyJavaExampleCompiles(@TempDir Path out) throws IOException {
        List<JavaFileObject> sources = new ArrayList<>();
        for (String page : PAGES) {
            List<String> blocks = javaBlocks(page);
            assertThat(blocks).as("java examples in %s", page).isNotEmpty();
            for (int i = 0; i < blocks.size(); i++) {
                String name = page.replaceAll("\\W", "_") + "_" + i;
                sources.add(compilable(name, blocks.get(i)));
            }
        }

        assertThat(compile(sources, out)).as("compiler errors").isEmpty();
    }

    @Test
    void gettingStartedServerAndClientTalk(@TempDir Path out) throws Exception {
        int port = freePort();
        List<JavaFileObject> sources = new ArrayList<>();
        List<String> blocks = javaBlocks("getting-started.md");
        for (int i = 0; i < blocks.size(); i++) {
            sources.add(compilable("unused" + i, blocks.get(i).replace("8765", String.valueOf(port))));
        }
        assertThat(compile(sources, out)).as("compiler errors").isEmpty();

        PrintStream console = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {out.toUri().toURL()},
                DocsTest.class.getClassLoader())) {
            Method server = loader.loadClass("EchoServer").getMethod("main", String[].class);
            Method client = loader.loadClass("Hello").getMethod("main", String[].class);
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            Thread serving = Thread.ofVirtual().start(() -> invoke(server));
            awaitListening(port);
            client.invoke(null, (Object) new String[0]);
            serving.interrupt(); // awaitClosed() gives up; try-with-resources closes the server
            serving.join(PATIENCE);
            assertThat(serving.isAlive()).isFalse();
        } finally {
            System.setOut(console);
        }
        assertThat(printed.toString(StandardCharsets.UTF_8))
                .contains("listening on ws://127.0.0.1:" + port + "/").contains("< Text['Hello, world!']");
    }

    private static List<String> javaBlocks(String page) throws IOException {
        Matcher m = JAVA_BLOCK.matcher(Files.readString(DOCS.resolve(page)));
        List<String> blocks = new ArrayList<>();
        while (m.find()) {
            blocks.add(m.group(1));
        }
        return blocks;
    }

    /**
     * A whole class as it is; a fragment as the body of {@code example(WebSocket ws)} in a class of its own, after
     * the imports it shows (which must exist: they tell readers where the types live).
     */
    private static JavaFileObject compilable(String name, String block) {
        Matcher whole = PUBLIC_CLASS.matcher(block);
        if (whole.find()) {
            return source(whole.group(1), block);
        }
        Matcher imports = IMPORT.matcher(block);
        StringBuilder shown = new StringBuilder();
        while (imports.find()) {
            shown.append(imports.group()).append('\n');
        }
        return source(name, IMPORTS + shown + "class " + name + " {\n    static void example(WebSocket ws) throws"
                + " Exception {\n" + imports.replaceAll("") + "    }\n}\n");
    }

    private static JavaFileObject source(String className, String code) {
        return new SimpleJavaFileObject(URI.create("string:///" + className + ".java"), JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return code;
            }
        };
    }

    /** Compiles against the classes under test; returns the errors. */
    private static List<String> compile(List<JavaFileObject> sources, Path out) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        String classPath = location(WebSocket.class) + java.io.File.pathSeparator
                + location(dev.lifeline.protocol.CloseCode.class);
        boolean ok = javac.getTask(null, null, diagnostics, List.of("-proc:none", "-d", out.toString(),
                "-classpath", classPath), null, sources).call();
        List<String> errors = diagnostics.getDiagnostics().stream()
                .filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
                .map(d -> d.getSource().getName() + ":" + d.getLineNumber() + ": " + d.getMessage(null))
                .toList();
        assertThat(ok || !errors.isEmpty()).isTrue();
        return errors;
    }

    private static String location(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0)) {
            return probe.getLocalPort();
        }
    }

    private static void awaitListening(int port) throws InterruptedException {
        Await.until("the example server listening on " + port, PATIENCE, () -> {
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress("127.0.0.1", port), 100);
                return true;
            } catch (IOException e) {
                return false;
            }
        });
    }

    private static void invoke(Method main) {
        try {
            main.invoke(null, (Object) new String[0]);
        } catch (ReflectiveOperationException e) {
            if (!(e.getCause() instanceof InterruptedException)) {
                throw new IllegalStateException(e);
            }
        }
    }
}
