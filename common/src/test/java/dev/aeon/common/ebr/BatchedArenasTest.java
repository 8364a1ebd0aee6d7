package dev.aeon.common.ebr;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BatchedArenasTest {

  @Test
  void anArenaClosesOnceAllItsLeasesAreRetiredAndNoReaderIsInside() {
    try (Epochs ebr = new Epochs(Epochs.Config.defaults().withReclaimInterval(Duration.ZERO))) {
      BatchedArenas arenas = new BatchedArenas(ebr, 2);
      BatchedArenas.Lease a = arenas.lease();
      BatchedArenas.Lease b = arenas.lease();
      BatchedArenas.Lease c = arenas.lease();
      assertSame(a.arena(), b.arena());
      assertNotSame(a.arena(), c.arena(), "a full arena must not serve more leases");
      a.retire();
      ebr.reclaim();
      assertTrue(a.arena().scope().isAlive(), "b still uses the arena");
      Guard reader = ebr.enter();
      b.retire();
      ebr.reclaim();
      assertTrue(a.arena().scope().isAlive(), "a reader inside a guard could still see b's memory");
      reader.close();
      ebr.reclaim();
      assertFalse(a.arena().scope().isAlive());
      assertThrows(IllegalStateException.class, b::retire);
      arenas.close();
      assertTrue(c.arena().scope().isAlive(), "close must wait for the live lease");
      c.retire();
      ebr.reclaim();
      assertFalse(c.arena().scope().isAlive());
    }
  }
}
