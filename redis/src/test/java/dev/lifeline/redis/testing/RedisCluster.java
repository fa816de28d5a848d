package dev.lifeline.redis.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A local Redis Cluster of three masters (no replicas) on free loopback ports, created the way people do it:
 * three {@code redis-server --cluster-enabled yes}, then {@code redis-cli --cluster create ... --cluster-yes}, then
 * waiting (bounded) until every node's {@code CLUSTER INFO} says {@code cluster_state:ok}.
 */
public final class RedisCluster implements AutoCloseable {
    private static final Duration READY_LIMIT = Duration.ofSeconds(30);

    private final List<RedisProcess> masters;

    private RedisCluster(List<RedisProcess> masters) {
        this.masters = masters;
    }

    public static RedisCluster start() {
        List<RedisProcess> masters = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                masters.add(RedisProcess.start(List.of("--save", "", "--appendonly", "no", "--cluster-enabled", "yes",
                        "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "2000")));
            }
            List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
            masters.forEach(m -> create.add("127.0.0.1:" + m.port()));
            create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
            String out = run(create);
            if (!out.contains("[OK] All 16384 slots covered")) {
                throw new IllegalStateException("redis-cli --cluster create did not cover every slot:\n" + out);
            }
            RedisCluster cluster = new RedisCluster(masters);
            cluster.awaitOk();
            return cluster;
        } catch (RuntimeException e) {
            masters.forEach(RedisProcess::close);
            throw e;
        }
    }

    /** The seeds as users write them: {@code redis://127.0.0.1:P1,redis://127.0.0.1:P2,...}. */
    public String url() {
        return masters.stream().map(m -> "redis://127.0.0.1:" + m.port()).collect(Collectors.joining(","));
    }

    public List<RedisProcess> masters() {
        return masters;
    }

    private void awaitOk() {
        long deadline = System.nanoTime() + READY_LIMIT.toNanos();
        for (RedisProcess m : masters) {
            while (!run(List.of("redis-cli", "-p", Integer.toString(m.port()), "cluster", "info"))
                    .contains("cluster_state:ok")) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the cluster was not ok within " + READY_LIMIT);
                }
                RedisProcess.sleep(50);
            }
        }
    }

    private static String run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish within 30 s");
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("could not run " + command.get(0), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        masters.forEach(RedisProcess::close);
    }
}
