package dev.aeon.server;

import dev.aeon.embed.OnnxTextEmbedder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisProtocol;

/**
 * One server for every test of a class, as a JUnit 5 extension: before the class's first test, a temporary data
 * directory and a server on a free loopback port ({@link TestServer#start}); after its last, the server closed, then
 * the embedder if it has one, and the directory deleted. A class declares it as
 * {@code @RegisterExtension static final SharedServer server = new SharedServer();} and reaches it through
 * {@link #port()}.
 */
final class SharedServer implements BeforeAllCallback, AfterAllCallback {

  private final UnaryOperator<ServerConfig> tweak;
  private final boolean embedder;
  private Path dir;
  private OnnxTextEmbedder openedEmbedder;
  private AeonServer server;

  /** A server of {@link TestServer}'s configuration. */
  SharedServer() {
    this(c -> c);
  }

  /** A server of {@link TestServer}'s configuration changed by {@code tweak}. */
  SharedServer(UnaryOperator<ServerConfig> tweak) {
    this(tweak, false);
  }

  private SharedServer(UnaryOperator<ServerConfig> tweak, boolean embedder) {
    this.tweak = tweak;
    this.embedder = embedder;
  }

  /** A server that embeds text with the real all-MiniLM-L6-v2 model, opened before it starts and closed after it. */
  static SharedServer withEmbedder() {
    return new SharedServer(c -> c, true);
  }

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    dir = Files.createTempDirectory("aeon-server-test");
    if (embedder) {
      openedEmbedder = OnnxTextEmbedder.open();
    }
    server = TestServer.start(dir, c -> {
      ServerConfig tweaked = tweak.apply(c);
      return embedder ? tweaked.withEngine(tweaked.engine().withEmbedder(openedEmbedder)) : tweaked;
    });
  }

  @Override
  public void afterAll(ExtensionContext context) throws IOException {
    try {
      if (server != null) {
        server.close();
      }
    } finally {
      try {
        if (openedEmbedder != null) {
          openedEmbedder.close();
        }
      } finally {
        deleteRecursively(dir);
      }
    }
  }

  /** The server's memory directory. */
  Path dir() {
    return dir;
  }

  int port() {
    return server.port();
  }

  ServerContext context() {
    return server.context();
  }

  /** A client of this server speaking RESP3 (HELLO 3), with {@code namespace} selected; the test closes it. */
  RespClient resp3(String namespace) throws IOException {
    return TestServer.resp3(server, namespace);
  }

  /** A Jedis client of {@link TestServer#jedis}; the test closes it. */
  Jedis jedis(RedisProtocol protocol) {
    return TestServer.jedis(server, protocol);
  }

  private static void deleteRecursively(Path root) throws IOException {
    if (root == null || !Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.delete(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }
}
