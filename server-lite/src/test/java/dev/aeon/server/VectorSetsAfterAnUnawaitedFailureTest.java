package dev.aeon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.engine.Durability;
import dev.aeon.engine.Memory;
import dev.aeon.wal.HeldForces;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Under {@code --durability async} a VADD is answered once its event is written to the operating system, and the log
 * is forced in the background: when that force fails, no command waits for it, and the server hears of the failure
 * only when the engine, on the next use of the namespace, reopens it with what its log made durable. The set's element
 * map must then be read again from the reopened namespace, which lacks the element and hands its event id out again,
 * rather than go on naming the lost element by that id. Here elements a and b are forced, c is answered but its force
 * fails (dropping what it could not write, as Linux may: the log's files are put back as they were forced); then VCARD
 * must count two elements, a VADD of d takes c's old id in the reopened namespace, and a VREM of c must find no c and
 * leave d.
 *
 * <p>On the code that dropped a set only when told of the failure by the writer that waited for it ({@code
 * VectorSets.forgetStorage}), VCARD answered 3 and the VREM of c answered 1, forgetting d's event: no writer waited.
 */
class VectorSetsAfterAnUnawaitedFailureTest {

  private static final String STORAGE = "default.vset-d3";

  @TempDir Path dir;

  @Test
  void aSetWhoseNamespaceFailedInTheBackgroundIsReadAgainFromTheReopenedOne() throws Exception {
    PrintStream stderr = System.err;
    try (AeonServer server = TestServer.start(dir, c -> c.withEngine(c.engine().withDurability(Durability.ASYNC)
        .withCheckpoints(1L << 40, Duration.ofHours(1))));
        RespClient c = new RespClient(server.port())) {
      assertEquals(1L, c.call("VADD", "set", "VALUES", "3", "1", "0", "0", "a"));
      assertEquals(1L, c.call("VADD", "set", "VALUES", "3", "0", "1", "0", "b"));
      Path log = dir.resolve("ns").resolve(STORAGE).resolve("wal");
      assertTrue(Files.isDirectory(log), log + " is not the storage namespace's log");
      ForcedLog forced = ForcedLog.of(log); // a and b, as the force below would have left them had it gone through
      System.setErr(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)); // the WARN lines
      try (HeldForces forces = HeldForces.hold()) {
        assertEquals(1L, c.call("VADD", "set", "VALUES", "3", "0", "1", "1", "c"), "c, answered before its force");
        assertTrue(forces.awaitAForceHeld(60), "no force of the log was held");
        Memory failing = server.context().ifOpen(STORAGE).orElseThrow();
        forces.fail();
        // The background force fails the log; a checkpoint's force fails it too if it comes first: either way the log
        // has failed once the checkpoint is refused, and nothing told the server's vector sets.
        assertThrows(RuntimeException.class, failing::checkpoint, "a checkpoint of the failed namespace");
        forced.putBack(); // as a failed fsync may leave it
      } finally {
        System.setErr(stderr);
      }
      assertEquals(2L, c.call("VCARD", "set"), "VCARD after the reopened namespace lost c");
      assertEquals(0L, c.call("VISMEMBER", "set", "c"));
      assertEquals(1L, c.call("VADD", "set", "VALUES", "3", "0", "0", "1", "d"));
      assertEquals(0L, c.call("VREM", "set", "c"), "VREM of c, which the reopened namespace lacks");
      Map<String, String> held = StoredElements.of(server, STORAGE, "set");
      assertEquals(Map.of("a", "x", "b", "y", "d", "z"), held, "the namespace's elements and their vectors' axes");
      assertEquals((long) held.size(), c.call("VCARD", "set"), "VCARD against the namespace's " + held);
      for (String element : List.of("a", "b", "c", "d")) {
        assertEquals(held.containsKey(element) ? 1L : 0L, c.call("VISMEMBER", "set", element), element);
      }
    }
  }
}
