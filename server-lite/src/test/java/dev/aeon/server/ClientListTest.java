package dev.aeon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisProtocol;

/**
 * CLIENT LIST and CLIENT KILL, as Redis has them: an operator sees who is connected, in which namespace, doing
 * what, and can disconnect a client (both answered "unknown subcommand" before).
 */
class ClientListTest {

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

  @Test
  void listShowsEveryClientWithItsNamespaceLastCommandAndLibrary() throws Exception {
    try (RespClient a = new RespClient(server.port()); RespClient b = new RespClient(server.port());
        Jedis jedis = TestServer.jedis(server, RedisProtocol.RESP3)) {
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
