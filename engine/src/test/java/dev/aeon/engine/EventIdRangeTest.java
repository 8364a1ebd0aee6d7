package dev.aeon.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.common.io.CorruptFileException;
import dev.aeon.engine.log.Mutation.RememberEvent;
import dev.aeon.engine.log.MutationCodec;
import dev.aeon.wal.Wal;
import dev.aeon.wal.WalOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Event ids run from 1 to {@link Memory#MAX_ID} and are never reused. A namespace cannot be filled that
 * far in a test, so these tests log an event with a high id the way the engine would have, and open it.
 */
class EventIdRangeTest {

  private static final long ABOVE_INT = (1L << 31) + 5;

  @TempDir
  Path dir;

  @Test
  void idsAboveTheLargestIntAreRecalledFilteredAndQueried() {
    rememberThree();
    logEventWithId(ABOVE_INT);
    try (Aeon aeon = Aeon.open(dir, EngineTest.options())) {
      Memory m = aeon.memory();
      long next = m.remember(Remember.event("s", "user", "next").vector(TestVectors.unit(8)));
      assertEquals(ABOVE_INT + 1, next);
      Recall bySession = Recall.vector(TestVectors.unit(7), 2).session("s");
      for (int i = 0; i < 2; i++) { // the second is served by the lookaside buffer
        assertEquals(ABOVE_INT, m.recall(bySession).getFirst().event().id());
      }
      assertEquals(ABOVE_INT, m.recall(Recall.vector(TestVectors.unit(7), 1).where("tag", "high")).getFirst().event()
          .id());
      List<List<Object>> rows =
          m.query("MATCH (e {session: 's'}) WHERE e.id > 3 RETURN e.id, similarity(e, $q) > 0.99 AS same "
          + "ORDER BY e.id", Map.of("q", TestVectors.unit(7))).rows();
      assertEquals(List.of(List.of(ABOVE_INT, true), List.of(ABOVE_INT + 1, false)), rows);
      assertEquals("high", m.get(ABOVE_INT).orElseThrow().text());
    }
  }

  @Test
  void aNamespaceThatUsedEveryIdRefusesTheNextEventAndKeepsWorking() {
    rememberThree();
    logEventWithId(Memory.MAX_ID);
    try (Aeon aeon = Aeon.open(dir, EngineTest.options())) {
      Memory m = aeon.memory();
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> m.remember(Remember.event("s", "user", "one too many").vector(TestVectors.unit(9))));
      assertTrue(e.getMessage().contains("every event id"), e.getMessage());
      assertEquals(Memory.MAX_ID, m.recall(Recall.vector(TestVectors.unit(7), 1)).getFirst().event().id());
      m.link(Memory.MAX_ID, "REFERS_TO", 1, 0, Long.MAX_VALUE);
    }
    try (Aeon aeon = Aeon.open(dir, EngineTest.options())) {
      assertEquals(4, aeon.memory().stats().events());
    }
  }

  /**
   * Once every id is used, the lookaside buffer's watermark (the next id) is one past the largest id an
   * allow-list holds: a similar query's hit must still answer, not fail building the range of ids remembered
   * since the cached one.
   */
  @Test
  void aNamespaceThatUsedEveryIdStillAnswersFromTheLookasideBuffer() {
    try (Aeon aeon = Aeon.open(dir, EngineTest.options())) {
      for (int i = 1; i <= 300; i++) { // enough that a recall descends the index, and so is cached
        aeon.memory().remember(Remember.event("s", "user", "text-" + i).vector(TestVectors.unit(i)));
      }
    }
    logEventWithId(Memory.MAX_ID);
    try (Aeon aeon = Aeon.open(dir, EngineTest.options())) {
      Memory m = aeon.memory();
      float[] q = TestVectors.unit(7);
      assertTrue(EngineTest.ids(m.recall(Recall.vector(q, 3))).contains(Memory.MAX_ID)); // tied with event 7
      long hits = m.stats().slbHits();
      float[] near = LookasideBufferTest.nudge(q, 0.01f, 1);
      assertEquals(EngineTest.ids(m.recall(Recall.vector(near, 3).slb(false))),
          EngineTest.ids(m.recall(Recall.vector(near, 3))));
      assertEquals(hits + 1, m.stats().slbHits(), "the similar query was answered by the buffer");
    }
  }

  @Test
  void aLoggedIdOutOfRangeIsReportedAsDamage() {
    rememberThree();
    logEventWithId(Memory.MAX_ID + 1);
    try (Aeon aeon = Aeon.open(dir, EngineTest.options())) {
      CorruptFileException e = assertThrows(CorruptFileException.class, aeon::memory);
      assertTrue(e.getMessage().contains("cannot be decoded"), e.getMessage());
    }
  }

  private void rememberThree() {
    try (Aeon aeon = Aeon.open(dir, EngineTest.options())) {
      for (int i = 1; i <= 3; i++) {
        aeon.memory().remember(Remember.event("s", "user", "text-" + i).vector(TestVectors.unit(i)));
      }
    }
  }

  /** Appends a remembered event with this id to the default namespace's log, as the engine logs one. */
  private void logEventWithId(long id) {
    RememberEvent event = new RememberEvent(id, "s", "user", 1_000, "high", TestVectors.unit(7),
        Map.of("tag", "high"), List.of());
    try (Wal wal = Wal.open(dir.resolve("ns").resolve("default").resolve("wal"), WalOptions.defaults())) {
      wal.appendAndWait(MutationCodec.type(event), MutationCodec.encode(event));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
