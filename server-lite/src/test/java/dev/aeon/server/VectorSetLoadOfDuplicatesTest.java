package dev.aeon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.engine.Durability;
import dev.aeon.engine.Event;
import dev.aeon.engine.Memory;
import dev.aeon.engine.Remember;
import dev.aeon.server.vset.StoredVector;
import dev.aeon.wal.HeldForces;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A set whose session holds an update cut short by a crash (an element's new event remembered, its old one not yet
 * forgotten) forgets the old event when it is loaded. Outside a pipeline that forget waits for its forced write: it
 * must not wait while holding the bin of the server's map of sets (a {@code ConcurrentHashMap}, whose {@code
 * computeIfAbsent} once loaded the set), where the commands on every other key of that bin would wait for the disk
 * too, nor while holding the set's lock (under which the set is loaded now), where the readers of the set would.
 * Here the force is held ({@link HeldForces}) while a VCARD loads such a set, and a VCARD of a key of the same bin, and
 * one of the set itself, must still be answered; on the code that forgot inside {@code computeIfAbsent} the first was
 * not (the read timed out), and the duplicate is forgotten all the same once the force goes through.
 */
class VectorSetLoadOfDuplicatesTest {

  private static final String STORAGE = "default.vset-d3";

  @TempDir Path dir;

  @Test
  void loadingASetWithACutShortUpdateHoldsNoOtherKeyBehindItsForce() throws Exception {
    try (AeonServer server = TestServer.start(dir, c -> c.withEngine(c.engine().withDurability(Durability.SYNC)
        .withCheckpoints(1L << 40, Duration.ofHours(1))))) {
      Memory storage = server.context().memory(STORAGE);
      float[] v = {1, 0, 0};
      for (int i = 0; i < 2; i++) { // element a twice, as a crash between VADD's remember and forget leaves it
        storage.remember(Remember.event("vset:dup", "element", "a").vector(v, null)
            .attribute(StoredVector.ATTRIBUTE, StoredVector.of(v, 1, StoredVector.Quantization.Q8).encode()));
      }
      String neighbour = SetMapBins.keyOfTheSameBin("dup");
      try (RespClient loader = new RespClient(server.port()); RespClient other = new RespClient(server.port())) {
        try (HeldForces forces = HeldForces.hold()) {
          loader.send("VCARD", "dup");
          assertTrue(forces.awaitAForceHeld(60), "the load forgot no duplicate");
          other.socket().setSoTimeout(20_000); // far beyond a map lookup; a held force never returns by itself
          assertEquals(0L, other.call("VCARD", neighbour), "VCARD of " + neighbour + ", in the bin of dup");
          assertEquals(1L, other.call("VCARD", "dup"), "another client's VCARD dup");
          forces.release();
          assertEquals(1L, loader.read(), "VCARD dup");
        }
        List<Event> events = server.context().memory(STORAGE).history("vset:dup", 10);
        assertEquals(1, events.size(), "the events of dup: " + events);
        assertEquals(1L, loader.call("VISMEMBER", "dup", "a"));
      }
    }
  }
}
