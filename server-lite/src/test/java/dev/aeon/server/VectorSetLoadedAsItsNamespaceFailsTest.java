package dev.aeon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.engine.Durability;
import dev.aeon.engine.Memory;
import dev.aeon.server.vset.HeldCommand;
import dev.aeon.wal.HeldForces;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A set loaded from a namespace while its log fails must not be kept as it was read: the load may have read an event
 * that the reopened namespace lacks (the engine lets a reader see a write before it is durable), and the reopened
 * namespace hands that event's id out again. Here set {@code other} gets element c, written to its namespace and
 * waiting for its force; client L loads {@code other}, c in it, and is held once it has read the set's events ({@link
 * HeldCommand#holdNextLoad}); client A's VADD to another set of that namespace waits for the same log; the force
 * fails (dropping what it could not write, as Linux may: the log's files are put back as they were forced), and A is
 * answered an error. Once L goes on, {@code other} must agree with the reopened namespace, which lacks c.
 *
 * <p>On the code that dropped the sets of a failed namespace by walking the server's map of sets ({@code
 * VectorSets.forgetStorage}, run by A's failed VADD), the set L was loading was not in that map yet (it was being
 * built inside the map's {@code computeIfAbsent}), so it was kept with c: VCARD answered 1 and VISMEMBER of c 1.
 */
class VectorSetLoadedAsItsNamespaceFailsTest {

  private static final String STORAGE = "default.vset-d3";

  @TempDir Path dir;

  @Test
  void aSetLoadedWhileItsNamespaceFailsIsReadAgainFromTheReopenedOne() throws Exception {
    PrintStream stderr = System.err;
    try (AeonServer server = TestServer.start(dir, c -> c.withEngine(c.engine().withDurability(Durability.SYNC)
        .withCheckpoints(1L << 40, Duration.ofHours(1))));
        RespClient a = new RespClient(server.port()); RespClient l = new RespClient(server.port());
        RespClient c = new RespClient(server.port())) {
      assertEquals(1L, a.call("VADD", "set", "VALUES", "3", "1", "0", "0", "a"));
      Path log = dir.resolve("ns").resolve(STORAGE).resolve("wal");
      assertTrue(Files.isDirectory(log), log + " is not the storage namespace's log");
      ForcedLog forced = ForcedLog.of(log); // every write so far was acknowledged, so forced
      Memory storage = server.context().memory(STORAGE);
      System.setErr(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)); // the WARN lines
      try (HeldForces forces = HeldForces.hold()) {
        CompletableFuture<Long> lost =
            CompletableFuture.supplyAsync(() -> storage.remember(StoredElements.element("other", "c", 0, 0, 1)));
        assertTrue(forces.awaitAForceHeld(60), "no force of the log was held");
        while (storage.history("vset:other", 1).isEmpty()) { // appended to the log, not yet applied
          Thread.sleep(1);
        }
        a.send("VADD", "set", "VALUES", "3", "0", "1", "0", "b"); // waits for the same log
        try (HeldCommand heldL = HeldCommand.holdNextLoad()) {
          l.send("VCARD", "other");
          assertTrue(heldL.awaitHeld(60), "the load of other was not held");
          forces.fail();
          assertInstanceOf(RespClient.Err.class, a.read(), "A's VADD, whose force failed");
          ExecutionException e = assertThrows(ExecutionException.class, lost::get, "c's remember");
          forced.putBack(); // as a failed fsync may leave it
          forces.close(); // the reopened namespace's forces go through
          heldL.release();
          assertInstanceOf(Long.class, l.read(), "L's VCARD (it read c before the log failed): " + e);
        }
      } finally {
        System.setErr(stderr);
      }
      assertEquals(0L, c.call("VCARD", "other"), "VCARD of other, which the reopened namespace lacks");
      assertEquals(0L, c.call("VISMEMBER", "other", "c"));
      assertEquals(Map.of(), StoredElements.of(server, STORAGE, "other"), "the namespace's elements of other");
      Map<String, String> held = StoredElements.of(server, STORAGE, "set");
      assertEquals(Map.of("a", "x"), held, "the namespace's elements of set");
      assertEquals(1L, c.call("VCARD", "set"));
      for (String element : List.of("a", "b")) {
        assertEquals(held.containsKey(element) ? 1L : 0L, c.call("VISMEMBER", "set", element), element);
      }
    }
  }
}
