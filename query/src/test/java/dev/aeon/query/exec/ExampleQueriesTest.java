package dev.aeon.query.exec;

import static org.junit.jupiter.api.Assertions.*;

import dev.aeon.query.trace.Event;
import dev.aeon.query.trace.VectorRecall;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The five statements of the issue, on the hand-written conversation, with their plans. */
class ExampleQueriesTest extends OnConversation {


  @Test
  void newestUserTurnsOfASession() {
    String q = "MATCH (e:user {session: 'conv-26'}) RETURN e.text ORDER BY e.ts DESC LIMIT 5";
    QueryResult r = c.trace.query(q, Map.of());
    assertEquals(List.of("e.text"), r.columns());
    List<Object> expected = new ArrayList<>();
    for (int i = Conversation.CONV_26.length - 1; i >= 0 && expected.size() < 5; i--) {
      if (Conversation.CONV_26[i][0].equals("user")) {
        expected.add(Conversation.CONV_26[i][1]);
      }
    }
    assertEquals(expected, r.column("e.text"));
    String plan = c.trace.explain(q, Map.of());
    // 7 user turns in all against 12 turns in conv-26: the label index is the smaller start here, read newest first
    assertTrue(
        plan.startsWith("NodeByLabelIndex (e:user), by ts DESC  (est. 7 of 19 events)\nFilter (e.session = 'conv-26')"),
        plan);
  }

  @Test
  void recallThenFollowTheConversation() {
    float[] q = Conversation.embed("moving to Lisbon");
    String stmt = "CALL recall($q, 5) YIELD event, score MATCH (event)-[:NEXT*1..2]->(n) "
        + "RETURN event.text, score, collect(n.text)";
    QueryResult r = c.trace.query(stmt, Map.of("q", q));
    assertEquals(List.of("event.text", "score", "collect(n.text)"), r.columns());
    Map<String, List<String>> expected = new HashMap<>();
    for (VectorRecall.Hit h : c.vectors.recall(q, 5, null)) {
      List<String> next = new ArrayList<>();
      List<Event> session = c.trace.history(c.trace.get(h.eventId()).orElseThrow().session(), 100).reversed();
      for (int i = 0; i < session.size(); i++) {
        if (session.get(i).id() == h.eventId()) {
          for (int j = i + 1; j <= i + 2 && j < session.size(); j++) {
            next.add(c.texts.get(session.get(j).id()));
          }
        }
      }
      if (!next.isEmpty()) {
        expected.put(c.texts.get(h.eventId()), next);
      }
    }
    assertFalse(expected.isEmpty());
    Map<Object, Object> actual = new HashMap<>();
    for (List<Object> row : r.rows()) {
      actual.put(row.get(0), row.get(2));
      assertEquals(c.vectors.similarity(c.texts.entrySet().stream().filter(e -> e.getValue().equals(row.get(0)))
          .findFirst().orElseThrow().getKey(), q), ((Double) row.get(1)).floatValue(), 1e-6);
    }
    assertEquals(expected, actual);
    assertTrue(c.trace.explain(stmt, Map.of("q", q)).startsWith("VectorRecall recall($q, 5) -> event, score"));
  }

  /**
   * The index may hold an event the query's view of the trace does not (a writer stores it in the index
   * first, and takes a forgotten one out of the index first): recall then still yields k events of the trace.
   */
  @Test
  void recallYieldsKEventsWhenTheIndexHoldsOneTheTraceDoesNot() {
    float[] q = Conversation.embed("moving to Lisbon");
    long notInTrace = 1_000_000;
    c.vectors.put(notInTrace, q.clone()); // the best match of all
    try {
      QueryResult r = c.trace.query("CALL recall($q, 3) YIELD event RETURN count(event)", Map.of("q", q));
      assertEquals(List.of(List.of(3L)), r.rows());
    } finally {
      c.vectors.vectors.remove(notInTrace);
    }
  }

  @Test
  void memoriesReferredToInATimeWindow() {
    String q = "MATCH (e)-[:REFERS_TO]->(m) WHERE e.ts BETWEEN $from AND $to RETURN m, count(e) ORDER BY count(e) DESC";
    Map<String, Object> p = Map.of("from", Conversation.T0, "to", Conversation.T0 + 6 * Conversation.MINUTE);
    QueryResult r = c.trace.query(q, p);
    // turns 0..6 of conv-26: Lisbon in 0, 2, 3, 6; Berlin in 2, 3; bakery in 4
    assertEquals(3, r.size());
    assertEquals(c.memLisbon, ((Event) r.rows().get(0).get(0)).id());
    assertEquals(4L, r.rows().get(0).get(1));
    assertEquals(c.memBerlin, ((Event) r.rows().get(1).get(0)).id());
    assertEquals(2L, r.rows().get(1).get(1));
    assertEquals(c.memBakery, ((Event) r.rows().get(2).get(0)).id());
    assertEquals(1L, r.rows().get(2).get(1));
    String plan = c.trace.explain(q, p);
    assertTrue(plan.startsWith("NodeByTimeRange (e) $from <= e.ts <= $to  (est. 7 of"), plan);
  }

  @Test
  void repliesToUserTurnsMentioningLisbon() {
    String q = "MATCH (a:assistant)<-[:NEXT]-(u:user) WHERE u.text CONTAINS 'Lisbon' RETURN a.text";
    QueryResult r = c.trace.query(q, Map.of());
    List<Object> expected = new ArrayList<>();
    for (int i = 0; i + 1 < Conversation.CONV_26.length; i++) {
      if (Conversation.CONV_26[i][0].equals("user") && Conversation.CONV_26[i][1].contains("Lisbon")) {
        expected.add(Conversation.CONV_26[i + 1][1]);
      }
    }
    assertEquals(3, expected.size());
    assertEquals(expected.stream().sorted().toList(), r.column("a.text").stream().map(String.class::cast).sorted()
        .toList());
  }

  @Test
  void supersededFactsAsOfATime() {
    String q = "MATCH (f)-[r:SUPERSEDES]->(g) AS OF $t RETURN f, g";
    QueryResult during = c.trace.query(q, Map.of("t", Conversation.T0 + 10 * Conversation.MINUTE));
    assertEquals(1, during.size());
    assertEquals(c.memLisbon, ((Event) during.rows().getFirst().get(0)).id());
    assertEquals(c.memBerlin, ((Event) during.rows().getFirst().get(1)).id());
    Instant before = Instant.ofEpochSecond(0, (Conversation.T0 - Conversation.MINUTE) * 1000);
    assertEquals(0, c.trace.query(q, Map.of("t", before)).size());
    assertEquals(0, c.trace.query(q, Map.of("t", Conversation.T0 + 60 * Conversation.MINUTE)).size());
    // without AS OF a query sees only edges that were never invalidated
    assertEquals(0, c.trace.query("MATCH (f)-[r:SUPERSEDES]->(g) RETURN f, g", Map.of()).size());
  }
}
