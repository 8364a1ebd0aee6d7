package dev.aeon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.engine.Durability;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A writer (VREM, DEL, VSETATTR) that fetched a vector set before its namespace's log failed must not act on the set it
 * holds: the reopened namespace lacks the writes the log did not make durable, and hands their event ids out again,
 * so the old set's element map may name another client's element by its id. Here: elements a and b are durable;
 * client A's VADD of c waits for its force while writer W, which fetched the set (c in it), is held before taking the
 * set's lock ({@link HeldCommand}); the force fails (dropping what it could not write, as Linux may: the log's files
 * are put back as they were forced), and A is answered an error; client C adds d to the reopened namespace, under the
 * event id c had (C's VADD finds the set read from the failed instance and reads it again); then W goes on. What W did
 * must agree with the reopened namespace, and leave d to C.
 *
 * <p>On the code before writers re-checked that their set was dropped, all three failed: the VREM of c answered 1
 * and forgot d's event; the DEL forgot the namespace's session while the set read again by C kept its elements
 * (VCARD 3 where the namespace held none); the VSETATTR of c answered 1 and gave d c's attributes.
 */
class VectorSetWritersOfADroppedSetTest {

  private static final String STORAGE = "default.vset-d3";

  @TempDir Path dir;

  @Test
  void aVremOfAnElementLostWithTheLogRemovesNoOtherElement() throws Exception {
    Map<String, String> held = check(new Object[] {"VREM", "set", "c"}, 0L);
    assertEquals(Map.of("a", "x", "b", "y", "d", "z"), held, "the namespace's elements and their vectors' axes");
  }

  @Test
  void aDelOfADroppedSetLeavesNoElementInMemoryThatTheNamespaceLacks() throws Exception {
    Map<String, String> held = check(new Object[] {"DEL", "set"}, 1L);
    assertEquals(Map.of(), held, "the namespace's elements");
  }

  @Test
  void aVsetattrOfAnElementLostWithTheLogChangesNoOtherElement() throws Exception {
    Map<String, String> held = check(new Object[] {"VSETATTR", "set", "c", "{\"of\":\"c\"}"}, 0L);
    assertEquals(Map.of("a", "x", "b", "y", "d", "z"), held, "the namespace's elements and their vectors' axes");
  }

  /** So must a reader that fetched the element's event id from the dropped set: it would read d's event as c's. */
  @Test
  void aVembOfAnElementLostWithTheLogShowsNoOtherElementsVector() throws Exception {
    Map<String, String> held = check(new Object[] {"VEMB", "set", "c"}, null);
    assertEquals(Map.of("a", "x", "b", "y", "d", "z"), held, "the namespace's elements and their vectors' axes");
  }

  /**
   * So must a writer whose set no other vector-set command fetched since the namespace failed: here d is written to
   * the reopened namespace past the server's sets, so that only the writer, under the set's lock, can find that the
   * namespace is another instance than the one the set was read from. (Passes on the code that dropped the set when
   * A's VADD failed, too; fails if the writer does not check the instance under the lock.)
   */
  @Test
  void aVremOfALostElementRemovesNoOtherElementWhenNoOtherCommandFetchedTheSet() throws Exception {
    Map<String, String> held = check(new Object[] {"VREM", "set", "c"}, 0L, false);
    assertEquals(Map.of("a", "x", "b", "y", "d", "z"), held, "the namespace's elements and their vectors' axes");
  }

  /** The reader's case of the one above. */
  @Test
  void aVembOfALostElementShowsNoOtherElementsVectorWhenNoOtherCommandFetchedTheSet() throws Exception {
    Map<String, String> held = check(new Object[] {"VEMB", "set", "c"}, null, false);
    assertEquals(Map.of("a", "x", "b", "y", "d", "z"), held, "the namespace's elements and their vectors' axes");
  }

  private Map<String, String> check(Object[] writer, Object reply) throws Exception {
    return check(writer, reply, true);
  }

  /**
   * Runs the story of the class with writer W sending {@code writer}, checks W's reply against {@code reply}, and that
   * the vector-set commands agree with the namespace's elements, which it returns (each with its vector's axis), and
   * that d has no attributes (C gave it none). C adds d with a VADD if {@code dByVadd}, else straight into the
   * reopened namespace.
   */
  private Map<String, String> check(Object[] writer, Object reply, boolean dByVadd) throws Exception {
    PrintStream stderr = System.err;
    try (AeonServer server = TestServer.start(dir, c -> c.withEngine(c.engine().withDurability(Durability.SYNC)
        .withCheckpoints(1L << 40, Duration.ofHours(1))))) {
      int port = server.port();
      try (RespClient a = new RespClient(port); RespClient w = new RespClient(port);
          RespClient c = new RespClient(port)) {
        assertEquals(1L, a.call("VADD", "set", "VALUES", "3", "1", "0", "0", "a"));
        assertEquals(1L, a.call("VADD", "set", "VALUES", "3", "0", "1", "0", "b"));
        Path log = dir.resolve("ns").resolve(STORAGE).resolve("wal");
        assertTrue(Files.isDirectory(log), log + " is not the storage namespace's log");
        ForcedLog forced = ForcedLog.of(log); // every write so far was acknowledged, so forced
        System.setErr(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)); // the WARN lines
        try (HeldForces forces = HeldForces.hold()) {
          a.send("VADD", "set", "VALUES", "3", "0", "1", "1", "c");
          assertTrue(forces.awaitAForceHeld(60), "no force of the log was held");
          while (!Long.valueOf(1).equals(c.call("VISMEMBER", "set", "c"))) { // A's VADD has not updated the set yet
            Thread.sleep(1);
          }
          try (HeldCommand heldW = HeldCommand.holdNext()) { // A's VADD is past it: W is the next command
            w.send(writer);
            assertTrue(heldW.awaitHeld(60), "the writer was not held");
            forces.fail();
            assertInstanceOf(RespClient.Err.class, a.read(), "A's VADD, whose force failed");
            forced.putBack(); // as a failed fsync may leave it
            forces.close(); // the reopened namespace's forces go through
            if (dByVadd) {
              assertEquals(1L, c.call("VADD", "set", "VALUES", "3", "0", "0", "1", "d"));
            } else {
              server.context().memory(STORAGE).remember(StoredElements.element("set", "d", 0, 0, 1));
            }
            heldW.release();
            assertEquals(reply, w.read(), "W's reply");
          }
        } finally {
          System.setErr(stderr);
        }
        Map<String, String> held = StoredElements.of(server, STORAGE, "set");
        assertEquals((long) held.size(), c.call("VCARD", "set"), "VCARD against the namespace's " + held);
        for (String element : List.of("a", "b", "c", "d")) {
          assertEquals(held.containsKey(element) ? 1L : 0L, c.call("VISMEMBER", "set", element), element);
        }
        assertNull(c.call("VGETATTR", "set", "d"), "d's attributes");
        return held;
      }
    }
  }
}
