package dev.aeon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.engine.Durability;
import dev.aeon.server.vset.SetsInMemory;
import dev.aeon.wal.HeldForces;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A key known absent whose first VADD is answered with an error, its log's force failing: the reopened namespace
 * holds the key if the failed write reached the log's file anyway (and replays it), and lacks it if the failed fsync
 * dropped it, as Linux may. Either way the reads after the failure answer as the namespace holds it, never "absent"
 * for a key it holds. Both passed on the code the known absent keys came with.
 */
class AbsentKeysAfterAFailedForceTest {

  private static final String STORAGE = "default.vset-d3";

  @TempDir Path dir;

  @Test
  void aVaddWhoseWriteReachedTheLogIsFoundThoughItsForceFailed() throws Exception {
    check(false);
  }

  @Test
  void aVaddWhoseWriteTheFailedForceDroppedStaysAbsent() throws Exception {
    check(true);
  }

  private void check(boolean dropTheWrite) throws Exception {
    PrintStream stderr = System.err;
    try (AeonServer server = TestServer.start(dir, c -> c.withEngine(c.engine().withDurability(Durability.SYNC)
        .withCheckpoints(1L << 40, Duration.ofHours(1))))) {
      try (RespClient c = new RespClient(server.port())) {
        assertEquals(1L, c.call("VADD", "other", "VALUES", "3", "1", "0", "0", "a"));
        assertEquals(0L, c.call("VCARD", "k"));
        assertEquals(1, SetsInMemory.knownAbsent(server.context().vectorSets()), "k is known absent");
        long ran = server.context().commandsProcessed();
        System.setErr(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)); // the WARN line
        Path log = dir.resolve("ns").resolve(STORAGE).resolve("wal");
        assertTrue(Files.isDirectory(log), log + " is not the storage namespace's log");
        ForcedLog forced = ForcedLog.of(log);
        try (HeldForces forces = HeldForces.hold()) {
          c.sendRaw(concat(RespClient.encode("VADD", "k", "VALUES", "3", "0", "1", "0", "a"),
              RespClient.encode("PING")));
          assertTrue(forces.awaitAForceHeld(60), "no force of the log was held");
          while (server.context().commandsProcessed() < ran + 2) {
            Thread.sleep(1);
          }
          forces.fail();
          Object vadd = c.read();
          assertTrue(vadd instanceof RespClient.Err e
              && e.message().startsWith("ERR I/O error: the write-ahead log failed"), String.valueOf(vadd));
          assertEquals("PONG", c.read());
          if (dropTheWrite) {
            forced.putBack();
          }
        } finally {
          System.setErr(stderr);
        }
      }
      try (RespClient c = new RespClient(server.port())) {
        boolean held = !server.context().memory(STORAGE).history("vset:k", 10).isEmpty(); // reopens the namespace
        assertEquals(!dropTheWrite, held, "the reopened namespace replayed the write that reached the log");
        for (int read = 0; read < 3; read++) {
          assertEquals(held ? 1L : 0L, c.call("VCARD", "k"), "read " + read);
          assertEquals(held ? 1L : 0L, c.call("EXISTS", "k"), "read " + read);
        }
        assertEquals(held ? 0L : 1L, c.call("VADD", "k", "VALUES", "3", "0", "1", "0", "a"));
        assertEquals(1L, c.call("VCARD", "k"));
      }
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    all.writeBytes(a);
    all.writeBytes(b);
    return all.toByteArray();
  }
}
