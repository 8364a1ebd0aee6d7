package dev.aeon.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A name's lock excludes that name only, and is gone once nobody holds or waits for it. */
class NameLocksTest {

  @Test
  void aNameWaitsForItselfOnlyAndLeavesNothingBehind() throws Exception {
    NameLocks locks = new NameLocks();
    CompletableFuture<Void> sameName;
    try (NameLocks.Held a = locks.lock("a")) {
      try (NameLocks.Held b = locks.lock("b")) { // another name: not held up
        assertEquals(2, locks.size());
      }
      try (NameLocks.Held again = locks.lock("a")) { // the holder's own thread may take it again
        assertEquals(1, locks.size());
      }
      sameName = CompletableFuture.runAsync(() -> locks.lock("a").close());
      Thread.sleep(50); // not a timing assertion: only a chance for a wrong lock to let it through
      assertFalse(sameName.isDone(), "another thread waits for the name");
    }
    sameName.get(30, TimeUnit.SECONDS);
    assertEquals(0, locks.size(), "no lock is kept for a name nobody holds");
  }
}
