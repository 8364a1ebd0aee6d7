package dev.aeon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/** KEYS, SCAN and DBSIZE over the vector sets of the selected namespace, and MEM.SESSIONS over its sessions. */
class KeyspaceCommandsTest {

  @TempDir
  Path dir;

  @Test
  void keysScanAndDbsizeListTheVectorSetsOfEveryDimension() throws Exception {
    Set<String> all = new TreeSet<>();
    String midScanCursor;
    List<String> beforeRestart = new ArrayList<>();
    try (AeonServer s = TestServer.start(dir); Jedis j = TestServer.jedis(s, RedisProtocol.RESP2);
        RespClient c = new RespClient(s.port())) {
      assertEquals(Set.of(), j.keys("*"));
      assertEquals(0, j.dbSize());
      j.vadd("a", new float[] {1, 0, 0}, "x");
      j.vadd("b", new float[] {0, 1, 0}, "x");
      j.vadd("c", new float[] {1, 2}, "x");
      for (int i = 0; i < 30; i++) {
        j.vadd("k" + i, new float[] {1, i, 0, 1}, "x");
        all.add("k" + i);
      }
      all.addAll(List.of("a", "b", "c"));
      j.select(1);
      j.vadd("s*", new float[] {1, 0, 0}, "x");
      j.vadd("sx", new float[] {1, 0, 0}, "x");
      assertEquals(Set.of("s*", "sx"), j.keys("*"));
      assertEquals(Set.of("s*"), j.keys("s\\*"));
      assertEquals(2, j.dbSize());
      j.select(0);

      assertEquals(all, new TreeSet<>(j.keys("*")));
      assertEquals(33, ((List<?>) c.call("KEYS", "*")).size(), "each key once"); // Jedis answers a set
      assertEquals(33, j.dbSize());
      assertEquals(Set.of("k1", "k10", "k11", "k12", "k13", "k14", "k15", "k16", "k17", "k18", "k19"),
          new TreeSet<>(j.keys("k1*")));
      assertEquals(Set.of("a", "b"), new TreeSet<>(j.keys("[ab]")));
      assertEquals(Set.of("c"), new TreeSet<>(j.keys("[^abk]")));

      assertEquals(all, scanAll(j, new ScanParams().count(4)));
      assertEquals(Set.of("k2", "k20", "k21", "k22", "k23", "k24", "k25", "k26", "k27", "k28", "k29"),
          scanAll(j, new ScanParams().count(7).match("k2*")));
      assertEquals(all, scanAll(j, new ScanParams().count(5), "vectorset"));
      assertEquals(Set.of(), scanAll(j, new ScanParams(), "string"));

      ScanResult<String> first = j.scan("0", new ScanParams().count(10));
      beforeRestart.addAll(first.getResult());
      midScanCursor = first.getCursor();
      assertFalse(first.isCompleteIteration());

      assertEquals(1, j.vrem("c", "x") ? 1 : 0); // its last element: the set is gone
      assertEquals(1, j.del("a"));
      all.removeAll(List.of("a", "c"));
      assertEquals(all, new TreeSet<>(j.keys("*")));
      assertEquals(31, j.dbSize());
    }
    try (AeonServer s = TestServer.start(dir); Jedis j = TestServer.jedis(s, RedisProtocol.RESP2)) {
      assertEquals(all, new TreeSet<>(j.keys("*")));
      assertEquals(31, j.dbSize());
      List<String> rest = new ArrayList<>(beforeRestart);
      String cursor = midScanCursor; // a cursor outlives a restart
      do {
        ScanResult<String> page = j.scan(cursor, new ScanParams().count(10));
        rest.addAll(page.getResult());
        cursor = page.getCursor();
      } while (!cursor.equals("0"));
      assertEquals(rest.size(), new TreeSet<>(rest).size(), "a key listed twice: " + rest);
      assertTrue(rest.containsAll(all), "missing keys: " + rest);
    }
  }

  @Test
  void scanRefusesBadArguments() throws Exception {
    try (AeonServer s = TestServer.start(dir); RespClient c = new RespClient(s.port())) {
      assertEquals(new RespClient.Err("ERR invalid cursor"), c.call("SCAN", "-1"));
      assertEquals(new RespClient.Err("ERR invalid cursor"), c.call("SCAN", "x"));
      assertEquals(new RespClient.Err("ERR invalid cursor"), c.call("SCAN", "18446744073709551615"));
      assertEquals(new RespClient.Err("ERR syntax error"), c.call("SCAN", "0", "COUNT", "0"));
      assertEquals(new RespClient.Err("ERR syntax error"), c.call("MEM.SESSIONS", "0", "COUNT", "-1"));
      for (String notAsRedisWritesIt : new String[] {"x", "+5", "05", "-0", " 5"}) {
        assertEquals(new RespClient.Err("ERR value is not an integer or out of range"),
            c.call("SCAN", "0", "COUNT", notAsRedisWritesIt), notAsRedisWritesIt);
      }
      assertEquals(List.of("0", List.of()), c.call("SCAN", "0", "COUNT", "1000000000000"),
          "a COUNT above 100000 is capped");
      assertEquals(new RespClient.Err("ERR syntax error"), c.call("SCAN", "0", "MATCH"));
      assertEquals(new RespClient.Err("ERR syntax error"), c.call("SCAN", "0", "LIMIT", "3"));
      assertEquals(new RespClient.Err("ERR syntax error"), c.call("MEM.SESSIONS", "0", "TYPE", "vectorset"));
      assertEquals(List.of("0", List.of()), c.call("SCAN", "12345678901234"), "a cursor past every set");
      assertEquals(new RespClient.Err("ERR wrong number of arguments for 'keys' command"), c.call("KEYS"));
    }
  }

  @Test
  void memSessionsListsTheSessionsWithEventsPageByPage() throws Exception {
    try (AeonServer s = TestServer.start(dir); RespClient c = new RespClient(s.port())) {
      c.call("SELECT", "agent-7");
      assertEquals(List.of("0", List.of()), c.call("MEM.SESSIONS", "0"));
      assertFalse(s.context().namespacesOnDisk().contains("agent-7"), "listing created the namespace");
      Set<String> sessions = new TreeSet<>();
      for (int i = 0; i < 12; i++) {
        c.call("MEM.ADD", "conv-" + i, "user", "turn " + i, "VECTOR", "VALUES", "2", "1", String.valueOf(i));
        sessions.add("conv-" + i);
      }
      c.call("MEM.FORGET", "SESSION", "conv-3");
      sessions.remove("conv-3");
      Set<String> listed = new TreeSet<>();
      String cursor = "0";
      do {
        List<?> reply = (List<?>) c.call("MEM.SESSIONS", cursor, "COUNT", "5");
        cursor = (String) reply.get(0);
        for (Object session : (List<?>) reply.get(1)) {
          assertTrue(listed.add((String) session), "listed twice: " + session);
        }
      } while (!cursor.equals("0"));
      assertEquals(sessions, listed);
      assertEquals(List.of("0", List.of("conv-1", "conv-10", "conv-11")),
          c.call("MEM.SESSIONS", "0", "MATCH", "conv-1*", "COUNT", "100"));
    }
  }

  private static Set<String> scanAll(Jedis j, ScanParams params) {
    return scanAll(j, params, null);
  }

  /** Every key SCAN lists, checking that none is listed twice. */
  private static Set<String> scanAll(Jedis j, ScanParams params, String type) {
    Set<String> keys = new TreeSet<>();
    String cursor = "0";
    do {
      ScanResult<String> page = type == null ? j.scan(cursor, params) : j.scan(cursor, params, type);
      for (String key : page.getResult()) {
        assertTrue(keys.add(key), "listed twice: " + key);
      }
      cursor = page.getCursor();
    } while (!cursor.equals("0"));
    return keys;
  }
}
