package dev.aeon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.util.SafeEncoder;

/** The connection and server commands, driven by Jedis and by raw RESP, in RESP2 and RESP3. */
class GenericCommandsTest {

  @TempDir static Path dir;
  static AeonServer server;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start(dir);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static Jedis jedis(RedisProtocol protocol) {
    return TestServer.jedis(server, protocol);
  }

  @Test
  void jedisSpeaksResp2() {
    try (Jedis j = jedis(RedisProtocol.RESP2)) {
      assertEquals("PONG", j.ping());
      assertEquals("hello", j.ping("hello"));
      assertEquals("héllo wörld", j.echo("héllo wörld"));
      assertEquals(Map.of("save", ""), j.configGet("save"));
      assertEquals(Map.of("appendonly", "yes"), j.configGet("appendonly"));
      assertEquals(Map.of("appendfsync", "everysec", "appendonly", "yes"), j.configGet("append*"));
      assertEquals(Map.of(), j.configGet("no-such-parameter"));
      assertTrue(j.info().contains("redis_version:8.0.0"), j.info());
      assertTrue(j.info("clients").startsWith("# Clients\r\nconnected_clients:"), j.info("clients"));
      assertTrue(j.commandCount() >= 10);
      assertTrue(j.clientId() > 0);
      assertEquals("OK", j.clientSetname("tester"));
      assertEquals("tester", j.clientGetname());
    }
  }

  @Test
  void jedisSpeaksResp3() {
    try (Jedis j = jedis(RedisProtocol.RESP3)) {
      assertEquals("PONG", j.ping());
      assertEquals("x y", j.echo("x y"));
      assertEquals(Map.of("save", ""), j.configGet("save"));
      assertTrue(j.info("server").contains("aeon_version:"));
    }
  }

  @Test
  void errorsHaveStablePrefixesAndDoNotCloseTheConnection() {
    try (Jedis j = jedis(RedisProtocol.RESP2)) {
      JedisDataException e = assertThrows(JedisDataException.class, () -> j.sendCommand(() -> "NOPE".getBytes(), "a"));
      assertEquals("ERR unknown command 'NOPE', with args beginning with: 'a' ", e.getMessage());
      e = assertThrows(JedisDataException.class, () -> j.sendCommand(Protocol.Command.ECHO));
      assertEquals("ERR wrong number of arguments for 'echo' command", e.getMessage());
      e = assertThrows(JedisDataException.class, () -> j.configSet("save", "1"));
      assertTrue(e.getMessage().startsWith("ERR CONFIG SET is not supported"), e.getMessage());
      e = assertThrows(JedisDataException.class, () -> j.auth("secret"));
      assertTrue(e.getMessage().startsWith("ERR AUTH <password> called without any password"), e.getMessage());
      assertEquals("PONG", j.ping());
    }
  }

  @Test
  void pipelinedCommandsAnswerInOrder() {
    try (Jedis j = jedis(RedisProtocol.RESP2); Pipeline p = j.pipelined()) {
      List<Response<Object>> replies = new ArrayList<>();
      for (int i = 0; i < 10_000; i++) {
        replies.add(p.sendCommand(Protocol.Command.ECHO, "m" + i));
      }
      p.sync();
      for (int i = 0; i < replies.size(); i++) {
        assertEquals("m" + i, SafeEncoder.encode((byte[]) replies.get(i).get()));
      }
    }
  }

  /** An unknown subcommand's error says "Try X HELP", and X HELP lists the subcommands. */
  @Test
  void theHelpThatErrorsPointToExists() throws Exception {
    try (RespClient c = new RespClient(server.port())) {
      for (String command : List.of("CLIENT", "COMMAND", "CONFIG")) {
        assertEquals(new RespClient.Err("ERR unknown subcommand 'BOGUS'. Try " + command + " HELP."),
            c.call(command, "BOGUS"));
        List<?> help = assertInstanceOf(List.class, c.call(command, "HELP"));
        assertEquals(command + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", help.getFirst());
        assertEquals("HELP", help.getLast());
      }
    }
  }

  @Test
  void configResetstatStartsTheStatsCountersAgain() throws Exception {
    try (RespClient c = new RespClient(server.port())) {
      for (int i = 0; i < 5; i++) {
        assertEquals("PONG", c.call("PING"));
      }
      assertTrue(commandsProcessed(c) >= 6);
      assertEquals("OK", c.call("CONFIG", "RESETSTAT"));
      String stats = (String) c.call("INFO", "stats");
      assertTrue(stats.contains("total_connections_received:0\r\n"), stats);
      assertEquals(2, commandsProcessed(c), stats); // RESETSTAT and the first INFO, each counted after it ran
    }
  }

  private static long commandsProcessed(RespClient c) throws Exception {
    String stats = (String) c.call("INFO", "stats");
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("total_commands_processed:(\\d+)").matcher(stats);
    assertTrue(m.find(), stats);
    return Long.parseLong(m.group(1));
  }

  @Test
  void helloSwitchesToResp3AndRepliesChangeType() throws Exception {
    try (RespClient c = new RespClient(server.port())) {
      assertEquals(List.of("save", ""), c.call("CONFIG", "GET", "save"));
      Object hello = c.call("HELLO", "3", "SETNAME", "me");
      Map<?, ?> m = assertInstanceOf(Map.class, hello);
      assertEquals(3L, m.get("proto"));
      assertEquals("aeon", m.get("server"));
      assertEquals(Map.of("save", ""), c.call("CONFIG", "GET", "save"));
      assertEquals("me", c.call("CLIENT", "GETNAME"));
      assertEquals(new RespClient.Err("NOPROTO unsupported protocol version"), c.call("HELLO", "4"));
      assertEquals(14, assertInstanceOf(List.class, c.call("HELLO", "2")).size()); // already in RESP2
      assertEquals(List.of("save", ""), c.call("CONFIG", "GET", "save"));
    }
  }

  /**
   * A subcommand given too few or too many arguments gets Redis' arity error naming it: CLIENT SETNAME without a
   * name was told the name had bad characters, and CLIENT ID x, COMMAND COUNT x and CONFIG RESETSTAT x answered as
   * if the extra argument were not there.
   */
  @Test
  void subcommandsCheckTheirArity() throws Exception {
    try (RespClient c = new RespClient(server.port())) {
      for (List<String> call : List.of(List.of("CLIENT", "SETNAME"), List.of("CLIENT", "SETNAME", "a", "b"),
          List.of("CLIENT", "ID", "x"), List.of("CLIENT", "GETNAME", "x"), List.of("CLIENT", "INFO", "x"),
          List.of("CLIENT", "SETINFO", "lib-name"), List.of("COMMAND", "COUNT", "x"),
          List.of("CONFIG", "RESETSTAT", "x"))) {
        assertEquals(new RespClient.Err("ERR wrong number of arguments for '" + call.get(0).toLowerCase() + "|"
            + call.get(1).toLowerCase() + "' command"), c.call(call.toArray()), call.toString());
      }
      assertEquals(null, c.call("CLIENT", "GETNAME"), "nothing was named");
      assertEquals("OK", c.call("CLIENT", "SETINFO", "lib-name", "x"));
    }
  }

  /**
   * As in Redis, a client name is printable ASCII without spaces whichever command sets it: HELLO SETNAME took
   * "my name", which CLIENT SETNAME refused. A HELLO option missing its arguments is named in the error: HELLO 3
   * AUTH default (no password) blamed the option 'default'.
   */
  @Test
  void clientNamesAreCheckedAlikeAndHelloNamesTheBadOption() throws Exception {
    try (RespClient c = new RespClient(server.port())) {
      RespClient.Err badName = new RespClient.Err(
          "ERR Client names cannot contain spaces, newlines or special characters.");
      for (String name : new String[] {"my name", "tab\there", "new\nline", "caf\u00e9"}) {
        assertEquals(badName, c.call("HELLO", "3", "SETNAME", name), name);
        assertEquals(badName, c.call("CLIENT", "SETNAME", name), name);
      }
      assertEquals(null, c.call("CLIENT", "GETNAME"), "a refused HELLO changes nothing");
      assertEquals("OK", c.call("CLIENT", "SETNAME", "a-b_c:1!~"));
      assertInstanceOf(Map.class, c.call("HELLO", "3", "SETNAME", "worker-1"));
      assertEquals("worker-1", c.call("CLIENT", "GETNAME"));
      assertEquals(new RespClient.Err("ERR Syntax error in HELLO option 'AUTH'"),
          c.call("HELLO", "3", "AUTH", "default"));
      assertEquals(new RespClient.Err("ERR Syntax error in HELLO option 'setname'"), c.call("HELLO", "3", "setname"));
      assertEquals(new RespClient.Err("ERR Syntax error in HELLO option 'nosuch'"),
          c.call("HELLO", "3", "nosuch", "x"));
    }
  }

  @Test
  void inlineCommandsAndMixedPipelines() throws Exception {
    try (RespClient c = new RespClient(server.port())) {
      c.sendRaw("PING\r\nECHO \"hello \\x41 world\\n\" \r\n" + "ECHO 'it\\'s'\n");
      c.sendRaw(RespClient.encode("ECHO", "bulk"));
      assertEquals("PONG", c.read());
      assertEquals("hello A world\n", c.read());
      assertEquals("it's", c.read());
      assertEquals("bulk", c.read());
      c.sendRaw("\r\n\r\n*0\r\nPING\r\n"); // empty lines and empty arrays are skipped, as by Redis
      assertEquals("PONG", c.read());
    }
  }

  /**
   * A command followed, in the same packet, by the first bytes of the next one: its reply is sent at once, not
   * held until the rest of the next command arrives (which a client may only send once it has that reply).
   */
  @Test
  void aReplyIsNotHeldBackByAPartOfTheNextCommand() throws Exception {
    try (RespClient c = new RespClient(server.port())) {
      c.socket().setSoTimeout(10_000);
      c.sendRaw("PING\r\n*2\r\n$4\r\nECHO\r\n$5\r\nhel");
      assertEquals("PONG", c.read());
      c.sendRaw("lo\r\n");
      assertEquals("hello", c.read());
      c.sendRaw("ECHO a\r\nPI"); // the same with an inline command
      assertEquals("a", c.read());
      c.sendRaw("NG\r\n");
      assertEquals("PONG", c.read());
    }
  }

  @Test
  void commandDescribesCommandsForRedisCli() throws Exception {
    try (RespClient c = new RespClient(server.port())) {
      List<?> info = assertInstanceOf(List.class, c.call("COMMAND", "INFO", "echo", "nosuch"));
      List<?> echo = assertInstanceOf(List.class, info.get(0));
      assertEquals("echo", echo.get(0));
      assertEquals(2L, echo.get(1));
      assertNull(info.get(1));
      List<?> all = assertInstanceOf(List.class, c.call("COMMAND"));
      assertEquals(c.call("COMMAND", "COUNT"), (long) all.size());
      assertEquals(List.of(), c.call("COMMAND", "DOCS"));
    }
  }

  /**
   * As Redis 7: COMMAND INFO without names describes every command (it answered an empty array), and COMMAND LIST
   * FILTERBY PATTERN lists the names the glob matches (the filter was ignored: every name came back).
   */
  @Test
  void commandInfoWithoutNamesAndCommandListFilterBy() throws Exception {
    try (RespClient c = new RespClient(server.port())) {
      long count = (long) c.call("COMMAND", "COUNT");
      assertEquals(count, assertInstanceOf(List.class, c.call("COMMAND", "INFO")).size());
      List<?> names = assertInstanceOf(List.class, c.call("COMMAND", "LIST", "FILTERBY", "PATTERN", "v*"));
      assertTrue(names.contains("vadd") && names.contains("vsim"), names.toString());
      assertTrue(names.stream().allMatch(n -> ((String) n).startsWith("v")), names.toString());
      assertEquals(List.of(), c.call("COMMAND", "LIST", "FILTERBY", "MODULE", "vectorset"));
      assertEquals(List.of(), c.call("COMMAND", "LIST", "FILTERBY", "ACLCAT", "read"));
      assertInstanceOf(RespClient.Err.class, c.call("COMMAND", "LIST", "FILTERBY", "NAME", "x"));
      assertInstanceOf(RespClient.Err.class, c.call("COMMAND", "LIST", "x"));
    }
  }

  @Test
  void quitRepliesThenCloses() throws Exception {
    try (RespClient c = new RespClient(server.port())) {
      assertEquals("OK", c.call("QUIT"));
      assertTrue(c.closedByServer());
    }
  }
}
