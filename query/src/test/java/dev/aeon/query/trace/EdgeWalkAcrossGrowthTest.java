package dev.aeon.query.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A walk of an event's edges that the writer overtakes while the edges' first chunk grows: the grown chunk is a copy,
 * and the writer ends and removes edges in the copy only. A walk that held the table from before the growth then
 * read an edge the writer had ended, after the end returned, as still open, and beside it a later end as made: a
 * state that never was.
 *
 * <p>Event 1 links to 2 (valid from 5, so its end goes to the shared validity columns), to 3 (valid since ever, so its
 * end is written into the edge's record) and to 4, in that order; a walk of 1's outgoing links, newest first, waits
 * in its visit of 4 while the writer adds the edge that grows the first chunk and ends 1 -> 3, then 1 -> 2.
 */
class EdgeWalkAcrossGrowthTest {

  private static final long AS_OF = 10; // before both ends: the walk visits the ended edges and reads their ends

  @TempDir Path dir;

  @Test
  void aWalkHeldAcrossAGrowthSeesTheEndsMadeBeforeItGoesOn() throws Exception {
    try (Trace t = Trace.open(dir)) {
      Map<Long, Long> ends = walkWhile(t, () -> {
        assertEquals(1, t.invalidateEdges("REL", 1, 3, 100));
        assertEquals(1, t.invalidateEdges("REL", 1, 2, 200));
      });
      assertEquals(Map.of(2L, 200L, 3L, 100L), ends, "the ends the walk read after both had returned, by target"
          + " (1 -> 3 ended first: open beside 1 -> 2 ended is a state that never was)");
    }
  }

  /** The same walk while the writer forgets event 3: the walk, going on after the forget returned, skips 1 -> 3. */
  @Test
  void aWalkHeldAcrossAGrowthSkipsAnEdgeToAnEventForgottenBeforeItGoesOn() throws Exception {
    try (Trace t = Trace.open(dir)) {
      Map<Long, Long> ends = walkWhile(t, () -> assertEquals(1, t.forget(3).count()));
      assertEquals(Map.of(2L, Edge.OPEN), ends, "the edges the walk visited after the forget had returned");
    }
  }

  /**
   * Builds the trace, starts the walk of event 1's REL links as of {@link #AS_OF}, and once it waits in its first
   * visit (of 1 -> 4), grows the first chunk and runs {@code writer}; returns the end of every other edge the walk
   * visited, by target id.
   */
  private static Map<Long, Long> walkWhile(Trace t, Runnable writer) throws Exception {
    for (long id = 1; id <= 6; id++) {
      assertTrue(t.append(Event.of(id, "s", "user", id, 1000 + id)));
    }
    assertTrue(t.addEdge("REL", 1, 2, 5, Edge.OPEN));
    assertTrue(t.addEdge("REL", 1, 3));
    assertTrue(t.addEdge("REL", 1, 4));
    TraceGraph g = t.graph();
    while (g.edgeCount() < FirstChunk.SMALLEST) { // the first chunk at its smallest, full
      assertTrue(t.addEdge("FILL", 5, 6));
    }
    CountDownLatch waiting = new CountDownLatch(1);
    CountDownLatch written = new CountDownLatch(1);
    Map<Long, Long> ends = new ConcurrentHashMap<>();
    ExecutorService reader = Executors.newSingleThreadExecutor();
    try {
      Future<?> walk = reader.submit(() -> g.visitEdges(g.slotOf(1), Direction.OUT, g.stringId("REL"), AS_OF,
          (e, type, from, to, validFrom, validTo) -> {
            if (g.id(to) == 4) {
              waiting.countDown();
              awaitOrFail(written);
            } else {
              ends.put(g.id(to), validTo);
            }
            return true;
          }));
      awaitOrFail(waiting);
      assertTrue(t.addEdge("FILL", 5, 6)); // the first chunk grows: a new table, with a copy of it
      writer.run();
      written.countDown();
      walk.get(30, TimeUnit.SECONDS);
    } finally {
      reader.shutdownNow();
    }
    return ends;
  }

  private static void awaitOrFail(CountDownLatch latch) {
    try {
      assertTrue(latch.await(30, TimeUnit.SECONDS), "timed out");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
