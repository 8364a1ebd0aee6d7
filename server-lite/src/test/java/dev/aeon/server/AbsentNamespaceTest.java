package dev.aeon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Neither SELECT nor a command that adds nothing creates a namespace: a mistyped name leaves nothing on disk. */
class AbsentNamespaceTest {

  @TempDir Path dir;

  @Test
  void readingANamespaceNeverWrittenAnswersEmptyAndCreatesNothing() throws Exception {
    Path data = dir.resolve("data");
    try (AeonServer server = TestServer.start(data, c -> c.withBackupDir(dir.resolve("backups")));
         RespClient c = TestServer.resp3(server, "agnet")) {
      Map<?, ?> stats = assertInstanceOf(Map.class, c.call("MEM.STATS"));
      assertEquals("agnet", stats.get("namespace"));
      assertEquals(0L, stats.get("events"));
      assertEquals(0L, stats.get("wal_bytes"));
      assertEquals(List.of(), c.call("MEM.RECALL", "VALUES", "3", "1", "0", "0", "COUNT", "5"));
      assertEquals(List.of(), c.call("MEM.RECALL", "VALUES", "3", "1", "0", "0", "SESSION", "s", "ROLE", "user"));
      assertEquals(List.of(), c.call("MEM.TRACE", "s"));
      assertEquals(null, c.call("MEM.GET", "1"));
      Map<?, ?> counted = assertInstanceOf(Map.class, c.call("MEM.QUERY", "MATCH (e) RETURN count(e)"));
      assertEquals(List.of(List.of(0L)), counted.get("rows"));
      assertTrue(c.call("MEM.QUERY", "MATCH (e RETURN e").toString().startsWith("Err[message=ERR"),
          "a bad statement is refused as on an empty namespace");
      assertEquals(0L, c.call("MEM.FORGET", "1"));
      assertEquals(0L, c.call("MEM.FORGET", "SESSION", "s"));
      assertEquals("OK", c.call("MEM.CHECKPOINT"));
      assertEquals("OK", c.call("MEM.COMPACT"));
      assertEquals(new RespClient.Err("ERR no event with id 1 in namespace 'agnet'"),
          c.call("MEM.LINK", "1", "REPLIES_TO", "2"));
      assertEquals(new RespClient.Err("ERR namespace 'agnet' holds nothing to back up: nothing was added to it"),
          c.call("MEM.BACKUP", "nightly"));
      assertEquals(List.of(), TestServer.namespacesOnDisk(data), "reads created a namespace");

      assertTrue(c.call("MEM.ADD", "s", "user", "hello", "VECTOR", "VALUES", "3", "1", "0", "0") instanceof Long);
      assertEquals(List.of("agnet"), TestServer.namespacesOnDisk(data), "the first MEM.ADD creates it");
      assertEquals(1L, assertInstanceOf(Map.class, c.call("MEM.STATS")).get("events"));
      assertEquals(1, assertInstanceOf(List.class, c.call("MEM.TRACE", "s")).size());
    }
  }

  /** A MEM.ADD or VADD that the engine refuses creates no namespace either (found by exploratory testing). */
  @Test
  void aRefusedFirstWriteCreatesNothing() throws Exception {
    Path data = dir.resolve("data");
    try (AeonServer server = TestServer.start(data); RespClient c = TestServer.resp3(server, "fresh")) {
      String big = "{\"k\":\"" + "v".repeat(40_000) + "\"}";
      Map<String, Object[]> refused = new java.util.LinkedHashMap<>();
      refused.put("role is longer than 1024 bytes", new Object[] {"MEM.ADD", "s", "r".repeat(2_000), "x"});
      refused.put("session must not be empty", new Object[] {"MEM.ADD", "", "user", "x"});
      refused.put("no event with id 5 in namespace 'fresh'", new Object[] {"MEM.ADD", "s", "user", "x", "VECTOR",
          "VALUES", "2", "1", "0", "LINK", "T", "5"});
      refused.put("attributes take more than 32760 bytes", new Object[] {"MEM.ADD", "s", "user", "x", "VECTOR",
          "VALUES", "2", "1", "0", "ATTRS", big});
      refused.put("attributes take more than 32760 bytes ", new Object[] {"VADD", "set", "VALUES", "2", "1", "0",
          "e", "SETATTR", big});
      for (Map.Entry<String, Object[]> r : refused.entrySet()) {
        String reply = c.call(r.getValue()).toString();
        assertTrue(reply.contains(r.getKey().strip()), r.getKey() + ": " + reply);
      }
      assertEquals(List.of(), TestServer.namespacesOnDisk(data), "a refused write created a namespace");
    }
  }

  /**
   * No read of a vector set, nor a VREM, VSETATTR, DEL or UNLINK of a key that does not exist, nor a read of the
   * engine's (MEM.*) creates a namespace: not on a namespace that was never written (nor after a refused first VADD),
   * and not on one whose vector-set namespace closed as idle, which such a command opens again as it is (the set's
   * key there, and another key).
   */
  @Test
  void noReadOfAnAbsentKeyOrNamespaceCreatesOne() throws Exception {
    Path data = dir.resolve("data");
    try (AeonServer server = TestServer.start(data, c -> c.withNamespaceIdle(Duration.ofMillis(100))
        .withBackupDir(dir.resolve("backups")));
         RespClient c = TestServer.resp3(server, "fresh")) {
      assertEachAnswers(c, readsOfAnAbsentKey("set"));
      String big = "{\"k\":\"" + "v".repeat(40_000) + "\"}";
      assertTrue(c.call("VADD", "set", "VALUES", "2", "1", "0", "e", "SETATTR", big) instanceof RespClient.Err);
      assertEachAnswers(c, readsOfAnAbsentKey("set")); // the set of a refused first VADD, bound to its namespace
      assertEachAnswers(c, readsOfAnAbsentNamespace("fresh"));
      assertEquals(List.of(), c.call("KEYS", "*"));
      assertEquals(List.of("0", List.of()), c.call("SCAN", "0"));
      assertEquals(0L, c.call("DBSIZE"));
      assertEquals(List.of(), TestServer.namespacesOnDisk(data), "a read created a namespace");

      assertEquals("OK", c.call("SELECT", "agent"));
      assertEquals(true, c.call("VADD", "cities", "VALUES", "2", "1", "0", "lisbon"));
      List<String> written = List.of("agent.vset-d2");
      assertEquals(written, TestServer.namespacesOnDisk(data));
      TestServer.awaitClosedAsIdle(server, "agent.vset-d2");
      assertEachAnswers(c, readsOfAnAbsentKey("set"));
      assertEquals(1L, c.call("VCARD", "cities"), "the set, in its namespace opened again");
      TestServer.awaitClosedAsIdle(server, "agent.vset-d2");
      assertEquals(true, c.call("VISMEMBER", "cities", "lisbon"));
      assertEachAnswers(c, readsOfAnAbsentNamespace("agent"));
      TestServer.awaitClosedAsIdle(server, "agent.vset-d2");
      assertEquals(List.of("cities"), c.call("KEYS", "*"));
      assertEquals(1L, c.call("DBSIZE"));
      assertEquals(written, TestServer.namespacesOnDisk(data), "a read created a namespace");
    }
  }

  /** Each vector-set command on a key that does not exist, that adds nothing, with the reply of a missing key. */
  private static Map<List<String>, Object> readsOfAnAbsentKey(String key) {
    Map<List<String>, Object> reads = new java.util.LinkedHashMap<>();
    reads.put(List.of("VCARD", key), 0L);
    reads.put(List.of("VDIM", key), new RespClient.Err("ERR key does not exist"));
    reads.put(List.of("VEMB", key, "e"), null);
    reads.put(List.of("VINFO", key), null);
    reads.put(List.of("VGETATTR", key, "e"), null);
    reads.put(List.of("VISMEMBER", key, "e"), false);
    reads.put(List.of("VRANDMEMBER", key), null);
    reads.put(List.of("VRANDMEMBER", key, "3"), List.of());
    reads.put(List.of("VSIM", key, "VALUES", "2", "1", "0"), List.of());
    reads.put(List.of("VREM", key, "e"), false);
    reads.put(List.of("VSETATTR", key, "e", "{}"), false);
    reads.put(List.of("DEL", key), 0L);
    reads.put(List.of("UNLINK", key), 0L);
    reads.put(List.of("EXISTS", key), 0L);
    reads.put(List.of("TYPE", key), "none");
    return reads;
  }

  /** Each command on the selected namespace, {@code ns}, that adds nothing, with its reply there. */
  private static Map<List<String>, Object> readsOfAnAbsentNamespace(String ns) {
    Map<List<String>, Object> reads = new java.util.LinkedHashMap<>();
    reads.put(List.of("MEM.RECALL", "VALUES", "3", "1", "0", "0", "COUNT", "5"), List.of());
    reads.put(List.of("MEM.TRACE", "s"), List.of());
    reads.put(List.of("MEM.SESSIONS", "0"), List.of("0", List.of()));
    reads.put(List.of("MEM.GET", "1"), null);
    reads.put(List.of("MEM.SETATTR", "1", "{\"k\":1}"),
        new RespClient.Err("ERR no event with id 1 in namespace '" + ns + "'"));
    reads.put(List.of("MEM.INVALIDATE", "1", "REPLIES_TO", "2"),
        new RespClient.Err("ERR no event with id 1 in namespace '" + ns + "'"));
    reads.put(List.of("MEM.FORGET", "1"), 0L);
    reads.put(List.of("MEM.FORGET", "SESSION", "s"), 0L);
    reads.put(List.of("MEM.CHECKPOINT"), "OK");
    reads.put(List.of("MEM.COMPACT"), "OK");
    return reads;
  }

  private static void assertEachAnswers(RespClient c, Map<List<String>, Object> replies) throws Exception {
    for (Map.Entry<List<String>, Object> r : replies.entrySet()) {
      assertEquals(r.getValue(), c.call(r.getKey().toArray()), String.join(" ", r.getKey()));
    }
    Map<?, ?> stats = assertInstanceOf(Map.class, c.call("MEM.STATS"));
    assertEquals(0L, stats.get("events"), "MEM.STATS");
    Map<?, ?> counted = assertInstanceOf(Map.class, c.call("MEM.QUERY", "MATCH (e) RETURN count(e)"));
    assertEquals(List.of(List.of(0L)), counted.get("rows"), "MEM.QUERY");
  }

  private static void awaitClosed(AeonServer server, String namespace) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (server.context().openNamespaces().contains(namespace)) {
      assertTrue(System.nanoTime() < deadline, namespace + " never closed as idle");
      Thread.sleep(20);
    }
  }

  @Test
  void aNamespaceHoldingOnlyVectorSetsIsBackedUp() throws Exception {
    Path backups = dir.resolve("backups");
    try (AeonServer server = TestServer.start(dir.resolve("data"), c -> c.withBackupDir(backups));
         RespClient c = TestServer.resp3(server, "default")) {
      assertEquals(true, c.call("VADD", "cities", "VALUES", "2", "1", "0", "lisbon"));
      List<?> copied = assertInstanceOf(List.class, c.call("MEM.BACKUP", "nightly"));
      assertEquals(1, copied.size(), copied.toString());
      assertEquals("default.vset-d2", ((Map<?, ?>) copied.get(0)).get("namespace"));
    }
    try (AeonServer restored = TestServer.start(backups.resolve("nightly"));
         RespClient c = new RespClient(restored.port())) {
      assertEquals(List.of("lisbon"), c.call("VSIM", "cities", "VALUES", "2", "1", "0"));
    }
  }
}
