package dev.aeon.query.trace;

import static org.junit.jupiter.api.Assertions.*;

import dev.aeon.query.exec.QueryResult;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One writer appends events, edges and forgets while readers query without locks: every reader must
 * see well-formed events (the fields of one append, never a half-written record) and consistent indexes.
 */
class ConcurrentReadersTest {

  @TempDir Path dir;

  /** Events in time order, but every 997th, earlier than those before it: its session is then out of order. */
  static Event event(long id) {
    long ts = id % 997 == 0 ? id * 7 - 50_000 : id * 7;
    return new Event(id, "s" + id % 13, id % 2 == 0 ? "user" : "assistant", ts, id * 3, id, Map.of());
  }

  static void checkEvent(Event e) {
    Event x = event(e.id());
    assertEquals(x.session(), e.session());
    assertEquals(x.role(), e.role());
    assertEquals(x.tsMicros(), e.tsMicros());
    assertEquals(x.blobRef(), e.blobRef());
  }

  @Test
  void readersSeeConsistentPrefixes() throws Exception {
    int total = 60_000;
    try (Trace t = Trace.open(dir)) {
      AtomicBoolean done = new AtomicBoolean();
      ExecutorService pool = Executors.newFixedThreadPool(2);
      Future<Integer> reader = pool.submit(() -> {
        int checks = 0;
        while (!done.get() || checks == 0) {
          String s = "s" + checks % 13;
          List<Event> h = t.history(s, 50);
          for (int i = 0; i < h.size(); i++) {
            checkEvent(h.get(i));
            assertTrue(i == 0 || h.get(i - 1).id() > h.get(i).id());
          }
          List<Event> r = t.range(checks * 70L, checks * 70L + 700, 100);
          for (int i = 0; i < r.size(); i++) {
            checkEvent(r.get(i));
            assertTrue(i == 0 || r.get(i - 1).tsMicros() <= r.get(i).tsMicros());
          }
          QueryResult q = t.query("MATCH (e {session: $s})-[:HALF]->(m) RETURN e.id, m.id LIMIT 20", Map.of("s", s));
          for (List<Object> row : q.rows()) {
            assertEquals((Long) row.get(0) / 2, row.get(1));
          }
          // read newest first from the session's list while it grows, or sorted once one event came out of order
          QueryResult newest = t.query("MATCH (e {session: $s}) RETURN e.id, e.ts, e.session ORDER BY e.ts DESC"
              + " LIMIT 10", Map.of("s", s));
          Long before = null;
          for (List<Object> row : newest.rows()) {
            long id = (Long) row.get(0);
            if (row.get(2) == null) {
              // forgotten after the statement found it: it reads as gone, all but its id (docs/query-language.md)
              assertTrue(id % 1000 == 500 && row.get(1) == null, "event " + id + " read in part: " + row);
              continue;
            }
            assertEquals(s, row.get(2));
            assertEquals(event(id).tsMicros(), row.get(1));
            assertTrue(before == null || before >= (Long) row.get(1));
            before = (Long) row.get(1);
          }
          checks++;
        }
        return checks;
      });
      for (long id = 1; id <= total; id++) {
        assertTrue(t.append(event(id)));
        if (id > 1) {
          t.addEdge("HALF", id, id / 2);
        }
        if (id % 1000 == 0) {
          t.forget(id - 500);
        }
      }
      done.set(true);
      assertTrue(reader.get() > 0);
      pool.shutdown();
      assertEquals(total - total / 1000, t.eventCount());
    }
  }

  /**
   * A forget is seen whole or not at all: while the writer forgets every other event, a reader of the event being
   * forgotten must never find it still there without its attributes, nor without its link to the event before it
   * (which is never forgotten).
   */
  @Test
  void aForgetIsSeenWholeOrNotAtAll() throws Exception {
    int total = 40_000;
    try (Trace t = Trace.open(dir)) {
      for (long id = 1; id <= total; id++) {
        t.append(new Event(id, "s" + id % 7, "user", id, id, Event.NO_VECTOR, Map.of("k", "v" + id)));
        if (id > 1) {
          t.addEdge("PREV", id, id - 1);
        }
      }
      AtomicBoolean done = new AtomicBoolean();
      AtomicLong forgetting = new AtomicLong(2);
      ExecutorService pool = Executors.newSingleThreadExecutor();
      Future<Integer> reader = pool.submit(() -> {
        int seen = 0;
        while (!done.get()) {
          long id = forgetting.get();
          Event e = t.get(id).orElse(null);
          if (e != null) {
            seen++;
            assertEquals(Map.of("k", "v" + id), e.attributes(), "event " + id + " read while it is forgotten");
            List<Neighbour> links = t.neighbours(id, Direction.OUT, "PREV", Trace.CURRENT);
            if (links.isEmpty()) {
              assertTrue(t.get(id).isEmpty(), "event " + id + " still there without its link");
            }
          }
          for (Event h : t.history("s" + id % 7, 1)) {
            assertEquals(Map.of("k", "v" + h.id()), h.attributes(), "newest event of a session");
          }
        }
        return seen;
      });
      try {
        for (long id = 2; id <= total; id += 2) {
          forgetting.set(id);
          assertEquals(1, t.forget(id).count());
        }
      } finally {
        done.set(true);
        pool.shutdown();
      }
      reader.get(); // throws what the reader's checks threw (how many it found live depends on the timing)
    }
  }

  /**
   * A NEXT link is of a state that was: while the writer forgets pairs of neighbours of one session (2k and 2k+1,
   * in one forgetAll), a reader of event 2k's NEXT link finds 2k+1 (before the forget) or nothing (after it), never
   * 2k+2: that link holds only once 2k+1 is forgotten, and 2k goes before it. A reader that found 2k live and then
   * walked past 2k+1 forgotten had read 2k before both bits and 2k+1 after; the link is checked against 2k again.
   */
  @Test
  void aNextLinkSkipsOnlyEventsForgottenBeforeIt() throws Exception {
    int pairs = 100_000;
    try (Trace t = Trace.open(dir)) {
      for (long id = 1; id <= 2L * pairs + 2; id++) {
        t.append(new Event(id, "s", "user", id, id, Event.NO_VECTOR, Map.of()));
      }
      AtomicBoolean done = new AtomicBoolean();
      AtomicLong forgetting = new AtomicLong(2);
      ExecutorService pool = Executors.newSingleThreadExecutor();
      Future<Integer> reader = pool.submit(() -> {
        int found = 0;
        while (!done.get()) {
          long id = forgetting.get();
          for (Neighbour n : t.neighbours(id, Direction.OUT, Edge.NEXT, Trace.CURRENT)) {
            assertEquals(id + 1, n.eventId(), "the NEXT link of event " + id + " while it and " + (id + 1)
                + " are forgotten");
            found++;
          }
        }
        return found;
      });
      try {
        for (long id = 2; id <= 2L * pairs; id += 2) {
          forgetting.set(id);
          assertEquals(2, t.forgetAll(new long[] {id, id + 1}).count());
        }
      } finally {
        done.set(true);
        pool.shutdown();
      }
      reader.get(); // throws what the reader's checks threw (how many links it found depends on the timing)
    }
  }
}
