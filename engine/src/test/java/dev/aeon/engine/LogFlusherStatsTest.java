package dev.aeon.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.wal.FlusherStats;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.Arrays;
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

  /**
   * Every counter of the log's record is carried under its name and type, into its own field: a counter the log
   * adds, and the engine's record lacks, fails here rather than going missing from {@link MemoryStats}.
   */
  @Test
  void everyCounterOfTheLogIsCarriedUnderItsName() throws Exception {
    assertEquals(components(FlusherStats.class), components(LogFlusherStats.class), "the records' components");
    FlusherStats log = new FlusherStats(1, 2, 3, 4, List.of(5L, 6L, 7L, 8L, 9L, 10L)); // no two counters alike
    LogFlusherStats engine = LogFlusherStats.of(log);
    for (RecordComponent c : FlusherStats.class.getRecordComponents()) {
      assertEquals(c.getAccessor().invoke(log), LogFlusherStats.class.getMethod(c.getName()).invoke(engine),
          c.getName());
    }
    assertEquals(FlusherStats.RETURN_BOUNDS_MICROS, LogFlusherStats.RETURN_BOUNDS_MICROS, "the same classes");
    assertEquals(FlusherStats.WINDOW_MICROS, LogFlusherStats.WINDOW_MICROS);
  }

  private static List<String> components(Class<? extends Record> type) {
    return Arrays.stream(type.getRecordComponents()).map(c -> c.getGenericType().getTypeName() + " " + c.getName())
        .toList();
  }
}
