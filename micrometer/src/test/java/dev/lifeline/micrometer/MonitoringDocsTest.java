package dev.lifeline.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.WebSocket;
import dev.lifeline.protocol.CloseCode;
import dev.lifeline.reliable.ReliableServer;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The monitoring page's examples are code: each {@code java} block compiles against the real API, as the body of a
 * method that has a {@code MeterRegistry registry} and the handlers at hand.
 */
class MonitoringDocsTest {
    private static final Path PAGE = Path.of("..", "docs", "topics", "monitoring.md");
    private static final Pattern JAVA_BLOCK = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL);
    private static final String IMPORTS = "import dev.lifeline.*; import dev.lifeline.micrometer.*; "
            + "import dev.lifeline.reliable.*; import io.micrometer.core.instrument.*;\n";

    @Test
    void everyJavaExampleCompiles(@TempDir Path out) throws IOException {
        Matcher m = JAVA_BLOCK.matcher(Files.readString(PAGE));
        List<JavaFileObject> sources = new ArrayList<>();
        while (m.find()) {
            String name = "Example" + sources.size();
            sources.add(source(name, IMPORTS + "class " + name + " {\n    static void example(MeterRegistry registry,"
                    + " WebSocketServer.Handler handler, ReliableServer.Handler sessionHandler) throws Exception {\n"
                    + m.group(1) + "    }\n}\n"));
        }
        assertThat(sources).as("java examples in %s", PAGE).isNotEmpty();

        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        String classPath = String.join(File.pathSeparator, Stream.of(WebSocket.class, CloseCode.class,
                ReliableServer.class, LifelineMetrics.class, MeterRegistry.class).map(MonitoringDocsTest::location)
                .toList());
        boolean ok = javac.getTask(null, null, diagnostics, List.of("-proc:none", "-d", out.toString(),
                "-classpath", classPath), null, sources).call();

        assertThat(diagnostics.getDiagnostics()).filteredOn(d -> d.getKind() == Diagnostic.Kind.ERROR)
                .extracting(d -> d.getSource().getName() + ":" + d.getLineNumber() + ": " + d.getMessage(null))
                .isEmpty();
        assertThat(ok).isTrue();
    }

    private static JavaFileObject source(String className, String code) {
        return new SimpleJavaFileObject(URI.create("string:///" + className + ".java"), JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return code;
            }
        };
    }

    private static String location(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
