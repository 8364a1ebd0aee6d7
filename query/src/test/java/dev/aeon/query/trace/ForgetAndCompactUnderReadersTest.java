package dev.aeon.query.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.query.exec.QueryResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A compaction drops the names only forgotten events used from memory ({@link TraceGraph#release}) while readers
 * go on without a lock. A reader that holds the slot of an event it found live before the forget, or a name's id,
 * must find the event gone (null, not found), never a NullPointerException nor another name; and no read that
 * begins after a forget returns may find a forgotten event or its names.
 */
class ForgetAndCompactUnderReadersTest {

  @TempDir Path dir;

  /**
   * A statement that meets a forgotten event's slot after the compaction: the text resolver, called for the first
   * row, forgets the session and compacts (on the reader's own thread, so the moment is exact). The rest of the
   * statement reads the event and its link as forgotten (nulls), and materialising the rows throws nothing.
   */
  @Test
  void aStatementThatHoldsASlotAcrossForgetAndCompactionReadsTheEventAsGone() throws IOException {
    AtomicReference<Trace> trace = new AtomicReference<>();
    AtomicBoolean forgotten = new AtomicBoolean();
    TextResolver forgetOnFirstRead = ref -> {
      if (forgotten.compareAndSet(false, true)) {
        Trace t = trace.get();
        assertEquals(2, t.forgetSession("gone").count());
        t.compact(1);
        assertEquals(-1, t.graph().stringId("GONE_LINK"), "freed by the compaction");
      }
      return "text " + ref;
    };
    try (Trace t = Trace.open(dir, forgetOnFirstRead, VectorRecall.NONE)) {
      trace.set(t);
      t.append(Event.of(1, "kept", "user", 10, 1));
      t.append(Event.of(2, "gone", "gone_role", 20, 2));
      t.append(Event.of(3, "gone", "gone_role", 30, 3));
      assertTrue(t.addEdge("GONE_LINK", 2, 1));
      QueryResult r = t.query("MATCH (e {session: 'gone'})-[r]->(m) RETURN e.text AS x, e, r, labels(e) AS l,"
          + " e.session AS s, e.role AS role, type(r) AS t, properties(e) AS p ORDER BY e.id", Map.of());
      assertTrue(forgotten.get());
      assertFalse(r.rows().isEmpty());
      for (List<Object> row : r.rows()) {
        assertNull(row.get(1), "the event: " + row);
        assertNull(row.get(3), "its labels: " + row);
        assertNull(row.get(4), "its session: " + row);
        assertNull(row.get(5), "its role: " + row);
        Edge link = (Edge) row.get(2);
        assertTrue(link == null || link.type().equals(Edge.NEXT), "the link: " + row);
        assertTrue(row.get(6) == null || row.get(6).equals(Edge.NEXT), "its type: " + row);
        assertFalse(row.get(7).toString().contains("gone"), "its properties: " + row);
      }
    }
  }

  /** The slot-level reads a statement or the engine makes, on the slot of an event forgotten and compacted since. */
  @Test
  void slotReadsOfAForgottenEventWhoseNamesWereFreedFindNothing() throws IOException {
    try (Trace t = Trace.open(dir)) {
      TraceGraph g = t.graph();
      t.append(Event.of(1, "kept", "user", 10, 1));
      t.append(Event.of(2, "gone", "gone_role", 20, 2));
      t.append(Event.of(3, "gone", "gone_role", 30, 3));
      assertTrue(t.addEdge("GONE_LINK", 2, 1));
      int slot = g.slotOf(2);
      int session = g.sessionId(slot);
      SlotList held = g.sessionSlots(session);
      t.forgetSession("gone");
      t.compact(1);
      assertNull(g.event(slot));
      assertNull(g.liveEvent(slot));
      assertNull(g.session(slot));
      assertNull(g.role(slot));
      assertNull(g.sessionSlots(session));
      assertTrue(g.liveSessionIds(session).isEmpty());
      List<String> visited = new ArrayList<>();
      g.visitEdges(slot, Direction.BOTH, -1, Trace.CURRENT, (e, type, f, to, vf, vt) -> visited.add(g.string(type)));
      assertEquals(List.of(), visited);
      // A list read before the release still reads: every slot in it is forgotten.
      for (int i = 0; i < held.size(); i++) {
        assertFalse(g.isLive(held.get(i)));
      }
      assertEquals(List.of(), t.history("gone", 10));
      assertEquals(List.of(), t.query("MATCH (e:gone_role) RETURN e", Map.of()).rows());
    }
  }

  // ---------------------------------------------------------------------------------- writer against readers

  private static final int BLOCK = 8; // events per session
  private static final int NAMES = 24; // sessions (and roles and link types) used again after this many blocks
  private static final int WINDOW = 12; // blocks kept live
  private static final int BLOCKS = 300;

  /** Session, role and link type are functions of the event id: block {@code id / BLOCK}, name used again. */
  private static String session(long id) {
    return "s" + id / BLOCK % NAMES;
  }

  private static String role(long id) {
    return "r" + id / BLOCK % NAMES;
  }

  private static String linkType(long id) {
    return "L" + id / BLOCK % NAMES;
  }

  private static Event event(long id) {
    return new Event(id, session(id), role(id), id * 10, id, Event.NO_VECTOR, Map.of("n", id));
  }

  private static void checkEvent(Event e, long floor) {
    assertTrue(e.id() >= floor, "event " + e.id() + " read after the forget of every event below " + floor);
    assertEquals(event(e.id()), e);
  }

  /**
   * One writer appends sessions of {@value #BLOCK} events (each linked to the one before), forgets the session
   * {@value #WINDOW} sessions back and compacts, so the names of every forgotten session are freed and, a few
   * sessions on, used again under new ids; readers read histories, events, links and statements by session and by
   * label meanwhile. After a forget has returned, no read that began after it finds any of its events, and every
   * event, name and link found is the one appended (a name read as null is the event's forgotten since).
   */
  @Test
  void readersNeverSeeAForgottenOrWrongNameWhileAWriterForgetsAndCompacts() throws Exception {
    try (Trace t = Trace.open(dir)) {
      AtomicBoolean done = new AtomicBoolean();
      AtomicLong readAsGone = new AtomicLong(); // statement rows whose event was forgotten and freed meanwhile
      // Every event below it is forgotten: written after the forget returns, read before a read begins.
      long[] forgottenBelow = {1};
      Object published = new Object();
      ExecutorService pool = Executors.newFixedThreadPool(2);
      List<Future<Integer>> readers = new ArrayList<>();
      for (int r = 0; r < 2; r++) {
        long seed = 31L * r + 7;
        readers.add(pool.submit(() -> {
          Random random = new Random(seed);
          int reads = 0;
          while (!done.get() || reads == 0) {
            long floor;
            synchronized (published) {
              floor = forgottenBelow[0];
            }
            readAsGone.addAndGet(read(t, random, floor));
            reads++;
          }
          return reads;
        }));
      }
      try {
        long lsn = 0;
        for (int b = 0; b < BLOCKS; b++) {
          for (long id = Math.max(1, (long) b * BLOCK); id < (long) (b + 1) * BLOCK; id++) {
            assertTrue(t.append(event(id)));
            if (id > 1) {
              assertTrue(t.addEdge(linkType(id), id, id - 1));
            }
          }
          if (b >= WINDOW) {
            long first = (long) (b - WINDOW) * BLOCK;
            assertEquals(BLOCK - (first == 0 ? 1 : 0), t.forgetSession(session(first)).count());
            synchronized (published) {
              forgottenBelow[0] = first + BLOCK;
            }
            t.compact(++lsn);
            assertEquals(-1, t.graph().stringId(session(first)), "freed: used again only " + NAMES + " blocks on");
          }
        }
      } finally {
        done.set(true);
        pool.shutdown();
      }
      long reads = 0;
      for (Future<Integer> r : readers) {
        reads += r.get(); // throws what a reader's checks threw
      }
      System.out.printf("ForgetAndCompactUnderReadersTest: %d compactions, %d reads, %d rows read as gone%n",
          BLOCKS - WINDOW, reads, readAsGone.get());
      assertEquals(WINDOW * BLOCK, t.eventCount());
    }
  }

  /** One round of reads begun after every event below {@code floor} was forgotten; returns rows read as gone. */
  private static int read(Trace t, Random random, long floor) {
    int gone = 0;
    String s = "s" + random.nextInt(NAMES);
    for (Event e : t.history(s, 100)) {
      checkEvent(e, floor);
    }
    long probe = floor + random.nextInt(WINDOW * BLOCK + BLOCK);
    t.get(probe).ifPresent(e -> checkEvent(e, floor));
    if (floor > 1) {
      assertTrue(t.get(floor - 1 - random.nextInt((int) Math.min(floor - 1, 64))).isEmpty());
    }
    for (Neighbour n : t.neighbours(probe, Direction.BOTH, null, Trace.CURRENT)) {
      Edge e = n.edge();
      assertTrue(e.from() >= floor && e.to() >= floor, e.toString());
      if (e.type().equals(Edge.NEXT)) { // within a session, whose events are forgotten together
        assertEquals(e.from() + 1, e.to(), e.toString());
      } else {
        assertEquals(linkType(e.from()), e.type());
        assertEquals(e.from() - 1, e.to(), e.toString());
      }
    }
    QueryResult q = t.query("MATCH (e {session: $s}) RETURN e, e.id, e.session, labels(e)", Map.of("s", s));
    for (List<Object> row : q.rows()) {
      long id = (Long) row.get(1);
      assertTrue(id >= floor, "event " + id + " found after the forget of every event below " + floor);
      // Forgotten while the statement ran: without its attributes, and null once its names are freed.
      Event e = (Event) row.get(0);
      gone += e == null ? 1 : 0;
      boolean whole = e != null && e.equals(event(id));
      assertTrue(whole || t.get(id).isEmpty(), row.toString());
      assertTrue(e == null || whole || e.equals(new Event(id, session(id), role(id), id * 10, id, Event.NO_VECTOR,
          Map.of())), row.toString());
      assertTrue(row.get(2) == null || row.get(2).equals(session(id)), row.toString());
      assertTrue(row.get(3) == null || row.get(3).equals(List.of(role(id))), row.toString());
    }
    String label = "r" + random.nextInt(NAMES);
    QueryResult links = t.query("MATCH (e:" + label + ")-[r]->(m) RETURN e.id, type(r), m.id, m.role", Map.of());
    for (List<Object> row : links.rows()) {
      long from = (Long) row.get(0);
      long to = (Long) row.get(2);
      assertTrue(from >= floor && to >= floor, row.toString());
      Object type = row.get(1);
      assertTrue(type == null || type.equals(Edge.NEXT) && to > from || type.equals(linkType(from)) && to == from - 1,
          row.toString());
      assertTrue(row.get(3) == null || row.get(3).equals(role(to)), row.toString());
    }
    return gone;
  }
}
