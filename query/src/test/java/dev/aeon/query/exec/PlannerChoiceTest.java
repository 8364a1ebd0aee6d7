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
    assertEquals("NodeBySessionIndex (e) session = $s  (est. 3 of 19 events)", plan(q, Map.of("s", "memories")).getFirst());
    assertEquals("NodeByLabelIndex (e:user)  (est. 7 of 19 events)", plan(q, Map.of("s", "conv-26")).getFirst());
  }

  @Test
  void aPatternStartsFromItsMostSelectiveNodeAndFiltersEarly() {
    List<String> p = plan("MATCH (a:assistant)<-[:NEXT]-(u {session: 'conv-27'}) WHERE u.len > 5 RETURN a.text", Map.of());
    assertEquals(List.of("NodeBySessionIndex (u) session = 'conv-27'  (est. 4 of 19 events)", "Filter (u.len > 5)",
        "Filter (u.session = 'conv-27')", "Expand (u)-[:NEXT]->(a)", "Filter (a.role = 'assistant')", "Project a.text"), p);
  }
}
