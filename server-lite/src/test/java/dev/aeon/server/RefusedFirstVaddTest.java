package dev.aeon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.server.vset.SetsInMemory;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A first VADD of a key that the engine refuses (attributes beyond what an event holds) or that the server refuses
 * once the set is bound to its dimension (a vector too large for its quantization) leaves no set in the server's
 * memory: a set exists while it has elements. On the code before, the refusal's exception skipped the drop of the empty
 * set, which stayed in the map of sets until the key was next used (the count here was 1).
 */
class RefusedFirstVaddTest {

  @TempDir Path dir;

  @Test
  void aRefusedFirstVaddKeepsNoEmptySetInMemory() throws Exception {
    try (AeonServer server = TestServer.start(dir); RespClient c = new RespClient(server.port())) {
      String big = "{\"k\":\"" + "v".repeat(40_000) + "\"}";
      RespClient.Err refused = assertInstanceOf(RespClient.Err.class,
          c.call("VADD", "set", "VALUES", "2", "1", "0", "e", "SETATTR", big));
      assertTrue(refused.message().startsWith("ERR "), refused.message());
      assertEquals(0, SetsInMemory.count(server.context().vectorSets()), "after the engine refused the first element");

      Object[] tooLarge = new Object[4 + 7_000];
      tooLarge[0] = "VADD";
      tooLarge[1] = "wide";
      tooLarge[2] = "VALUES";
      tooLarge[3] = "7000";
      for (int i = 4; i < tooLarge.length; i++) {
        tooLarge[i] = "1";
      }
      Object[] command = java.util.Arrays.copyOf(tooLarge, tooLarge.length + 2);
      command[tooLarge.length] = "e";
      command[tooLarge.length + 1] = "NOQUANT";
      refused = assertInstanceOf(RespClient.Err.class, c.call(command));
      assertTrue(refused.message().contains("too large for NOQUANT"), refused.message());
      assertEquals(0, SetsInMemory.count(server.context().vectorSets()), "after a vector too large for the set");

      assertEquals(1L, c.call("VADD", "set", "VALUES", "2", "1", "0", "e"));
      assertEquals(1, SetsInMemory.count(server.context().vectorSets()), "a set with an element is kept");
      assertEquals(List.of("set"), c.call("KEYS", "*"));
    }
  }
}
