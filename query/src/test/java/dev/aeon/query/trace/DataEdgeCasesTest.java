package dev.aeon.query.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data at its edges: self links, links twice, extreme validity, the longest names, the most names, the fullest
 * attributes.
 */
class DataEdgeCasesTest {

  @TempDir Path dir;

  private static Event ev(long id, String session, String role) {
    return new Event(id, session, role, id, id, Event.NO_VECTOR, Map.of());
  }

  @Test
  void aSelfLinkIsOneLinkInEveryView() throws IOException {
    try (Trace t = Trace.open(dir)) {
      t.append(ev(1, "s", "user"));
      t.append(ev(2, "s", "user"));
      assertTrue(t.addEdge("SELF", 1, 1));
      assertEquals(1, t.neighbours(1, Direction.OUT, "SELF", Trace.CURRENT).size());
      assertEquals(1, t.neighbours(1, Direction.IN, "SELF", Trace.CURRENT).size());
      assertEquals(1, t.neighbours(1, Direction.BOTH, "SELF", Trace.CURRENT).size(),
          t.neighbours(1, Direction.BOTH, "SELF", Trace.CURRENT).toString());
      assertEquals(1, t.query("MATCH (a)-[r:SELF]-(b) RETURN a.id, b.id", Map.of()).rows().size());
      assertEquals(1, t.invalidateEdges("SELF", 1, 1, 5));
      t.flush(1);
      assertEquals(1, t.forget(1).edges());
      t.compact(2);
    }
    try (Trace t = Trace.open(dir)) {
      assertEquals(0, t.graph().liveEdgeCount());
      assertEquals(List.of(), t.neighbours(2, Direction.BOTH, null, 3));
    }
  }

  @Test
  void aLinkAddedTwiceIsTwoLinksAndOneInvalidationEndsBoth() throws IOException {
    try (Trace t = Trace.open(dir)) {
      t.append(ev(1, "s", "user"));
      t.append(ev(2, "t", "user"));
      assertTrue(t.addEdge("X", 1, 2, 0, Edge.OPEN));
      assertTrue(t.addEdge("X", 1, 2, 3, Edge.OPEN));
      assertEquals(2, t.neighbours(1, Direction.OUT, "X", Trace.CURRENT).size());
      assertEquals(2, t.invalidateEdges("X", 1, 2, 10));
      assertEquals(0, t.invalidateEdges("X", 1, 2, 11));
      t.compact(1);
    }
    try (Trace t = Trace.open(dir)) {
      assertEquals(List.of(), t.neighbours(1, Direction.OUT, "X", Trace.CURRENT));
      assertEquals(1, t.neighbours(1, Direction.OUT, "X", 1).size());
      assertEquals(2, t.neighbours(1, Direction.OUT, "X", 9).size());
      assertEquals(0, t.neighbours(1, Direction.OUT, "X", 10).size());
    }
  }

  @Test
  void linksToForgottenEventsAreRefusedAndLogNothing() throws IOException {
    try (Trace t = Trace.open(dir)) {
      t.append(ev(1, "s", "user"));
      t.append(ev(2, "s", "user"));
      t.forget(2);
      long edges = t.diskBytes();
      assertFalse(t.addEdge("X", 1, 2));
      assertFalse(t.addEdge("X", 2, 1));
      assertFalse(t.addEdge("X", 2, 2));
      assertFalse(t.addEdge("X", 1, 3));
      assertEquals(0, t.invalidateEdges("X", 1, 2, 5));
      assertFalse(t.updateAttributes(2, Map.of("a", 1L)));
      assertEquals(edges, t.diskBytes());
    }
  }

  @Test
  void validityAtTheExtremesIsKeptExactly() throws IOException {
    long min = Long.MIN_VALUE;
    long max = Long.MAX_VALUE;
    long[][] intervals = {{min, max}, {min, min + 1}, {max - 1, max}, {min, 0}, {0, max}, {min + 1, max - 1}};
    try (Trace t = Trace.open(dir)) {
      for (int i = 0; i < intervals.length; i++) {
        t.append(ev(2L * i + 1, "s", "user"));
        t.append(ev(2L * i + 2, "s", "user"));
        assertTrue(t.addEdge("V", 2L * i + 1, 2L * i + 2, intervals[i][0], intervals[i][1]));
      }
      t.append(ev(100, "s", "user"));
      t.append(ev(101, "s", "user"));
      assertTrue(t.addEdge("V", 100, 101));
      assertEquals(1, t.invalidateEdges("V", 100, 101, min + 1)); // valid only at MIN from now on
      assertThrows(IllegalArgumentException.class, () -> t.addEdge("V", 1, 2, max, max));
      assertThrows(IllegalArgumentException.class, () -> t.addEdge("V", 1, 2, min, min));
      t.flush(1);
      check(t, intervals);
      t.compact(2);
      check(t, intervals);
    }
    try (Trace t = Trace.open(dir)) {
      check(t, intervals);
    }
  }

  private static void check(Trace t, long[][] intervals) {
    for (int i = 0; i < intervals.length; i++) {
      Edge e = t.graph().edge(i);
      assertEquals(List.of(2L * i + 1, 2L * i + 2, intervals[i][0], intervals[i][1]),
          List.of(e.from(), e.to(), e.validFrom(), e.validTo()), "interval " + i);
      // AS OF Long.MIN_VALUE is the current view: an edge valid from then is seen at the next instant
      long at = intervals[i][0] == Long.MIN_VALUE ? Long.MIN_VALUE + 1 : intervals[i][0];
      boolean validAtNext = at < intervals[i][1];
      assertEquals(validAtNext ? 1 : 0, t.neighbours(2L * i + 1, Direction.OUT, "V", at).size(), "interval " + i);
      assertEquals(intervals[i][1] == Long.MAX_VALUE ? 1 : 0,
          t.neighbours(2L * i + 1, Direction.OUT, "V", Trace.CURRENT).size(), "interval " + i);
      assertEquals(intervals[i][1] == Long.MAX_VALUE ? 1 : 0,
          t.neighbours(2L * i + 1, Direction.OUT, "V", Long.MAX_VALUE - 1).size(), "interval " + i);
    }
    Edge ended = t.graph().edge(intervals.length);
    assertEquals(List.of(Long.MIN_VALUE, Long.MIN_VALUE + 1), List.of(ended.validFrom(), ended.validTo()));
    assertEquals(0, t.neighbours(100, Direction.OUT, "V", Trace.CURRENT).size());
    assertEquals(0, t.neighbours(100, Direction.OUT, "V", Long.MIN_VALUE + 1).size());
  }

  @Test
  void namesOfTheLongestLengthAndThoseDifferingInNormalisationStayApart() throws IOException {
    String longest = "\u00e9".repeat(512); // 1,024 bytes of UTF-8
    String nfc = "caf\u00e9";
    String nfd = "cafe\u0301";
    try (Trace t = Trace.open(dir)) {
      t.append(ev(1, longest, longest));
      t.append(ev(2, nfc, nfd));
      t.append(ev(3, nfd, nfc));
      assertTrue(t.addEdge(longest, 1, 2));
      assertTrue(t.addEdge(nfd, 2, 3));
      assertThrows(IllegalArgumentException.class, () -> t.append(ev(4, longest + "e", "r")));
      assertThrows(IllegalArgumentException.class, () -> t.addEdge(longest + "e", 1, 2));
      t.append(ev(4, "x", "r"));
      t.forget(4);
      t.compact(1);
    }
    try (Trace t = Trace.open(dir)) {
      assertEquals(List.of(1L), t.history(longest, 10).stream().map(Event::id).toList());
      assertEquals(List.of(2L), t.history(nfc, 10).stream().map(Event::id).toList());
      assertEquals(List.of(3L), t.history(nfd, 10).stream().map(Event::id).toList());
      assertEquals(nfd, t.get(2).orElseThrow().role());
      assertEquals(1, t.neighbours(1, Direction.OUT, longest, Trace.CURRENT).size());
      assertEquals(0, t.neighbours(2, Direction.OUT, nfc, Trace.CURRENT).size());
      assertEquals(1, t.neighbours(2, Direction.OUT, nfd, Trace.CURRENT).size());
      assertEquals(List.of(List.of(3L)),
          t.query("MATCH (e) WHERE e.session = $s RETURN e.id", Map.of("s", nfd)).rows());
    }
  }

  @Test
  void moreThanTwoToTheSixteenNamesOpenAndCompact() throws IOException {
    int n = (1 << 16) + 300;
    try (Trace t = Trace.open(dir)) {
      for (int i = 1; i <= n; i++) {
        t.append(new Event(i, "session-" + i, "role-" + i % 70_000, i, i, Event.NO_VECTOR, Map.of()));
        if (i > 1) {
          t.addEdge("type-" + i % 66_000, i, i - 1);
        }
      }
      t.flush(1);
      for (int i = 1; i <= n; i += 2) {
        t.forget(i);
      }
      t.compact(2);
      t.append(new Event(n + 1, "session-1", "role-1", 0, 0, Event.NO_VECTOR, Map.of()));
      t.flush(3);
    }
    try (Trace t = Trace.open(dir)) {
      for (int i = 1; i <= n; i++) {
        List<Long> h = t.history("session-" + i, 10).stream().map(Event::id).toList();
        assertEquals(i == 1 ? List.of((long) n + 1) : i % 2 == 1 ? List.of() : List.of((long) i), h, "session " + i);
      }
      assertEquals("role-" + n % 70_000, t.get(n).orElseThrow().role());
      assertEquals(0, t.graph().liveEdgeCount());
    }
  }

  @Test
  void attributesExactlyAtTheLimitSurviveUpdatesCompactionAndReopen() throws IOException {
    // count (2) + key "k" (2 + 1) + tag (1) + length (4) + value: MAX_ATTRIBUTE_BYTES in all
    String value = "v".repeat(Trace.MAX_ATTRIBUTE_BYTES - 10);
    Map<String, Object> full = Map.of("k", value);
    Trace.checkAttributes(full);
    assertThrows(IllegalArgumentException.class, () -> Trace.checkAttributes(Map.of("k", value + "v")));
    Map<String, Object> many = new LinkedHashMap<>();
    for (int i = 0; i < 256; i++) {
      many.put("a" + i, (long) i);
    }
    assertThrows(IllegalArgumentException.class, () -> {
      Map<String, Object> tooMany = new HashMap<>(many);
      tooMany.put("b", 1L);
      Trace.checkAttributes(tooMany);
    });
    try (Trace t = Trace.open(dir)) {
      t.append(new Event(1, "s", "r", 1, 1, Event.NO_VECTOR, full));
      t.append(new Event(2, "s", "r", 2, 2, Event.NO_VECTOR, many));
      t.append(new Event(3, "s", "r", 3, 3, Event.NO_VECTOR, Map.of()));
      assertTrue(t.updateAttributes(3, full));
      assertThrows(IllegalArgumentException.class, () -> t.updateAttributes(1, Map.of("l", true)));
      t.flush(1);
      t.compact(2);
    }
    try (Trace t = Trace.open(dir)) {
      assertEquals(full, t.get(1).orElseThrow().attributes());
      assertEquals(many, t.get(2).orElseThrow().attributes());
      assertEquals(full, t.get(3).orElseThrow().attributes());
    }
  }
}
