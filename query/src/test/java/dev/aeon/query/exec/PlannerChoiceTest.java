package dev.aeon.query.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The planner starts each pattern from its most selective index, by the indexes' own counts, and
 * EXPLAIN names that start. Counts in the {@link Conversation} trace: 19 events; sessions conv-26 12,
 * conv-27 4, memories 3; labels user 7, assistant 8, memory 3, tool 1.
 */
class PlannerChoiceTest extends OnConversation {


  private List<String> plan(String statement, Map<String, Object> params) {
    return c.trace.explain(statement, params).lines().toList();
  }

  private QueryResult q(String statement) {
    return c.trace.query(statement, Map.of());
  }

  private QueryResult q(String statement, Map<String, Object> params) {
    return c.trace.query(statement, params);
  }

  private String start(String statement) {
    return plan(statement, Map.of()).getFirst();
  }

  @Test
  void smallestIndexWins() {
    assertEquals("NodeBySessionIndex (e) session = 'conv-27'  (est. 4 of 19 events)",
        start("MATCH (e:assistant {session: 'conv-27'}) RETURN e"));
    assertEquals("NodeByLabelIndex (e:user)  (est. 7 of 19 events)",
        start("MATCH (e:user {session: 'conv-26'}) RETURN e"));
    assertEquals("NodeByTimeRange (e) " + Conversation.T0 + " <= e.ts < " + (Conversation.T0 + 2 * Conversation.MINUTE)
        + "  (est. 2 of 19 events)", start("MATCH (e:assistant) WHERE e.ts >= " + Conversation.T0 + " AND e.ts < "
        + (Conversation.T0 + 2 * Conversation.MINUTE) + " RETURN e"));
    assertEquals("NodeByIdSeek (e) id = 5  (est. 1 of 19 events)",
        start("MATCH (e:user {session: 'conv-26'}) WHERE e.id = 5 RETURN e"));
    assertEquals("AllNodesScan (e)  (est. 19 of 19 events)", start("MATCH (e) WHERE e.len > 3 RETURN e"));
  }

  /**
   * A seek returns exactly the events its condition holds for, so no filter repeats the condition; a condition it
   * applies only in part (a second lower bound, a window whose other end reads the node, a not-equal) stays one.
   */
  @Test
  void aSeekAnswersTheConditionsItAppliesWhole() {
    long t0 = Conversation.T0;
    long m = Conversation.MINUTE;
    assertEquals(List.of("NodeByIdSeek (e) id = 5  (est. 1 of 19 events)", "Filter (e.session = 'conv-26')",
        "Project e.id"), plan("MATCH (e {session: 'conv-26'}) WHERE e.id = 5 RETURN e.id", Map.of()));
    assertEquals(List.of("NodeByTimeRange (e) " + t0 + " <= e.ts < " + (t0 + 2 * m) + "  (est. 2 of 19 events)",
        "Filter (e.role = 'assistant')", "Project e.id"), plan("MATCH (e:assistant) WHERE e.ts >= " + t0
        + " AND e.ts < " + (t0 + 2 * m) + " RETURN e.id", Map.of()));
    String partly = "MATCH (e) WHERE e.ts >= $a AND e.ts > $b AND e.ts <> $c AND e.ts BETWEEN $a AND e.ts + e.len"
        + " RETURN e.id";
    Map<String, Object> p = Map.of("a", t0 + 5 * m, "b", t0 + 3 * m, "c", t0 + 7 * m);
    assertEquals(List.of("NodeByTimeRange (e) $a <= e.ts  (est. 11 of 19 events)", "Filter (e.ts > $b)",
        "Filter (e.ts <> $c)", "Filter (e.ts BETWEEN $a AND (e.ts + e.len))", "Project e.id"), plan(partly, p));
    List<Object> expected = q("MATCH (e) RETURN e.id, e.ts").rows().stream()
        .filter(r -> (Long) r.get(1) >= t0 + 5 * m && (Long) r.get(1) != t0 + 7 * m).map(r -> r.get(0)).toList();
    assertEquals(10, expected.size(), "11 at or after $a, less the one at $c");
    assertEquals(expected, q(partly, p).column("e.id"));
    // a bound of another type than an integer matches nothing, as the filter did
    assertEquals(List.of(), q("MATCH (e) WHERE e.ts >= $a RETURN e.id", Map.of("a", Double.NaN)).rows());
    assertEquals(List.of(), q("MATCH (e {session: $s}) RETURN e.id", Map.of("s", 26L)).rows());
    assertEquals(List.of(5L), q("MATCH (e {id: $i}) RETURN e.id", Map.of("i", 5.0)).column("e.id"));
    assertEquals(List.of(), q("MATCH (e {id: $i}) RETURN e.id", Map.of("i", 5.5)).rows());
    // bounds at the ends of the longs and past 2^53, where a double's + 1 is lost: exact, as the filter was
    long big = 1L << 60;
    long lowest = c.add("edges", "user", Long.MIN_VALUE, "lowest");
    long atBig = c.add("edges", "user", big, "at 2^60");
    long afterBig = c.add("edges", "user", big + 1, "after 2^60");
    String byTs = "MATCH (e) WHERE e.ts %s $t RETURN e.id ORDER BY e.id";
    assertEquals(List.of(), q(byTs.formatted("<"), Map.of("t", (double) Long.MIN_VALUE)).column("e.id"));
    assertEquals(List.of(lowest), q(byTs.formatted("<="), Map.of("t", (double) Long.MIN_VALUE)).column("e.id"));
    assertEquals(List.of(afterBig), q(byTs.formatted(">"), Map.of("t", (double) big)).column("e.id"));
    assertEquals(List.of(atBig, afterBig), q(byTs.formatted(">="), Map.of("t", (double) big)).column("e.id"));
    assertEquals(List.of(atBig), q("MATCH (e) WHERE e.ts >= $t AND e.ts <= $u RETURN e.id", Map.of("t", big - 1.0,
        "u", (double) (big + 1))).column("e.id"), "2^60 - 1 and 2^60 + 1 are 2^60 as doubles");
  }

  @Test
  void anEstimateIsNoMoreThanTheLiveEvents() {
    for (long id = 1; id <= 16; id++) {
      c.trace.forget(id);
    }
    // the lists still hold the forgotten events, which a scan visits and skips: 19 slots, 7 of them users'
    assertEquals("AllNodesScan (e)  (est. 3 of 3 events)", start("MATCH (e) WHERE e.len > 3 RETURN e"));
    assertEquals("NodeByLabelIndex (e:user)  (est. 3 of 3 events)", start("MATCH (e:user) RETURN e"));
  }

  @Test
  void estimatesUseTheParametersValues() {
    String q = "MATCH (e:user) WHERE e.session = $s RETURN e";
    assertEquals("NodeBySessionIndex (e) session = $s  (est. 3 of 19 events)",
        plan(q, Map.of("s", "memories")).getFirst());
    assertEquals("NodeByLabelIndex (e:user)  (est. 7 of 19 events)", plan(q, Map.of("s", "conv-26")).getFirst());
  }

  @Test
  void aPatternStartsFromItsMostSelectiveNodeAndFiltersEarly() {
    List<String> p = plan("MATCH (a:assistant)<-[:NEXT]-(u {session: 'conv-27'}) WHERE u.len > 5 RETURN a.text",
        Map.of());
    assertEquals(List.of("NodeBySessionIndex (u) session = 'conv-27'  (est. 4 of 19 events)", "Filter (u.len > 5)",
        "Expand (u)-[:NEXT]->(a)", "Filter (a.role = 'assistant')", "Project a.text"), p);
  }
}
