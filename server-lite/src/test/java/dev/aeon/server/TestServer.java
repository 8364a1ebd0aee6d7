package dev.aeon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.engine.Durability;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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

  /** A client of {@code server} speaking RESP3 ({@link #resp3(int, String)}); the caller closes it. */
  static RespClient resp3(AeonServer server, String namespace) throws IOException {
    return resp3(server.port(), namespace);
  }

  /**
   * A client of the server on loopback port {@code port} (one of this process, or an {@code aeon serve} the test
   * started) speaking RESP3 ({@code HELLO 3}, whose reply must say protocol 3), with {@code namespace} selected; the
   * caller closes it.
   */
  static RespClient resp3(int port, String namespace) throws IOException {
    RespClient c = new RespClient(port);
    try {
      assertEquals(3L, ((Map<?, ?>) c.call("HELLO", "3")).get("proto"));
      assertEquals("OK", c.call("SELECT", namespace));
      return c;
    } catch (IOException | RuntimeException | Error e) {
      c.close();
      throw e;
    }
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

  /** A server under SYNC that closes a namespace no command used for {@code namespaceIdle}. */
  static AeonServer startSync(Path dir, Duration namespaceIdle) throws IOException {
    return start(dir, c -> c.withEngine(c.engine().withDurability(Durability.SYNC)).withNamespaceIdle(namespaceIdle));
  }

  static AeonServer start(Path dir, UnaryOperator<ServerConfig> tweak) throws IOException {
    ServerConfig c = ServerConfig.defaults()
        .withAddress(InetAddress.getLoopbackAddress(), 0)
        .withDir(dir);
    c = c.withEngine(c.engine().withDurability(Durability.ASYNC).withWalSegmentBytes(1 << 20));
    return AeonServer.start(tweak.apply(c));
  }
}
