package dev.aeon.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Links between the events of one {@link Memory#rememberAll} batch ({@link Remember#link(String, Remember)}): made
 * with the batch's ids, to events before and after in the batch, replayed from the log; refused, with nothing logged,
 * outside a batch, to an event not in it or in it twice.
 */
class BatchLinksTest {

  @TempDir
  Path dir;

  /** No background checkpoint: a reopen replays the batch from the log. */
  private static AeonOptions options() {
    return EngineTest.options().withCheckpoints(1L << 40, Duration.ofHours(1));
  }

  private static List<Remember> chunks(int n) {
    List<Remember> chunks = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      chunks.add(Remember.event("doc", "chunk", "chunk " + i).vector(TestVectors.unit(i)));
    }
    return chunks;
  }

  /** Each chunk's PREV link (to the one before it in the batch) and NEXT_CHUNK link (to the one after it). */
  private static List<List<Object>> chainOf(Memory m) {
    return m.query("MATCH (a)-[:PREV]->(b) RETURN a.id, b.id ORDER BY a.id", Map.of()).rows().stream()
        .map(List::copyOf).toList();
  }

  @Test
  void aBatchLinksItsEventsBackAndForwardAndAReplayMakesTheSameLinks() {
    Path live = dir.resolve("live");
    Path image = dir.resolve("image");
    try (Aeon aeon = Aeon.open(live, options())) {
      Memory m = aeon.memory();
      long before = m.remember(Remember.event("doc", "title", "the document").vector(TestVectors.unit(99)));
      List<Remember> chunks = chunks(4);
      for (int i = 0; i < 4; i++) {
        if (i > 0) {
          chunks.get(i).link("PREV", chunks.get(i - 1));
        }
        if (i < 3) {
          chunks.get(i).link("NEXT_CHUNK", chunks.get(i + 1)); // to an event after it in the batch
        }
        chunks.get(i).link("PART_OF", before);
      }
      List<Long> ids = m.rememberAll(chunks);
      assertEquals(List.of(2L, 3L, 4L, 5L), ids);
      assertLinked(m, ids, before);
      aeon.backup("default", image); // the batch's record is in the log the image replays
    }
    try (Aeon aeon = Aeon.open(image, options())) {
      assertLinked(aeon.memory(), List.of(2L, 3L, 4L, 5L), 1);
      assertEquals(List.of(), aeon.check("default"));
    }
  }

  private static void assertLinked(Memory m, List<Long> ids, long title) {
    assertEquals(List.of(List.of(ids.get(1), ids.get(0)), List.of(ids.get(2), ids.get(1)),
        List.of(ids.get(3), ids.get(2))), chainOf(m));
    assertEquals(List.of(List.of(ids.get(0), ids.get(1)), List.of(ids.get(1), ids.get(2)),
        List.of(ids.get(2), ids.get(3))), m.query("MATCH (a)-[:NEXT_CHUNK]->(b) RETURN a.id, b.id ORDER BY a.id",
        Map.of()).rows().stream().map(List::copyOf).toList());
    assertEquals(List.of(List.of(4L)), m.query("MATCH (a)-[:PART_OF]->(b {id: $t}) RETURN count(a)",
        Map.of("t", title)).rows());
  }

  @Test
  void anEventLinkedToItselfInTheBatchIsLinkedToItself() {
    try (Aeon aeon = Aeon.open(dir, options())) {
      Memory m = aeon.memory();
      Remember r = Remember.event("s", "user", "self").vector(TestVectors.unit(1));
      r.link("SAME", r);
      long id = m.rememberAll(List.of(r)).getFirst();
      assertEquals(List.of(List.of(id)), m.query("MATCH (a)-[:SAME]->(b {id: $id}) RETURN a.id", Map.of("id", id))
          .rows());
    }
  }

  @Test
  void aLinkToABatchEventIsRefusedOutsideABatchOrWhenItsTargetIsNotOnceInTheBatch() {
    try (Aeon aeon = Aeon.open(dir, options())) {
      Memory m = aeon.memory();
      m.remember(Remember.event("s", "user", "first").vector(TestVectors.unit(0)));
      long lsn = m.stats().lastLsn();
      Remember other = Remember.event("s", "user", "not in the batch").vector(TestVectors.unit(1));

      Remember alone = Remember.event("s", "user", "alone").vector(TestVectors.unit(2)).link("PREV", other);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.remember(alone));
      assertTrue(e.getMessage().contains("only rememberAll can remember it"), e.getMessage());

      List<Remember> missing = chunks(3);
      missing.get(2).link("PREV", other);
      e = assertThrows(IllegalArgumentException.class, () -> m.rememberAll(missing));
      assertTrue(e.getMessage().contains("index 2 ") && e.getMessage().contains("not in the batch"), e.getMessage());

      List<Remember> twice = chunks(2);
      twice.add(twice.getFirst()); // the same event again: a link to it would not say which
      twice.get(1).link("PREV", twice.getFirst());
      e = assertThrows(IllegalArgumentException.class, () -> m.rememberAll(twice));
      assertTrue(e.getMessage().contains("index 1 ") && e.getMessage().contains("more than once"), e.getMessage());

      List<Remember> implicit = chunks(2);
      implicit.get(1).link("NEXT", implicit.getFirst()); // the implicit link type is refused here too
      e = assertThrows(IllegalArgumentException.class, () -> m.rememberAll(implicit));
      assertTrue(e.getMessage().contains("index 1 ") && e.getMessage().contains("NEXT"), e.getMessage());

      assertEquals(lsn, m.stats().lastLsn(), "a refused event or batch was logged");
      assertEquals(1, m.stats().events());
      assertThrows(IllegalArgumentException.class, () -> aeon.checkBeforeCreating("new", alone),
          "a server's check before creating a namespace");
    }
  }
}
