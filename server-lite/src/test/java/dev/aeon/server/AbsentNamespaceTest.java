package dev.aeon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Neither SELECT nor a command that adds nothing creates a namespace: a mistyped name leaves nothing on disk. */
class AbsentNamespaceTest {

  @TempDir Path dir;

  @Test
  void readingANamespaceNeverWrittenAnswersEmptyAndCreatesNothing() throws Exception {
    Path data = dir.resolve("data");
    try (AeonServer server = TestServer.start(data, c -> c.withBackupDir(dir.resolve("backups")));
         RespClient c = new RespClient(server.port())) {
      c.call("HELLO", "3");
      assertEquals("OK", c.call("SELECT", "agnet"));
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
      assertEquals(List.of(), namespacesOnDisk(data), "reads created a namespace");

      assertTrue(c.call("MEM.ADD", "s", "user", "hello", "VECTOR", "VALUES", "3", "1", "0", "0") instanceof Long);
      assertEquals(List.of("agnet"), namespacesOnDisk(data), "the first MEM.ADD creates it");
      assertEquals(1L, assertInstanceOf(Map.class, c.call("MEM.STATS")).get("events"));
      assertEquals(1, assertInstanceOf(List.class, c.call("MEM.TRACE", "s")).size());
    }
  }

  /** A MEM.ADD or VADD that the engine refuses creates no namespace either (found by exploratory testing). */
  @Test
  void aRefusedFirstWriteCreatesNothing() throws Exception {
    Path data = dir.resolve("data");
    try (AeonServer server = TestServer.start(data); RespClient c = new RespClient(server.port())) {
      c.call("HELLO", "3");
      assertEquals("OK", c.call("SELECT", "fresh"));
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
      assertEquals(List.of(), namespacesOnDisk(data), "a refused write created a namespace");
    }
  }

  @Test
  void aNamespaceHoldingOnlyVectorSetsIsBackedUp() throws Exception {
    Path backups = dir.resolve("backups");
    try (AeonServer server = TestServer.start(dir.resolve("data"), c -> c.withBackupDir(backups));
         RespClient c = new RespClient(server.port())) {
      c.call("HELLO", "3");
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

  private static List<String> namespacesOnDisk(Path data) throws Exception {
    if (!Files.exists(data.resolve("ns"))) {
      return List.of();
    }
    try (Stream<Path> dirs = Files.list(data.resolve("ns"))) {
      return dirs.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
