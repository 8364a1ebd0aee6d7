package dev.aeon.query.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A result sorted by the timestamp of the first scan's events, with a LIMIT, has the scan yield them by time and
 * stops early; it returns what sorting every event returns, ties of equal timestamps included (in the order the
 * scan's index yields them: by slot). Each statement is compared with the same without LIMIT (which sorts every
 * row), cut to the limit.
 */
class TimeOrderedScanTest extends OnConversation {

  /** Timestamps of the "tied" session, appended in time order with runs of ties; "mixed" gets them shuffled. */
  private static final long[] TIED = {1, 2, 2, 2, 3, 5, 5, 8, 8, 8, 8, 9, 12, 12, 13};
  private static final long[] MIXED = {5, 3, 9, 3, 1, 12, 5, 5, 2, 13, 8, 1};
  /** Timestamps of the events of role "note", appended in time order. */
  private static final long[] NOTES = {1, 1, 2, 3, 3, 3, 7, 9};

  @BeforeEach
  void addSessions() {
    for (int i = 0; i < TIED.length; i++) {
      c.add("tied", i % 2 == 0 ? "user" : "assistant", Conversation.T0 + TIED[i], "tied " + i);
      if (i < MIXED.length) {
        c.add("mixed", i % 2 == 0 ? "user" : "assistant", Conversation.T0 + MIXED[i], "mixed " + i);
      }
    }
    for (long ts : NOTES) {
      c.add("notes", "note", Conversation.T0 + ts, "note");
    }
  }

  private List<List<Object>> rows(String statement, Map<String, Object> params) {
    return c.trace.query(statement, params).rows();
  }

  /** The statement with {@code SKIP skip LIMIT limit} appended, and the rows of it without them, cut alike. */
  private void sameAsSortingEveryRow(String statement, Map<String, Object> params, int skip, int limit) {
    List<List<Object>> all = rows(statement, params);
    List<List<Object>> expected = all.subList(Math.min(skip, all.size()), Math.min(skip + limit, all.size()));
    assertEquals(expected, rows(statement + " SKIP " + skip + " LIMIT " + limit, params), statement);
  }

  @Test
  void aSessionInTimeOrderIsReadFromEitherEndAndStopsEarly() {
    String newest = "MATCH (e {session: 'tied'}) RETURN e.id, e.ts ORDER BY e.ts DESC";
    assertEquals("NodeBySessionIndex (e) session = 'tied', by ts DESC  (est. 15 of 54 events)",
        c.trace.explain(newest + " LIMIT 3", Map.of()).lines().findFirst().orElseThrow());
    for (String order : List.of("", " DESC")) {
      for (int skip = 0; skip < 4; skip++) {
        for (int limit = 0; limit <= TIED.length + 1; limit++) {
          sameAsSortingEveryRow("MATCH (e {session: 'tied'}) RETURN e.id, e.ts ORDER BY e.ts" + order, Map.of(), skip,
              limit);
          sameAsSortingEveryRow("MATCH (e {session: 'tied'}) RETURN e.id ORDER BY e.ts" + order + ", e.role DESC",
              Map.of(), skip, limit);
          sameAsSortingEveryRow("MATCH (e {session: $s}) MATCH (e)-[:NEXT]->(n) RETURN e.id, n.id ORDER BY e.ts"
              + order, Map.of("s", "mixed"), skip, limit);
        }
      }
    }
  }

  @Test
  void aSessionOutOfTimeOrderIsSortedFirst() {
    assertTrue(c.trace.explain("MATCH (e {session: 'mixed'}) RETURN e ORDER BY e.ts LIMIT 2", Map.of())
        .startsWith("NodeBySessionIndex (e) session = 'mixed', by ts  "));
    for (String order : List.of("", " DESC")) {
      for (int limit = 0; limit <= MIXED.length; limit++) {
        sameAsSortingEveryRow("MATCH (e {session: 'mixed'}) RETURN e.id, e.ts ORDER BY e.ts" + order, Map.of(), 1,
            limit);
      }
    }
    // an event forgotten is not yielded, by either way of reading the session
    c.trace.forget((Long) rows("MATCH (e {session: 'mixed'}) RETURN e.id ORDER BY e.ts DESC LIMIT 1", Map.of())
        .getFirst().getFirst());
    c.trace.forget((Long) rows("MATCH (e {session: 'tied'}) RETURN e.id ORDER BY e.ts DESC LIMIT 1", Map.of())
        .getFirst().getFirst());
    for (String s : List.of("mixed", "tied")) {
      sameAsSortingEveryRow("MATCH (e {session: '" + s + "'}) RETURN e.id, e.ts ORDER BY e.ts DESC", Map.of(), 0, 3);
    }
  }

  @Test
  void aTimeRangeIsReadFromEitherEnd() {
    String range = "MATCH (e) WHERE e.ts >= $from AND e.ts <= $to RETURN e.id, e.ts ORDER BY e.ts";
    Map<String, Object> p = Map.of("from", Conversation.T0 + 2, "to", Conversation.T0 + 12);
    assertEquals("NodeByTimeRange (e) $from <= e.ts <= $to, by ts DESC  (est. 28 of 54 events)",
        c.trace.explain(range + " DESC LIMIT 1", p).lines().findFirst().orElseThrow());
    for (String order : List.of("", " DESC")) {
      for (int limit = 0; limit < 25; limit++) {
        sameAsSortingEveryRow(range + order, p, 2, limit);
      }
    }
  }

  /** A role's list is read as a session's is; every event, from the time index. */
  @Test
  void aRoleOrEveryEventIsReadInTimeOrder() {
    assertTrue(c.trace.explain("MATCH (e:note) RETURN e ORDER BY e.ts DESC LIMIT 2", Map.of())
        .startsWith("NodeByLabelIndex (e:note), by ts DESC  "));
    assertTrue(c.trace.explain("MATCH (e) RETURN e ORDER BY e.ts LIMIT 2", Map.of())
        .startsWith("AllNodesScan (e), by ts  "));
    for (String order : List.of("", " DESC")) {
      for (int limit = 0; limit <= 10; limit++) {
        // notes in time order; users out of it (conv-26's turns are a day after tied's and mixed's)
        for (String pattern : List.of("(e:note)", "(e:user)", "(e)")) {
          sameAsSortingEveryRow("MATCH " + pattern + " RETURN e.id, e.ts ORDER BY e.ts" + order, Map.of(), 1, limit);
        }
      }
    }
  }

  /** The first WITH's projection stops as RETURN's does; what it passes on is the same. */
  @Test
  void aWithSortedByTheScansTsStopsEarly() {
    String newest = "MATCH (e {session: $s}) WITH e ORDER BY e.ts DESC LIMIT %d MATCH (p)-[:NEXT]->(e)"
        + " RETURN e.id, p.id";
    assertEquals("NodeBySessionIndex (e) session = $s, by ts DESC  (est. 15 of 54 events)",
        c.trace.explain(newest.formatted(3), Map.of("s", "tied")).lines().findFirst().orElseThrow());
    // sorted by an expression, not the ts itself, every row is sorted: the result to compare with
    String sortingAll = newest.replace("ORDER BY e.ts DESC", "ORDER BY e.ts + 0 DESC");
    assertTrue(c.trace.explain(sortingAll.formatted(3), Map.of("s", "tied")).startsWith(
        "NodeBySessionIndex (e) session = $s  "));
    for (String s : List.of("tied", "mixed")) {
      for (int limit = 0; limit <= 6; limit++) {
        assertEquals(rows(sortingAll.formatted(limit), Map.of("s", s)), rows(newest.formatted(limit), Map.of("s", s)),
            s + " " + limit);
      }
    }
  }

  /**
   * Found by review: an alias hides the scan's variable in ORDER BY ({@code m AS e ... ORDER BY e.ts} sorts by m's
   * timestamps), yet the scan of e was read by its own and the projection stopped at the first new key: the memory
   * referred to last was returned, not the newest one referred to.
   */
  @Test
  void aSortKeyReadingAnAliasOfTheScansNameSortsEveryRow() {
    for (String clause : List.of("RETURN m.id AS id, m AS e", "WITH m.id AS id, m AS e")) {
      String statement = "MATCH (e)-[:REFERS_TO]->(m) " + clause + " ORDER BY e.ts DESC LIMIT 1"
          + (clause.startsWith("WITH") ? " RETURN id" : "");
      assertTrue(c.trace.explain(statement, Map.of()).startsWith("AllNodesScan (e)  "), statement);
      assertEquals(c.memBakery, rows(statement, Map.of()).getFirst().getFirst(), statement);
    }
  }

  @Test
  void otherResultsSortEveryRow() {
    // not by the scan's own ts, aggregated, distinct or without a LIMIT: the scan keeps its index's order
    for (String s : List.of(
        "MATCH (e {session: 'tied'}) MATCH (f {session: 'mixed'}) RETURN e.id, f.id ORDER BY f.ts LIMIT 2",
        "MATCH (e {session: 'tied'}) RETURN e.role, count(*) ORDER BY e.role LIMIT 2",
        "MATCH (e {session: 'tied'}) RETURN DISTINCT e.ts ORDER BY e.ts LIMIT 2",
        "MATCH (e {session: 'tied'}) RETURN e.id ORDER BY e.ts",
        "MATCH (e {session: 'tied'}) WITH e LIMIT 2 RETURN e.id ORDER BY e.ts LIMIT 1")) {
      assertTrue(c.trace.explain(s, Map.of()).startsWith("NodeBySessionIndex (e) session = 'tied'  "), s);
    }
    assertEquals(List.of(List.<Object>of(Conversation.T0 + 2)),
        rows("MATCH (e {session: 'tied'}) RETURN DISTINCT e.ts ORDER BY e.ts SKIP 1 LIMIT 1", Map.of()));
  }
}
