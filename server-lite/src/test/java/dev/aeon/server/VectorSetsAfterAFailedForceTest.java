package dev.aeon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.engine.Durability;
import dev.aeon.engine.Event;
import dev.aeon.server.vset.StoredVector;
import dev.aeon.wal.HeldForces;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Vector-set writes made inside a pipeline under SYNC do not wait for their force before the set's element map
 * changes (a DEL drops the set from memory, a VADD that replaces an element points it at its new event). When the
 * log then fails to make them durable, the engine reopens the namespace with what its log holds; what the vector-set
 * commands answer afterwards must agree with it element for element (a set read from the failed instance of the
 * namespace is read again from the reopened one on its next use). The failed write is answered with an error, and the
 * commands after it with their replies. The failed fsync here also drops what it could not write, as Linux may: the
 * log's files are put back as they were forced, so the reopened namespace lacks the pipeline's writes. Both passed on
 * the code they came with, which dropped the sets of the namespaces the connection was told had failed; without that,
 * the VADD case failed (VEMB found no event for the element the set's map still pointed at), while the DEL case held
 * (a set deleted is no longer in memory, and is read again).
 */
class VectorSetsAfterAFailedForceTest {

  private static final String STORAGE = "default.vset-d3";

  @TempDir Path dir;

  @Test
  void aPipelinedDelWhoseForceFailedLeavesTheSetAsTheReopenedNamespaceHoldsIt() throws Exception {
    check(List.of(new Object[] {"DEL", "set"}, new Object[] {"VCARD", "set"}));
  }

  @Test
  void aPipelinedReplacingVaddWhoseForceFailedLeavesTheElementAsTheReopenedNamespaceHoldsIt() throws Exception {
    check(List.of(new Object[] {"VADD", "set", "VALUES", "3", "0", "0", "1", "a"}, new Object[] {"VCARD", "set"}));
  }

  /** Adds elements a and b, runs {@code pipeline} and a PING with the log's forces failing, then compares. */
  private void check(List<Object[]> pipeline) throws Exception {
    PrintStream stderr = System.err;
    try (AeonServer server = TestServer.start(dir, c -> c.withEngine(c.engine().withDurability(Durability.SYNC)
        .withCheckpoints(1L << 40, Duration.ofHours(1))))) {
      try (RespClient c = new RespClient(server.port())) {
        assertEquals(1L, c.call("VADD", "set", "VALUES", "3", "1", "0", "0", "a"));
        assertEquals(1L, c.call("VADD", "set", "VALUES", "3", "0", "1", "0", "b"));
        long ran = server.context().commandsProcessed();
        System.setErr(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)); // the WARN line
        Path log = dir.resolve("ns").resolve(STORAGE).resolve("wal");
        assertTrue(Files.isDirectory(log), log + " is not the storage namespace's log");
        ForcedLog forced = ForcedLog.of(log); // every write so far was acknowledged, so forced
        try (HeldForces forces = HeldForces.hold()) {
          ByteArrayOutputStream all = new ByteArrayOutputStream();
          for (Object[] command : pipeline) {
            all.writeBytes(RespClient.encode(command));
          }
          all.writeBytes(RespClient.encode("PING"));
          c.sendRaw(all.toByteArray());
          assertTrue(forces.awaitAForceHeld(60), "no force of the log was held");
          while (server.context().commandsProcessed() < ran + pipeline.size() + 1) {
            Thread.sleep(1);
          }
          forces.fail();
          Object first = c.read(); // the write's: an error, since its force failed
          assertTrue(first instanceof RespClient.Err e
              && e.message().startsWith("ERR I/O error: the write-ahead log failed"), String.valueOf(first));
          for (int i = 1; i < pipeline.size(); i++) {
            c.read(); // a read may have seen the write that failed, as another client's read may
          }
          assertEquals("PONG", c.read(), "the connection goes on");
          forced.putBack(); // as a failed fsync may leave it
        } finally {
          System.setErr(stderr);
        }
      }
      try (RespClient c = new RespClient(server.port())) {
        Map<String, String> held = elementsHeld(server); // reopens the namespace that failed
        assertEquals((long) held.size(), c.call("VCARD", "set"), "VCARD against the namespace's " + held);
        for (String element : List.of("a", "b")) {
          assertEquals(held.containsKey(element) ? 1L : 0L, c.call("VISMEMBER", "set", element), element);
        }
        if (held.containsKey("a")) {
          assertEquals(held.get("a"), axis((List<?>) c.call("VEMB", "set", "a")), "the axis of a's vector");
        }
      }
    }
  }


  /** Each element the storage namespace holds, with its vector as VEMB answers it (from the event's). */
  private static Map<String, String> elementsHeld(AeonServer server) throws Exception {
    Map<String, String> held = new TreeMap<>();
    for (Event e : server.context().memory(STORAGE).history("vset:set", 100)) {
      float[] v = StoredVector.decode((String) e.attributes().get(StoredVector.ATTRIBUTE), e.text()).vector();
      held.putIfAbsent(e.text(), axis(java.util.Arrays.asList(v[0], v[1], v[2])));
    }
    return held;
  }

  /** Which axis a vector of the test lies on (x, y or z: each element's vector is a unit one of them). */
  private static String axis(List<?> vector) {
    for (int i = 0; i < vector.size(); i++) {
      if (Double.parseDouble(String.valueOf(vector.get(i))) > 0.5) {
        return "xyz".substring(i, i + 1);
      }
    }
    throw new AssertionError("no axis: " + vector);
  }
}
