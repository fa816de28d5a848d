package dev.lifeline.redis;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/**
 * One Redis, or one Redis Cluster, as the rest of this module talks to it: a shared connection for commands (Lettuce
 * pipelines concurrent commands on it) and new connections for pub/sub. A single seed URL means a single Redis; several
 * seeds ({@code redis://h1:7000,redis://h2:7000}, see {@link RedisUrls}) mean a cluster, reached through Lettuce's
 * {@link RedisClusterClient}. Keys that must live together carry the same hash tag ({@link #hashTag}). A
 * {@code rediss://} URL speaks TLS and checks the server's certificate against the JVM's trust store, or against the
 * CA certificates given to {@link Builder#trustedCertificates}. The hub and the session store
 * ({@link RedisSessionStore#builder(RedisConnector)}) both connect through it: one place for URLs, credentials,
 * database, TLS and cluster seeds.
 *
 * <p>While a single Redis is unreachable, commands fail at once
 * ({@link ClientOptions.DisconnectedBehavior#REJECT_COMMANDS}) instead of waiting in a queue of unbounded length; in
 * a cluster (whose shard connections open on first use) they wait in a queue of 10,000 at most. Every command fails
 * after {@code timeout}; the connections reconnect by themselves (and pub/sub connections subscribe again) when
 * Redis is back. Thread-safe.
 */
public final class RedisConnector implements AutoCloseable {
    /** How long a command may take by default before its future fails. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);

    /** Commands waiting for a cluster connection at most; beyond, they fail at once. */
    private static final int CLUSTER_QUEUE = 10_000;

    /** Keys are UTF-8 strings, values bytes (message payloads go through untouched). */
    static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

    private final String urls;
    private final List<RedisURI> seeds;
    private final Duration timeout;
    private final Optional<Path> trusted;
    /** One I/O thread and one computation thread for all of this connector's connections (see the constructor). */
    private final ClientResources resources;
    private final AbstractRedisClient client;
    private final StatefulConnection<String, byte[]> connection;
    private final RedisClusterAsyncCommands<String, byte[]> commands;

    private RedisConnector(String urls, List<RedisURI> seeds, Duration timeout, Optional<Path> trusted) {
        this.urls = urls;
        this.seeds = seeds;
        this.timeout = timeout;
        this.trusted = trusted;
        TimeoutOptions timeouts = TimeoutOptions.enabled(timeout);
        SslOptions ssl = trusted.map(pem -> SslOptions.builder().jdkSslProvider().trustManager(pem.toFile()).build())
                .orElseGet(() -> SslOptions.builder().jdkSslProvider().build());
        seeds.forEach(seed -> seed.setTimeout(timeout));
        // Lettuce's default is a thread per core for I/O and as many for its own tasks. Every save is written to
        // the event loop of its connection and completed there, so more loops are more threads to wake on cores
        // that the server's readers and writers already keep busy: 2 each, Lettuce's least (it raises 1 to 2),
        // shared by the connector's connections (docs/topics/redis-sessions.md).
        this.resources = DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2).build();
        if (seeds.size() == 1) {
            RedisClient single = RedisClient.create(resources, seeds.get(0));
            single.setOptions(ClientOptions.builder().timeoutOptions(timeouts).sslOptions(ssl)
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS).build());
            this.client = single;
        } else {
            RedisClusterClient cluster = RedisClusterClient.create(resources, seeds);
            // connections to the shards open lazily, on a slot's first command: that command must wait for it, so
            // commands wait while disconnected, in a bounded queue, and fail after the timeout
            cluster.setOptions(ClusterClientOptions.builder().timeoutOptions(timeouts).sslOptions(ssl)
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.ACCEPT_COMMANDS)
                    .requestQueueSize(CLUSTER_QUEUE)
                    .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                            .enableAllAdaptiveRefreshTriggers().enablePeriodicRefresh(Duration.ofSeconds(30)).build())
                    .build());
            this.client = cluster;
        }
        try {
            Link<String, byte[]> shared = open(CODEC);
            this.connection = shared.connection();
            this.commands = shared.commands();
        } catch (RuntimeException e) {
            client.shutdown(Duration.ZERO, timeout);
            resources.shutdown(0, timeout.toMillis(), TimeUnit.MILLISECONDS);
            throw unreachable(e);
        }
    }

    /** A connection and its asynchronous commands (the same interface for a single Redis and a cluster). */
    record Link<K, V>(StatefulConnection<K, V> connection, RedisClusterAsyncCommands<K, V> commands) {
    }

    /**
     * A new connection with this codec, with this connector's options (timeout, TLS trust, behaviour while
     * disconnected): for a component that needs other key or value types. The caller closes it.
     */
    <K, V> Link<K, V> open(RedisCodec<K, V> codec) {
        if (client instanceof RedisClusterClient cluster) {
            var c = cluster.connect(codec);
            return new Link<>(c, c.async());
        }
        var c = ((RedisClient) client).connect(codec);
        return new Link<>(c, c.async());
    }

    /** A new pub/sub connection with this codec; see {@link #newPubSub()}. */
    <K, V> StatefulRedisPubSubConnection<K, V> newPubSub(RedisCodec<K, V> codec) {
        if (client instanceof RedisClusterClient cluster) {
            return cluster.connectPubSub(codec);
        }
        return ((RedisClient) client).connectPubSub(codec);
    }

    /**
     * A failure to connect, as one line that says what to do when it is TLS: the server's certificate not trusted
     * (pass its CA with {@link Builder#trustedCertificates}) or the TLS handshake failing.
     */
    private RuntimeException unreachable(RuntimeException e) {
        Throwable t = e;
        while (t != null && !(t instanceof SSLException)) {
            t = t.getCause();
        }
        if (t == null) {
            return e;
        }
        Throwable certificate = t;
        while (certificate != null && !(certificate instanceof CertificateException)) {
            certificate = certificate.getCause();
        }
        if (certificate == null) {
            return new RedisUnavailableException(where() + ": TLS handshake failed: " + t.getMessage(), e);
        }
        String hint = trusted.map(pem -> "the certificates in " + pem)
                .orElse("the JVM's default trust store (name the CA with Builder.trustedCertificates)");
        return new RedisUnavailableException(where() + ": TLS handshake failed, the server's certificate is not"
                + " trusted by " + hint + ": " + t.getMessage(), e);
    }

    /**
     * Connects to the Redis (or cluster) that {@code urls} names, with {@link #DEFAULT_TIMEOUT}.
     *
     * @throws IllegalArgumentException if {@code urls} is not a Redis URL (the message says which part is wrong)
     * @throws io.lettuce.core.RedisConnectionException if Redis cannot be reached now
     */
    public static RedisConnector connect(String urls) {
        return connect(urls, DEFAULT_TIMEOUT);
    }

    /** Connects with this command timeout; see {@link #connect(String)}. */
    public static RedisConnector connect(String urls, Duration timeout) {
        return builder(urls).timeout(timeout).connect();
    }

    /** Options beyond the URL: the command timeout and, for {@code rediss://}, the certificates to trust. */
    public static Builder builder(String urls) {
        return new Builder(urls);
    }

    /**
     * The URLs this connector was made from, as given (passwords included): for another client of the same Redis
     * (without this connector's TLS trust); never for messages (see {@link #where()}).
     */
    public String url() {
        return urls;
    }

    /** Whether several seeds were given: a Redis Cluster. */
    public boolean isCluster() {
        return seeds.size() > 1;
    }

    /** How long a command may take before its future fails. */
    public Duration timeout() {
        return timeout;
    }

    /**
     * The shared connection's commands (keys as strings, values as bytes). In a cluster, each key's command goes to
     * the shard of its slot; a script's keys must share one hash tag.
     */
    public RedisClusterAsyncCommands<String, byte[]> commands() {
        return commands;
    }

    /** A new pub/sub connection (the caller closes it); in a cluster, channels are cluster-wide (classic pub/sub). */
    public StatefulRedisPubSubConnection<String, byte[]> newPubSub() {
        return newPubSub(CODEC);
    }

    /** Answers a PING within the timeout: up, with the round trip, or down with the reason. Never throws. */
    public RedisHealth ping() {
        long start = System.nanoTime();
        try {
            await(commands.ping());
            return RedisHealth.up(where() + " answered PING in "
                    + TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start) + " us");
        } catch (RedisUnavailableException e) {
            return RedisHealth.down(e.getMessage());
        }
    }

    /**
     * Waits for a command's reply at most the timeout.
     *
     * @throws RedisUnavailableException if it failed, or did not come in time (its outcome is then unknown)
     */
    <T> T await(CompletionStage<T> reply) {
        try {
            return reply.toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RedisUnavailableException(where() + ": interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new RedisUnavailableException(where() + ": " + RedisHealth.reason(e), e);
        }
    }

    /**
     * {@code {name}}: a Redis Cluster hash tag, so that every key built with it lands in the same slot. Braces in the
     * name are replaced (a brace would end the tag early).
     */
    public static String hashTag(String name) {
        return "{" + name.replace('{', '(').replace('}', ')') + "}";
    }

    /** The seeds, without passwords, for messages. */
    public String where() {
        StringBuilder sb = new StringBuilder(isCluster() ? "Redis Cluster " : "Redis ");
        for (int i = 0; i < seeds.size(); i++) {
            RedisURI seed = seeds.get(i);
            sb.append(i == 0 ? "" : ",").append(seed.isSsl() ? "rediss://" : "redis://").append(seed.getHost())
                    .append(':').append(seed.getPort());
        }
        return sb.toString();
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown(Duration.ZERO, timeout);
        resources.shutdown(0, timeout.toMillis(), TimeUnit.MILLISECONDS); // not the client's: it was given them
    }

    @Override
    public String toString() {
        return "RedisConnector[" + where() + "]";
    }

    /** Options of a {@link RedisConnector}; {@link #connect()} connects. */
    public static final class Builder {
        private final String urls;
        private Duration timeout = DEFAULT_TIMEOUT;
        private Optional<Path> trusted = Optional.empty();

        private Builder(String urls) {
            this.urls = urls;
        }

        /** How long a command may take before its future fails; {@link #DEFAULT_TIMEOUT}. */
        public Builder timeout(Duration timeout) {
            this.timeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * For {@code rediss://}: trust the server certificates signed by the CA certificates in this PEM file
         * (instead of the JVM's default trust store, which {@code -Djavax.net.ssl.trustStore} replaces).
         */
        public Builder trustedCertificates(Path pem) {
            if (!Files.isReadable(pem)) {
                throw new IllegalArgumentException("cannot read the CA certificates file " + pem);
            }
            this.trusted = Optional.of(pem);
            return this;
        }

        /**
         * Connects.
         *
         * @throws IllegalArgumentException if the URLs are not Redis URLs (the message says which part is wrong)
         * @throws RedisUnavailableException if the TLS handshake fails (the message says why)
         * @throws io.lettuce.core.RedisConnectionException if Redis cannot be reached now
         */
        public RedisConnector connect() {
            return new RedisConnector(urls, RedisUrls.parse(urls), timeout, trusted);
        }
    }
}
