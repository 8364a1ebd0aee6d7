package dev.aeon.query.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.query.exec.QueryResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A statement is not a snapshot, but an event forgotten while it runs reads as forgotten from then on, in the rows
 * that bound it before too, and is never seen in part: no property but its id, no labels, no relationship (its
 * session's {@code NEXT} ones included), and the node, or a relationship of it, returned as null. Before, such a
 * row still read the event's text, session, role and time, returned it as a node without its attributes (a state
 * that never was), and followed {@code NEXT} from it to the events of its session.
 */
class StatementsRacingForgetTest {

  @TempDir Path dir;

  /**
   * The text resolver, called first for event 1, forgets event 2 on the reader's own thread (so the moment is
   * exact); every read of event 2 in the rest of the statement comes after the forget. No checkpoint or
   * compaction: its names and (in the engine) its text are still held.
   */
  @Test
  void aRowThatBoundTheEventBeforeItsForgetHoldsNothingOfItButItsId() throws IOException {
    AtomicReference<Trace> trace = new AtomicReference<>();
    AtomicBoolean forgotten = new AtomicBoolean();
    TextResolver forgetOnFirstRead = forgettingEventTwoOnFirstRead(trace, forgotten);
    try (Trace t = Trace.open(dir, forgetOnFirstRead, VectorRecall.NONE)) {
      trace.set(t);
      for (long id = 1; id <= 3; id++) {
        t.append(new Event(id, "s", "user", id * 10, id, Event.NO_VECTOR, Map.of("of", id)));
      }
      assertTrue(t.addEdge("REL", 2, 3));
      QueryResult r = t.query("MATCH (a {session: 's'}) WITH a ORDER BY a.id WITH a, a.text AS first"
          + " OPTIONAL MATCH (a)-[r:REL]->(m)"
          + " RETURN a.id, first, a.text, a.of, a.session, a.role, a.ts, a.vector_id, labels(a), properties(a),"
          + " keys(a), a, [a], r, COLLECT { MATCH (a)-[]-(n) RETURN n.id } AS ns, COUNT { (a)-[:NEXT]-() } AS c",
          Map.of());
      assertTrue(forgotten.get());
      assertEquals(3, r.rows().size(), r.toString());
      List<Object> two = r.rows().get(1);
      assertEquals(2L, two.get(0), "its id, which the statement may have used already");
      assertNull(two.get(1), "its text, read after the forget: " + two);
      for (int column = 2; column <= 8; column++) {
        assertNull(two.get(column), r.columns().get(column) + ": " + two);
      }
      assertEquals(Map.of("id", 2L), two.get(9), "properties: " + two);
      assertEquals(List.of("id"), two.get(10), "keys: " + two);
      assertNull(two.get(11), "the node: " + two);
      assertEquals(java.util.Collections.singletonList(null), two.get(12), "a list holding it: " + two);
      assertNull(two.get(13), "its link, removed with it: " + two);
      assertEquals(List.of(), two.get(14), "its relationships, NEXT included: " + two);
      assertEquals(0L, two.get(15), "its NEXT relationships: " + two);
      for (List<Object> row : List.of(r.rows().get(0), r.rows().get(2))) {
        assertFalse(((List<?>) row.get(14)).contains(2L), "a link to the forgotten event: " + row);
        assertEquals(1L, row.get(15), "NEXT between 1 and 3, past the forgotten 2: " + row);
        assertEquals(((Event) row.get(11)).id(), row.get(0));
        assertEquals(Map.of("of", row.get(0)), ((Event) row.get(11)).attributes());
      }
    }
  }

  /**
   * {@code similarity} of an event forgotten while the statement runs is null from the forget on, as its properties
   * are, whatever the vector recall still holds: the trace's caller may give one that removes a vector after the
   * forget, or never. Before, it answered the recall's score for the forgotten event.
   */
  @Test
  void similarityOfAnEventForgottenWhileTheStatementRunsIsNull() throws IOException {
    AtomicReference<Trace> trace = new AtomicReference<>();
    AtomicBoolean forgotten = new AtomicBoolean();
    TextResolver forgetOnFirstRead = forgettingEventTwoOnFirstRead(trace, forgotten);
    VectorRecall keepsEveryVector = new VectorRecall() {
      @Override
      public List<Hit> recall(float[] query, int k, java.util.function.LongPredicate filter) {
        return List.of();
      }

      @Override
      public float similarity(long eventId, float[] query) {
        return 0.5f;
      }
    };
    try (Trace t = Trace.open(dir, forgetOnFirstRead, keepsEveryVector)) {
      trace.set(t);
      for (long id = 1; id <= 3; id++) {
        t.append(new Event(id, "s", "user", id * 10, id, id, Map.of()));
      }
      QueryResult r = t.query("MATCH (a {session: 's'}) WITH a ORDER BY a.id WITH a, a.text AS first"
          + " RETURN a.id, similarity(a, [1.0, 0.0])", Map.of());
      assertTrue(forgotten.get());
      assertEquals(List.of(List.of(1L, 0.5), java.util.Arrays.asList(2L, null), List.of(3L, 0.5)), r.rows());
    }
  }

  /**
   * A text resolver that, called first (for event 1), forgets event 2 of {@code trace} on the reader's own thread,
   * so the moment is exact, and notes it in {@code forgotten}.
   */
  private static TextResolver forgettingEventTwoOnFirstRead(AtomicReference<Trace> trace, AtomicBoolean forgotten) {
    return ref -> {
      if (forgotten.compareAndSet(false, true)) {
        assertEquals(1, trace.get().forget(2).count());
      }
      return "text " + ref;
    };
  }
}
