package dev.aeon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** FLUSHDB: the selected namespace and its vector sets' namespaces go, files and all; the others stay. */
class FlushDbTest {

  @TempDir Path dir;

  @Test
  void flushDbDropsTheSelectedNamespaceAndItsVectorSets() throws Exception {
    Path data = dir.resolve("data");
    try (AeonServer server = TestServer.start(data);
         RespClient c = TestServer.resp3(server, "other")) {
      c.call("MEM.ADD", "s", "user", "kept", "VECTOR", "VALUES", "3", "1", "0", "0");
      assertEquals("OK", c.call("SELECT", "agent"));
      for (int i = 0; i < 5; i++) {
        c.call("MEM.ADD", "s", "user", "turn " + i, "VECTOR", "VALUES", "3", "1", Integer.toString(i), "0");
        assertEquals(true, c.call("VADD", "cities", "VALUES", "2", "1", Integer.toString(i), "old" + i));
      }
      assertEquals(List.of("agent", "agent.vset-d2", "other"), TestServer.namespacesOnDisk(data));

      assertEquals("OK", c.call("FLUSHDB"));
      assertEquals(List.of("other"), TestServer.namespacesOnDisk(data));
      assertEquals(0L, assertInstanceOf(Map.class, c.call("MEM.STATS")).get("events"));
      assertEquals(0L, c.call("VCARD", "cities"));

      // The new set's first element gets the id the dropped set's first element had: a set cached from
      // before the flush would map "old0" to it, and VREM old0 would remove "new".
      assertEquals(true, c.call("VADD", "cities", "VALUES", "2", "0", "1", "new"));
      assertEquals(false, c.call("VREM", "cities", "old0"));
      assertEquals(true, c.call("VISMEMBER", "cities", "new"));
      assertEquals(1L, c.call("VCARD", "cities"));

      assertEquals("OK", c.call("FLUSHDB", "ASYNC"));
      assertEquals("OK", c.call("FLUSHDB", "sync"));
      assertEquals(new RespClient.Err("ERR syntax error"), c.call("FLUSHDB", "LATER"));
      assertEquals(new RespClient.Err("ERR syntax error"), c.call("FLUSHDB", "ASYNC", "SYNC"));

      assertEquals("OK", c.call("SELECT", "other"));
      assertEquals(1L, assertInstanceOf(Map.class, c.call("MEM.STATS")).get("events"));
    }
    try (AeonServer server = TestServer.start(data);
         RespClient c = TestServer.resp3(server, "agent")) {
      assertEquals(List.of("other"), TestServer.namespacesOnDisk(data),
          "what was flushed stays flushed after a restart");
      assertEquals(0L, c.call("VCARD", "cities"));
    }
  }

  @Test
  void flushDbIsListedAmongTheCommands() throws Exception {
    try (AeonServer server = TestServer.start(dir.resolve("data"));
         RespClient c = new RespClient(server.port())) {
      assertTrue(c.call("COMMAND", "INFO", "flushdb").toString().contains("flushdb"));
    }
  }
}
