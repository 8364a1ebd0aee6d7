package dev.aeon.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.wal.FlusherStats;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link MemoryStats#logFlusher}: the namespace's log flusher's decisions, as its log counts them. */
class LogFlusherStatsTest {

  @TempDir
  Path dir;

  /**
   * A writer that pauses 2 ms after each remember comes back long after the flusher's window: every idle wait
   * blocked at once, and each counts a late return.
   */
  @Test
  void aPacedWriterIsCountedAsReturningLateAndTheFlusherAsBlocking() throws Exception {
    try (Aeon aeon = Aeon.open(dir, EngineTest.options().withDurability(Durability.SYNC))) {
      Memory m = aeon.memory();
      for (int i = 0; i < 10; i++) {
        m.remember(Remember.event("s", "user", "event " + i).vector(TestVectors.unit(i + 1)));
        Thread.sleep(2);
      }
      FlusherStats flusher = m.stats().logFlusher();
      assertEquals(0, flusher.waitsSpun(), flusher.summary());
      assertTrue(flusher.waitsBlocked() >= 10, flusher.summary());
      assertTrue(flusher.writerReturns().getLast() >= 9, flusher.summary());
    }
    try (Aeon aeon = Aeon.open(dir, EngineTest.options())) {
      assertEquals(FlusherStats.NONE, aeon.reader("absent").stats().logFlusher(), "a namespace that does not exist");
    }
  }
}
