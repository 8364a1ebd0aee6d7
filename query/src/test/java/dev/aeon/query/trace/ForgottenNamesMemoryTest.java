package dev.aeon.query.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The compaction that erases the names only forgotten events used (sessions, roles, link types) from the files
 * also drops them from the trace's memory, with the session and role lists kept under their ids: a process that
 * creates and forgets sessions for days holds no more for them than their events' slots, and no forgotten name.
 * It held every name and list until a reopen, and a reopen rebuilt the lists.
 */
class ForgottenNamesMemoryTest {

  private static final int N = 10_000;

  @TempDir Path dir;

  /** The dictionary ids of session i's names, read while they are live. */
  private record Names(int session, int role, int type) {}

  @Test
  void aCompactionReleasesTheNamesAndListsOfForgottenSessions() throws IOException {
    Names[] names = new Names[N];
    try (Trace t = Trace.open(dir)) {
      TraceGraph g = t.graph();
      t.append(Event.of(1, "kept", "user", 1, 1));
      long oneSession = g.heapBytes();
      for (int i = 0; i < N; i++) {
        long id = 2 + i;
        t.append(Event.of(id, "session-" + i, "role-" + i, id, id));
        t.addEdge("LINK_" + i, id, 1);
        names[i] = new Names(g.stringId("session-" + i), g.stringId("role-" + i), g.stringId("LINK_" + i));
      }
      long live = g.heapBytes();
      for (int i = 0; i < N; i++) {
        assertEquals(1, t.forgetSession("session-" + i).count());
      }
      long forgotten = g.heapBytes();
      t.compact(1);
      long compacted = g.heapBytes();
      System.out.printf("ForgottenNamesMemoryTest: %d sessions; heap estimate with one session %d bytes, with all"
              + " %d, all forgotten %d, compacted %d (%d bytes kept per forgotten session); %d names held%n",
          N, oneSession, live, forgotten, compacted, (compacted - oneSession) / N, g.dictionary.held());
      checkReleased(g, names, false);
      // What a forgotten session keeps, as its event's record stays in the events file and ids are dense: its
      // slot's entries (time index, position, attribute column, forgotten set), its removed link's record and list
      // heads, and one reference or int per id of its three names in the columns indexed by id; about 120 bytes.
      // Its names and lists took about 420 more, kept until this compaction released them.
      assertTrue(compacted - oneSession < 160L * N, "kept per forgotten session: " + (compacted - oneSession) / N);
      checkUsable(t, g, names, 0, 100_000); // used again before a reopen
    }
    try (Trace t = Trace.open(dir)) {
      TraceGraph g = t.graph();
      System.out.printf("ForgottenNamesMemoryTest: reopened, heap estimate %d bytes, %d names held%n",
          g.heapBytes(), g.dictionary.held());
      assertEquals(List.of(100_001L, 100_000L), t.history("session-0", 10).stream().map(Event::id).toList());
      checkReleased(g, names, true);
      checkUsable(t, g, names, 1, 200_000); // and after one
    }
    try (Trace t = Trace.open(dir)) {
      assertEquals(List.of(100_001L, 100_000L), t.history("session-0", 10).stream().map(Event::id).toList());
      assertEquals(List.of(200_001L, 200_000L), t.history("session-1", 10).stream().map(Event::id).toList());
      assertEquals("role-1", t.get(200_000).orElseThrow().role());
      assertEquals(1, t.neighbours(200_000, Direction.OUT, "LINK_1", Trace.CURRENT).size());
      assertEquals(-1, t.graph().stringId("session-2"));
    }
  }

  /**
   * No lookup finds a forgotten name (but those of session 0 once {@code firstUsedAgain}, under new ids), no id
   * gives it back, and no list is kept under its ids.
   */
  private static void checkReleased(TraceGraph g, Names[] names, boolean firstUsedAgain) {
    for (int i = 0; i < N; i++) {
      Names n = names[i];
      if (i > 0 || !firstUsedAgain) {
        assertEquals(-1, g.stringId("session-" + i), "session-" + i);
        assertEquals(-1, g.stringId("role-" + i), "role-" + i);
        assertEquals(-1, g.stringId("LINK_" + i), "LINK_" + i);
      }
      assertNull(g.string(n.session()));
      assertNull(g.string(n.role()));
      assertNull(g.string(n.type()));
      assertNull(g.sessionSlots(n.session()), "session-" + i);
      assertNull(g.roleSlots(n.role()), "role-" + i);
      assertNull(g.sessionSlots(n.role()));
    }
  }

  /**
   * The names of session {@code i} work again, under new ids (ids are never reused): its history, its role as a
   * label, its link type, and the NEXT link between its two new events.
   */
  private static void checkUsable(Trace t, TraceGraph g, Names[] names, int i, long firstId) {
    int before = g.stringCount();
    String session = "session-" + i;
    String role = "role-" + i;
    String type = "LINK_" + i;
    t.append(new Event(firstId, session, role, 5, 5, Event.NO_VECTOR, Map.of("k", "v")));
    t.append(Event.of(firstId + 1, session, "user", 6, 6));
    assertTrue(t.addEdge(type, firstId, 1));
    assertTrue(g.stringId(session) >= before && g.stringId(role) >= before && g.stringId(type) >= before,
        "new ids, from " + before);
    assertNull(g.string(names[i].session()));
    assertEquals(List.of(firstId + 1, firstId), t.history(session, 10).stream().map(Event::id).toList());
    assertEquals(List.of(List.of(firstId)),
        t.query("MATCH (e:`" + role + "` {session: $s})-[:" + type + "]->(k) RETURN e.id", Map.of("s", session))
            .rows());
    assertEquals(List.of(List.of(firstId, firstId + 1)),
        t.query("MATCH (a {session: $s})-[:NEXT]->(b) RETURN a.id, b.id", Map.of("s", session)).rows());
    assertEquals(role, t.get(firstId).orElseThrow().role());
    t.flush(firstId);
  }
}
