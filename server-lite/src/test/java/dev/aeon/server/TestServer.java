package dev.aeon.server;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.engine.Durability;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisProtocol;

/** Starts a server on a free loopback port over a temporary directory, for one test class or method. */
final class TestServer {

  /**
   * Skips a test that counts on forced writes taking time (so that writes arriving meanwhile share the next force)
   * when {@code dir} is on a file system held in memory, where a force returns at once and each write is forced
   * alone: those tests would fail there with nothing wrong.
   */
  static void assumeForcesTakeTime(Path dir) throws IOException {
    String type = Files.getFileStore(dir).type();
    Assumptions.assumeFalse(type.equals("tmpfs") || type.equals("ramfs"),
        "the test directory is on " + type + ", where a forced write returns at once");
  }

  private TestServer() {}

  /** A Jedis client with a generous timeout: a first write to a namespace creates its files, and CI is slow. */
  static Jedis jedis(AeonServer server, RedisProtocol protocol) {
    return new Jedis("127.0.0.1", server.port(), DefaultJedisClientConfig.builder().protocol(protocol)
        .socketTimeoutMillis(60_000).build());
  }

  /**
   * Waits until the server closed {@code namespace} as idle (its {@code --namespace-idle} passed); fails after 30 s.
   */
  static void awaitClosedAsIdle(AeonServer server, String namespace) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (server.context().openNamespaces().contains(namespace)) {
      assertTrue(System.nanoTime() < deadline, namespace + " never closed as idle");
      Thread.sleep(20);
    }
  }

  /** The namespaces in the data directory {@code data}, as directories on disk (none before the first), sorted. */
  static List<String> namespacesOnDisk(Path data) throws IOException {
    if (!Files.exists(data.resolve("ns"))) {
      return List.of();
    }
    try (Stream<Path> dirs = Files.list(data.resolve("ns"))) {
      return dirs.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  static AeonServer start(Path dir) throws IOException {
    return start(dir, c -> c);
  }

  static AeonServer start(Path dir, UnaryOperator<ServerConfig> tweak) throws IOException {
    ServerConfig c = ServerConfig.defaults()
        .withAddress(InetAddress.getLoopbackAddress(), 0)
        .withDir(dir);
    c = c.withEngine(c.engine().withDurability(Durability.ASYNC).withWalSegmentBytes(1 << 20));
    return AeonServer.start(tweak.apply(c));
  }
}
