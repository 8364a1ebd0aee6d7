package dev.aeon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The real redis-cli (Debian redis-tools) against the server; skipped with a message when it is not installed. */
class RedisCliTest {

  @RegisterExtension static final SharedServer server = new SharedServer();

  @BeforeAll
  static void needsRedisCli() {
    assumeTrue(redisCli() != null,
        "redis-cli is not installed (Debian package redis-tools): skipping the redis-cli tests");
  }

  static String redisCli() {
    for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, "redis-cli"))) {
        return Path.of(d, "redis-cli").toString();
      }
    }
    return null;
  }

  /** Runs redis-cli with the arguments (and the input on stdin) and returns its output. */
  static String run(int port, String stdin, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(redisCli(), "-h", "127.0.0.1", "-p", Integer.toString(port)));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("redis-cli did not finish: " + out);
    }
    return out;
  }

  @Test
  void commandsFromArguments() throws Exception {
    assertEquals("PONG\n", run(server.port(), "", "PING"));
    assertEquals("hello world\n", run(server.port(), "", "ECHO", "hello world"));
    assertEquals("save\n\n", run(server.port(), "", "CONFIG", "GET", "save"));
    assertEquals("ERR unknown command 'NOPE', with args beginning with: \n\n", run(server.port(), "", "NOPE"));
  }

  /** A batch of events as JSON arguments, as a shell passes them to redis-cli, linked within the batch. */
  @Test
  void memAddAllFromArguments() throws Exception {
    String first = "{\"session\": \"doc\", \"role\": \"chunk\", \"text\": \"part one\", \"vector\": [1, 0]}";
    String second = "{\"session\": \"doc\", \"role\": \"chunk\", \"text\": \"part two\", \"vector\": [0, 1],"
        + " \"links\": [{\"type\": \"PREV\", \"index\": 0}]}";
    assertEquals("1\n2\n", run(server.port(), "", "-n", "cli-batch", "MEM.ADDALL", first, second));
    assertEquals("columns\na.id\nb.id\nrows\n2\n1\n", run(server.port(), "", "-n", "cli-batch", "MEM.QUERY",
        "MATCH (a)-[:PREV]->(b) RETURN a.id, b.id"));
  }

  @Test
  void scanListsEveryVectorSet() throws Exception {
    StringBuilder adds = new StringBuilder("SELECT 5\n");
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      adds.append("VADD set-").append(i).append(" VALUES ").append(i % 2 == 0 ? "2 1 0" : "3 0 1 0").append(" e\n");
      expected.add("set-" + i);
    }
    run(server.port(), adds.toString());
    // --scan pages through SCAN until the cursor is 0 (sets of 2 dimensions first, then those of 3)
    List<String> listed = List.of(run(server.port(), "", "-n", "5", "--scan").split("\n"));
    assertEquals(expected.stream().sorted().toList(), listed.stream().sorted().toList());
    List<String> matched = List.of(run(server.port(), "", "-n", "5", "--scan", "--pattern", "set-2?").split("\n"));
    assertEquals(List.of("set-20", "set-21", "set-22", "set-23", "set-24"), matched.stream().sorted().toList());
  }

  @Test
  void commandsFromStandardInputInResp3() throws Exception {
    // In RESP3 the reply of CONFIG GET is a map, which redis-cli prints as "key value" on one line.
    assertEquals("PONG\nhi\nappendonly yes\n", run(server.port(), "PING\nECHO hi\nCONFIG GET appendonly\n", "-3"));
    assertEquals("PONG\nhi\nappendonly\nyes\n", run(server.port(), "PING\nECHO hi\nCONFIG GET appendonly\n"));
  }
}
