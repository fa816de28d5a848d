package dev.lifeline.bench.client;

import java.util.Arrays;
import java.util.List;

/** The client libraries the harness can drive, by the names used on the command line and in reports. */
public enum Clients {
    LIFELINE("lifeline"),
    JDK("jdk"),
    NETTY("netty"),
    JETTY("jetty"),
    OKHTTP("okhttp");

    private final String id;

    Clients(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public ClientLibrary create() throws Exception {
        return switch (this) {
            case LIFELINE -> new LifelineClient();
            case JDK -> new JdkClient();
            case NETTY -> new NettyClient();
            case JETTY -> new JettyClient();
            case OKHTTP -> new OkHttpClientLibrary();
        };
    }

    public static Clients of(String id) {
        return Arrays.stream(values()).filter(c -> c.id.equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no client named " + id + "; one of " + ids()));
    }

    public static List<String> ids() {
        return Arrays.stream(values()).map(Clients::id).toList();
    }
}
