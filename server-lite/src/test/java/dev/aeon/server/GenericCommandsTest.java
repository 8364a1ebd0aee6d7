package dev.aeon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.common.TextEmbedder;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
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

  @RegisterExtension static final SharedServer server = new SharedServer();

  static Jedis jedis(RedisProtocol protocol) {
    return server.jedis(protocol);
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
      String version = System.getProperty("aeon.project.version", "(the pom's version: run through Maven)");
      assertTrue(j.info("server").contains("aeon_version:" + version + "\r\n"), j.info("server"));
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
   * Inline commands are split as Redis' sdssplitargs splits them: a quote opens a quoted part inside a word too
   * ({@code a"b c"} is one argument, {@code ab c}), and only space, tab, CR and LF end a word. Before, a quote
   * counted only at the start of a word and a vertical tab or form feed ended one, so the two servers read such a
   * line as different arguments, and {@code it's} was taken where Redis refuses its unbalanced quote.
   */
  @Test
  void inlineQuotesInsideAWordAreReadAsRedisReadsThem() throws Exception {
    try (RespClient c = new RespClient(server.port())) {
      c.sendRaw("ECHO a\"b c\"\r\nECHO x'y z'\r\nECHO a\"\\x41\"\r\nECHO a\u000bb\fc\r\n");
      assertEquals("ab c", c.read());
      assertEquals("xy z", c.read());
      assertEquals("aA", c.read());
      assertEquals("a\u000bb\fc", c.read());
    }
    try (RespClient c = new RespClient(server.port())) {
      c.sendRaw("ECHO it's\r\n");
      assertEquals(new RespClient.Err("ERR Protocol error: unbalanced quotes in request"), c.read());
      assertTrue(c.closedByServer());
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

  // CLIENT LIST and CLIENT KILL, as Redis has them: an operator sees who is connected, in which namespace, doing
  // what, and can disconnect a client (both answered "unknown subcommand" before).

  @Test
  void listShowsEveryClientWithItsNamespaceLastCommandAndLibrary() throws Exception {
    try (RespClient a = new RespClient(server.port()); RespClient b = new RespClient(server.port());
        Jedis jedis = server.jedis(RedisProtocol.RESP3)) {
      assertEquals("OK", a.call("CLIENT", "SETNAME", "watcher"));
      assertEquals("OK", b.call("SELECT", "agent-7"));
      assertEquals("PONG", b.call("PING"));
      assertEquals("PONG", jedis.ping());
      long aId = (Long) a.call("CLIENT", "ID"), bId = (Long) b.call("CLIENT", "ID");
      assertEquals("PONG", b.call("PING"));
      long jedisId = jedis.clientId();

      Map<Long, Map<String, String>> listed = parse((String) a.call("CLIENT", "LIST"));
      assertTrue(listed.keySet().containsAll(List.of(aId, bId, jedisId)), listed.toString());
      Map<String, String> first = listed.get(aId), second = listed.get(bId), third = listed.get(jedisId);
      assertEquals("watcher", first.get("name"));
      assertEquals("client", first.get("cmd"), "the caller's own command");
      assertEquals("default", first.get("db"));
      assertEquals("agent-7", second.get("db"));
      assertEquals("ping", second.get("cmd"));
      assertEquals(a.socket().getLocalSocketAddress().toString().substring(1), first.get("addr"));
      assertEquals("127.0.0.1:" + server.port(), first.get("laddr"));
      assertEquals("2", first.get("resp"));
      assertEquals("3", third.get("resp"));
      assertEquals("client", third.get("cmd"));
      assertTrue(third.get("lib-name").startsWith("jedis"), "Jedis names itself at its handshake: " + third);
      assertEquals(first, parse((String) a.call("CLIENT", "INFO")).get(aId), "CLIENT INFO is the caller's line");

      assertEquals(Set.of(aId, bId), parse((String) a.call("CLIENT", "LIST", "ID", String.valueOf(aId),
          String.valueOf(bId), "999999")).keySet());
      assertTrue(parse((String) a.call("CLIENT", "LIST", "TYPE", "normal")).containsKey(bId));
      assertEquals("", a.call("CLIENT", "LIST", "TYPE", "pubsub"));
      assertEquals(new RespClient.Err("ERR Unknown client type 'bogus'"), a.call("CLIENT", "LIST", "TYPE", "bogus"));
      assertEquals(new RespClient.Err("ERR Invalid client ID"), a.call("CLIENT", "LIST", "ID", "x"));
      assertEquals(new RespClient.Err("ERR syntax error"), a.call("CLIENT", "LIST", "TYPE"));
    }
  }

  @Test
  void killDisconnectsOtherClientsAndSparesTheCallerUnlessAsked() throws Exception {
    try (RespClient killer = new RespClient(server.port()); RespClient byId = new RespClient(server.port());
        RespClient byAddress = new RespClient(server.port()); RespClient byFilter = new RespClient(server.port())) {
      long id = (Long) byId.call("CLIENT", "ID");
      assertEquals(1L, killer.call("CLIENT", "KILL", "ID", String.valueOf(id)));
      // gone at once, though its connection's threads may still be ending
      assertFalse(parse((String) killer.call("CLIENT", "LIST")).containsKey(id), "a killed client is still listed");
      assertEquals(0L, killer.call("CLIENT", "KILL", "ID", String.valueOf(id)), "a killed client is killed again");
      assertTrue(byId.closedByServer(), "the client killed by id is disconnected");

      String address = byAddress.socket().getLocalSocketAddress().toString().substring(1);
      assertEquals("OK", killer.call("CLIENT", "KILL", address));
      assertTrue(byAddress.closedByServer(), "the client killed by address is disconnected");
      assertEquals(new RespClient.Err("ERR No such client"), killer.call("CLIENT", "KILL", address));

      long killerId = (Long) killer.call("CLIENT", "ID");
      assertEquals(0L, killer.call("CLIENT", "KILL", "ID", String.valueOf(killerId)), "SKIPME yes by default");
      String other = byFilter.socket().getLocalSocketAddress().toString().substring(1);
      assertEquals(1L, killer.call("CLIENT", "KILL", "ADDR", other, "USER", "default", "TYPE", "normal"));
      assertTrue(byFilter.closedByServer());

      assertEquals(new RespClient.Err("ERR client-id should be greater than 0"),
          killer.call("CLIENT", "KILL", "ID", "0"));
      assertEquals(new RespClient.Err("ERR No such user 'bob'"), killer.call("CLIENT", "KILL", "USER", "bob"));
      assertEquals(new RespClient.Err("ERR syntax error"), killer.call("CLIENT", "KILL", "ID", "1", "SKIPME"));
      assertEquals(new RespClient.Err("ERR syntax error"), killer.call("CLIENT", "KILL", "NOSUCH", "1"));
      assertEquals(new RespClient.Err("ERR wrong number of arguments for 'client|kill' command"),
          killer.call("CLIENT", "KILL"));

      // The caller killing itself gets its reply, then the connection closes.
      assertEquals(1L, killer.call("CLIENT", "KILL", "ID", String.valueOf(killerId), "SKIPME", "no"));
      assertTrue(killer.closedByServer(), "the caller asked to be disconnected");
    }
  }

  /**
   * A client killed while it runs a command, with more of its pipeline already received, runs none of the rest, as
   * in Redis: the connection is closed, and a write the client sent after the command running is never made. (The
   * reader went on with the commands its decoder held until a reply failed to go out: 2 more events added.) An
   * embedder that holds the first MEM.ADD until the kill has returned stands for a command running at that moment.
   */
  @Test
  void aClientKilledMidPipelineRunsNoneOfTheCommandsItSentAfterTheOneRunning(@TempDir Path own) throws Exception {
    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch killed = new CountDownLatch(1);
    TextEmbedder holdOnce = new TextEmbedder() {
      @Override
      public int dimension() {
        return 2;
      }

      @Override
      public List<float[]> embedAll(List<String> texts) {
        List<float[]> out = new ArrayList<>();
        for (String t : texts) {
          if (t.equals("running")) {
            holding.countDown();
            try {
              killed.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          out.add(new float[] {1, t.length()});
        }
        return out;
      }
    };
    try (AeonServer s = TestServer.start(own, c -> c.withEngine(c.engine().withEmbedder(holdOnce)));
        RespClient victim = new RespClient(s.port()); RespClient killer = new RespClient(s.port())) {
      long victimId = (Long) victim.call("CLIENT", "ID");
      killer.call("HELLO", "3"); // MEM.QUERY's reply as a map
      ByteArrayOutputStream pipeline = new ByteArrayOutputStream();
      for (String text : List.of("running", "sent after", "sent after too")) {
        pipeline.writeBytes(RespClient.encode("MEM.ADD", "s", "user", text));
      }
      victim.sendRaw(pipeline.toByteArray()); // one write: the reader takes it whole into its buffer
      holding.await();
      assertEquals(1L, killer.call("CLIENT", "KILL", "ID", String.valueOf(victimId)));
      killed.countDown();
      assertTrue(victim.closedByServer());
      while (!((String) killer.call("INFO", "clients")).contains("connected_clients:1\r\n")) {
        Thread.onSpinWait(); // its connection ends once its reader stops (CLIENT LIST leaves it out at once)
      }
      assertEquals(List.of(List.of(1L)), ((Map<?, ?>) killer.call("MEM.QUERY",
          "MATCH (e {session: 's'}) RETURN count(e)")).get("rows"), "only the command running when killed");
    }
  }

  @Test
  void setInfoTakesALibraryNameAndVersionOnly() throws Exception {
    try (RespClient c = new RespClient(server.port())) {
      assertEquals("OK", c.call("CLIENT", "SETINFO", "LIB-NAME", "my-lib"));
      assertEquals("OK", c.call("CLIENT", "SETINFO", "lib-ver", "1.2.3"));
      Map<String, String> me = parse((String) c.call("CLIENT", "INFO")).values().iterator().next();
      assertEquals("my-lib", me.get("lib-name"));
      assertEquals("1.2.3", me.get("lib-ver"));
      assertEquals(new RespClient.Err("ERR Unrecognized option 'color'"), c.call("CLIENT", "SETINFO", "color", "x"));
      assertEquals(new RespClient.Err("ERR lib-name cannot contain spaces, newlines or special characters."),
          c.call("CLIENT", "SETINFO", "lib-name", "my lib"));
      List<?> help = assertInstanceOf(List.class, c.call("CLIENT", "HELP"));
      assertTrue(help.stream().anyMatch(l -> ((String) l).startsWith("LIST")), help.toString());
    }
  }

  /** CLIENT LIST's lines as maps of their fields, by client id. */
  private static Map<Long, Map<String, String>> parse(String list) {
    Map<Long, Map<String, String>> byId = new HashMap<>();
    for (String line : list.split("\n")) {
      if (line.isEmpty()) {
        continue;
      }
      Map<String, String> fields = new HashMap<>();
      Arrays.stream(line.split(" ")).forEach(f -> fields.put(f.substring(0, f.indexOf('=')),
          f.substring(f.indexOf('=') + 1)));
      byId.put(Long.parseLong(fields.get("id")), fields);
    }
    return byId;
  }
}
