package dev.aeon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.server.vset.HeldCommand;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loading a set reads all its events from the engine, which takes as long as the set is large and the disk slow: it
 * must not run while it holds the bin of the server's map of sets (a {@code ConcurrentHashMap}, whose {@code
 * computeIfAbsent} holds a bin locked while it computes), where the commands on every other key of that bin would wait
 * for it. Here a load is held once it has read the set's events ({@link HeldCommand#holdNextLoad}), and a VCARD of a
 * key of the same bin must still be answered; on the code that loaded inside {@code computeIfAbsent} it was not (the
 * read timed out).
 */
class VectorSetLoadHoldsNoOtherKeyTest {

  @TempDir Path dir;

  @Test
  void aLoadUnderWayHoldsNoCommandOnAnotherKeyOfItsBin() throws Exception {
    try (AeonServer server = TestServer.start(dir)) {
      // written past the server's sets, so that the first command on the key loads it
      server.context().memory("default.vset-d3").remember(StoredElements.element("slow", "a", 1, 0, 0));
      String neighbour = SetMapBins.keyOfTheSameBin("slow");
      try (RespClient loader = new RespClient(server.port()); RespClient other = new RespClient(server.port());
          HeldCommand load = HeldCommand.holdNextLoad()) {
        loader.send("VCARD", "slow");
        assertTrue(load.awaitHeld(60), "the load of slow was not held");
        other.socket().setSoTimeout(20_000); // far beyond a map lookup; a held load never returns by itself
        assertEquals(0L, other.call("VCARD", neighbour), "VCARD of " + neighbour + ", in the bin of slow");
        load.release();
        assertEquals(1L, loader.read(), "VCARD slow");
      }
    }
  }
}
