package dev.aeon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.commands.ProtocolCommand;
import redis.clients.jedis.params.VAddParams;
import redis.clients.jedis.params.VSimParams;
import redis.clients.jedis.util.SafeEncoder;

/** The examples of docs/server.md, run as written: the redis-cli session and the Jedis snippet. */
class DocsExamplesTest {

  private static final Pattern PROMPT = Pattern.compile("^127\\.0\\.0\\.1:6380(\\[[^]]*])?> (.*)$");
  /** redis-cli prints how long a slow command took; that varies from run to run. */
  private static final Pattern LATENCY = Pattern.compile("^\\(\\d+(\\.\\d+)?s\\)$");

  /** The files that show the examples: the server's docs and the README. */
  private static final List<String> FILES = List.of("docs/server.md", "README.md");

  static String markdown(String file) throws IOException {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve(file))) {
      dir = dir.getParent();
    }
    assertTrue(dir != null, file + " not found above " + Path.of("").toAbsolutePath());
    return Files.readString(dir.resolve(file));
  }

  /** The fenced block that follows the heading. */
  static List<String> block(String markdown, String heading) {
    int h = markdown.indexOf(heading);
    assertTrue(h >= 0, "no heading " + heading);
    int start = markdown.indexOf("```", h);
    int bodyStart = markdown.indexOf('\n', start) + 1;
    int end = markdown.indexOf("\n```", bodyStart);
    return List.of(markdown.substring(bodyStart, end).split("\n"));
  }

  @Test
  void redisCliSessionsOfTheDocsRunAsShown(@TempDir Path dir) throws Exception {
    assumeTrue(RedisCliTest.redisCli() != null,
        "redis-cli is not installed (Debian package redis-tools): skipping the documented redis-cli sessions");
    for (String file : FILES) {
      redisCliSessionRunsAsShown(file, dir.resolve(file.replace('/', '-')));
    }
  }

  private static void redisCliSessionRunsAsShown(String file, Path dir) throws Exception {
    List<String> commands = new ArrayList<>();
    List<String> expected = new ArrayList<>();
    for (String line : block(markdown(file), "## A redis-cli session")) {
      Matcher m = PROMPT.matcher(line);
      if (m.matches()) {
        commands.add(m.group(2));
      } else if (!line.startsWith("$ redis-cli")) {
        expected.add(line);
      }
    }
    assertTrue(commands.size() > 5, file + " shows a redis-cli session");
    try (AeonServer server = TestServer.start(dir)) {
      // --no-raw: the formatting of an interactive session, without a terminal
      String out = RedisCliTest.run(server.port(), String.join("\n", commands) + "\n", "--no-raw");
      List<String> actual = out.lines().filter(l -> !LATENCY.matcher(l).matches()).toList();
      assertEquals(String.join("\n", expected), String.join("\n", actual), "the redis-cli session of " + file);
    }
  }

  @Test
  void jedisSnippetOfTheDocsRunsAsShown(@TempDir Path dir) throws Exception {
    List<String> nearest;
    List<String> red;
    Long id;
    try (AeonServer server = TestServer.start(dir)) {
      int port = server.port();
      warmUp(port);
      // docs:jedis:begin
      ProtocolCommand MEM_ADD = () -> SafeEncoder.encode("MEM.ADD");
      try (Jedis jedis = new Jedis("127.0.0.1", port)) {
        jedis.vadd("docs:fruits", new float[] {1, 0, 0}, "apple", new VAddParams().setAttr("{\"color\":\"red\"}"));
        jedis.vadd("docs:fruits", new float[] {0, 1, 0}, "banana");
        nearest = jedis.vsim("docs:fruits", new float[] {0.9f, 0.2f, 0}, new VSimParams().count(1)); // [apple]
        red = jedis.vsim("docs:fruits", new float[] {0, 1, 0}, new VSimParams().filter(".color == \"red\"")); // [apple]
        id = (Long) jedis.sendCommand(MEM_ADD, "conv-1", "user", "I moved to Lisbon",
            "VECTOR", "VALUES", "3", "1", "0", "0");
      }
      // docs:jedis:end
    }
    assertEquals(List.of("apple"), nearest);
    assertEquals(List.of("apple"), red);
    assertEquals(1L, id);
    for (String file : FILES) {
      assertTrue(snippetIn(file), file + " must show the snippet between the docs:jedis markers of this test");
    }
  }

  /**
   * Runs the snippet's commands once and drops what they made: the first of a fresh server loads and compiles the
   * code they run, seconds on a loaded machine, past the 2 s Jedis waits for a reply by default (which the snippet
   * keeps, as a user would). FLUSHDB drops the namespaces, so the snippet's event is id 1 again.
   */
  private static void warmUp(int port) throws IOException {
    try (RespClient client = new RespClient(port)) {
      assertEquals(1L, client.call("VADD", "docs:warm-up", "VALUES", "3", "1", "0", "0", "a", "SETATTR",
          "{\"color\":\"red\"}"));
      assertEquals(List.of("a"), client.call("VSIM", "docs:warm-up", "VALUES", "3", "1", "0", "0", "FILTER",
          ".color == \"red\""));
      assertEquals(1L, client.call("MEM.ADD", "conv-0", "user", "warm-up", "VECTOR", "VALUES", "3", "1", "0", "0"));
      assertEquals("OK", client.call("FLUSHDB"));
    }
  }

  /** Whether a file holds this test's snippet line for line (ignoring indentation; the file adds the port). */
  private static boolean snippetIn(String file) throws IOException {
    String source = Files.readString(sourceFile());
    String snippet = source.substring(source.indexOf("// docs:jedis:begin\n") + 20,
        source.indexOf("// docs:jedis:end"));
    String docs = block(markdown(file), "## From Java with Jedis").stream().map(String::strip)
        .filter(l -> !l.startsWith("int port")).collect(Collectors.joining("\n"));
    String mine = snippet.lines().map(String::strip).filter(l -> !l.isEmpty()).collect(Collectors.joining("\n"));
    return docs.equals(mine);
  }

  private static Path sourceFile() throws IOException {
    Path p = Path.of("src/test/java/dev/aeon/server/DocsExamplesTest.java");
    return Files.exists(p) ? p : Path.of("server-lite").resolve(p);
  }
}
