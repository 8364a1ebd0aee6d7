package dev.aeon.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.List;
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
      LogFlusherStats flusher = m.stats().logFlusher();
      assertEquals(0, flusher.waitsSpun(), flusher.toString());
      assertTrue(flusher.waitsBlocked() >= 10, flusher.toString());
      assertTrue(flusher.writerReturns().getLast() >= 9, flusher.toString());
    }
    try (Aeon aeon = Aeon.open(dir, EngineTest.options())) {
      assertEquals(LogFlusherStats.NONE, aeon.reader("absent").stats().logFlusher(), "a namespace that does not exist");
    }
  }

  /**
   * The engine's public API keeps the log's types out (a user depends on the engine, not on its log): the stats
   * handed out the log's own record, {@code dev.aeon.wal.FlusherStats}, and the engine's record of it names none.
   */
  @Test
  void theStatsNameNoTypeOfTheLog() {
    for (Class<?> type : List.of(MemoryStats.class, LogFlusherStats.class)) {
      for (RecordComponent c : type.getRecordComponents()) {
        assertFalse(c.getGenericType().getTypeName().contains("dev.aeon.wal."), c + " is the log's type");
      }
      for (Method m : type.getMethods()) {
        assertFalse(m.toGenericString().contains("dev.aeon.wal."), m + " names the log's type");
      }
      for (Field f : type.getFields()) {
        assertFalse(f.toGenericString().contains("dev.aeon.wal."), f + " is the log's type");
      }
    }
    assertEquals(LogFlusherStats.RETURN_BOUNDS_MICROS.size() + 1, LogFlusherStats.NONE.writerReturns().size());
  }
}
