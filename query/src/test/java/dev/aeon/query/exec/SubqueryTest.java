package dev.aeon.query.exec;

import static org.junit.jupiter.api.Assertions.*;

import dev.aeon.query.lang.QueryException;
import dev.aeon.query.trace.Direction;
import dev.aeon.query.trace.Event;
import dev.aeon.query.trace.Neighbour;
import dev.aeon.query.trace.Trace;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code EXISTS { ... }} and {@code COUNT { ... }} on the hand-written conversation, against the trace's own API. */
class SubqueryTest extends OnConversation {

  private List<Object> column(String statement) {
    return c.trace.query(statement, Map.of()).rows().stream().map(List::getFirst).toList();
  }

  private QueryException fails(String statement) {
    return assertThrows(QueryException.class, () -> c.trace.query(statement, Map.of()));
  }

  private List<Event> events() {
    List<Event> out = new ArrayList<>();
    for (long id = 1; id < c.nextId; id++) {
      c.trace.get(id).ifPresent(out::add);
    }
    return out;
  }

  private List<Neighbour> edges(long id, Direction dir, String type) {
    return c.trace.neighbours(id, dir, type, Trace.CURRENT);
  }

  @Test
  void existsKeepsTheRowsWhosePatternMatches() {
    List<Object> last = events().stream().filter(e -> edges(e.id(), Direction.OUT, "NEXT").isEmpty())
        .map(Event::id).map(Object.class::cast).toList();
    assertEquals(last, column("MATCH (e) WHERE NOT EXISTS { (e)-[:NEXT]->() } RETURN e.id ORDER BY e.id"));
    List<Object> referring = events().stream().filter(e -> !edges(e.id(), Direction.OUT, "REFERS_TO").isEmpty())
        .map(Event::id).map(Object.class::cast).toList();
    assertFalse(referring.isEmpty());
    assertEquals(referring,
        column("MATCH (e) WHERE EXISTS { MATCH (e)-[:REFERS_TO]->(:memory) } RETURN e.id ORDER BY e.id"));
  }

  @Test
  void countCountsTheMatchesOfEachRow() {
    for (Event m : events().stream().filter(e -> e.role().equals("memory")).toList()) {
      long refs = edges(m.id(), Direction.IN, "REFERS_TO").size();
      assertEquals(List.of(refs), column("MATCH (m {id: " + m.id() + "}) RETURN COUNT { (m)<-[:REFERS_TO]-() }"));
    }
    // every user turn and the assistant turn right after it: one NEXT each, but for the last turn of a session
    long users = events().stream().filter(e -> e.role().equals("user")).count();
    assertEquals(List.of(users), column("MATCH (u:user) RETURN sum(COUNT { (u)-[:NEXT]->(:assistant) })"));
  }

  @Test
  void theSubqueryWhereReadsItsOwnAndTheRowsVariables() {
    // user turns answered, later, by an assistant turn that mentions Lisbon
    List<Object> expected = new ArrayList<>();
    for (Event e : events().stream().filter(e -> e.role().equals("user")).toList()) {
      for (Neighbour n : edges(e.id(), Direction.OUT, "NEXT")) {
        Event next = c.trace.get(n.eventId()).orElseThrow();
        if (next.tsMicros() > e.tsMicros() && next.role().equals("assistant")
            && c.texts.get(next.blobRef()).contains("Lisbon")) {
          expected.add(e.id());
        }
      }
    }
    assertFalse(expected.isEmpty());
    assertEquals(expected, column("MATCH (e:user) WHERE EXISTS { (e)-[:NEXT]->(n) WHERE n.ts > e.ts AND n.role = "
        + "'assistant' AND n.text CONTAINS 'Lisbon' } RETURN e.id ORDER BY e.id"));
  }

  @Test
  void theRowsVariablesAreBoundBeforeTheSubqueryRuns() {
    // EXISTS reads b, bound after a: it must run once both are, not after a alone
    assertEquals(column("MATCH (a)-[:NEXT]->(b) RETURN count(*)"),
        column("MATCH (a), (b) WHERE EXISTS { (a)-[:NEXT]->(b) } RETURN count(*)"));
    assertEquals(column("MATCH (a:user)-[:NEXT]->(b) RETURN count(*)"),
        column("MATCH (a:user) MATCH (b) WHERE EXISTS { (b)<-[:NEXT]-(a) } RETURN count(*)"));
    // a subquery that reads no variable of the row's is the same for every row
    assertEquals(List.of(true), column("RETURN EXISTS { (x:tool) }"));
    assertEquals(List.of(3L), column("RETURN COUNT { (x:memory) }"));
    assertEquals(List.of(19L), column("MATCH (e) WHERE COUNT { (x:memory) } = 3 RETURN count(e)"));
    // a null node (OPTIONAL MATCH found nothing) matches nothing
    assertEquals(List.of(false),
        column("MATCH (e:tool) OPTIONAL MATCH (e)-[:REFERS_TO]->(m) RETURN EXISTS { (m)<--() }"));
    assertEquals(List.of(0L), column("MATCH (e:tool) OPTIONAL MATCH (e)-[:REFERS_TO]->(m) RETURN COUNT { (m) }"));
  }

  @Test
  void subqueriesWorkInEveryClauseThatTakesAnExpression() {
    List<Object> referringTwice = events().stream().filter(e -> edges(e.id(), Direction.OUT, "REFERS_TO").size() >= 2)
        .map(Event::id).map(Object.class::cast).toList();
    assertFalse(referringTwice.isEmpty());
    assertEquals(referringTwice, column("MATCH (e) WITH e, COUNT { (e)-[:REFERS_TO]->() } AS refs WHERE refs >= 2 "
        + "RETURN e.id ORDER BY e.id"));
    assertEquals(referringTwice, column("MATCH (e) RETURN e.id ORDER BY COUNT { (e)-[:REFERS_TO]->() } DESC, e.id "
        + "LIMIT " + referringTwice.size()));
    // ORDER BY an alias inside the subquery: x is RETURN's
    assertEquals(referringTwice, column("MATCH (e) RETURN e AS x ORDER BY COUNT { (x)-[:REFERS_TO]->() } DESC, x.id "
        + "LIMIT " + referringTwice.size()).stream().map(n -> (Object) ((Event) n).id()).toList());
    assertEquals(referringTwice,
        column("UNWIND range(1, 30) AS i MATCH (e {id: i}) WHERE COUNT { (e)-[:REFERS_TO]->() }"
        + " >= 2 RETURN i"));
    // grouped by a subquery's value; inside an aggregate
    long memories = events().stream().filter(e -> e.role().equals("memory")).count();
    assertEquals(List.of(memories), column("MATCH (e) WITH EXISTS { (e)<-[:REFERS_TO]-() } AS referred, count(*) AS n "
        + "WHERE referred RETURN n"));
  }

  @Test
  void subqueriesNest() {
    // memories referred to by a user turn that an assistant turn answered
    List<Object> expected = new ArrayList<>();
    for (Event m : events().stream().filter(e -> e.role().equals("memory")).toList()) {
      boolean found = false;
      for (Neighbour in : edges(m.id(), Direction.IN, "REFERS_TO")) {
        Event turn = c.trace.get(in.eventId()).orElseThrow();
        found |= turn.role().equals("user") && edges(turn.id(), Direction.OUT, "NEXT").stream()
            .anyMatch(n -> c.trace.get(n.eventId()).orElseThrow().role().equals("assistant"));
      }
      if (found) {
        expected.add(m.id());
      }
    }
    assertFalse(expected.isEmpty());
    assertEquals(expected, column("MATCH (m:memory) WHERE EXISTS { (m)<-[:REFERS_TO]-(t:user) WHERE EXISTS { "
        + "(t)-[:NEXT]->(:assistant) } } RETURN m.id ORDER BY m.id"));
  }

  @Test
  void explainListsEachSubqueryAndItsOperators() {
    List<Object> plan = column("EXPLAIN MATCH (e {id: 4})-[:NEXT]->(n:user) WHERE EXISTS { (n)-[:REFERS_TO]->(m) WHERE "
        + "m.text CONTAINS 'Lisbon' } RETURN e.id, COUNT { (e)<-[:NEXT]-() }");
    assertEquals(List.of(
        "NodeByIdSeek (e) id = 4  (est. 1 of 19 events)",
        "Expand (e)-[:NEXT]->(n)",
        "Filter (n.role = 'user')", // before the subquery, which costs more
        "Filter EXISTS { MATCH (n)-[:REFERS_TO]->(m) WHERE (m.text CONTAINS 'Lisbon') }",
        "Project e.id, COUNT { (e)<-[:NEXT]-() }",
        "EXISTS { MATCH (n)-[:REFERS_TO]->(m) WHERE (m.text CONTAINS 'Lisbon') }: Expand (n)-[:REFERS_TO]->(m); "
            + "Filter (m.text CONTAINS 'Lisbon')",
        "COUNT { MATCH (e)<-[:NEXT]-() }: Expand (e)<-[:NEXT]-(`anon3`)"), plan);
  }

  @Test
  void aSubqueryHasItsOwnVariables() {
    assertEquals("unknown variable 'x'", fails("MATCH (e) WHERE EXISTS { (e)-->(x) } RETURN x").reason());
    // the same name in two subqueries: two variables
    assertEquals(column("MATCH (e) WHERE EXISTS { (e)-[:NEXT]->(x) } AND EXISTS { (e)<-[:NEXT]-(x) } RETURN count(*)"),
        column("MATCH (e)-[:NEXT]->(), (e)<-[:NEXT]-() RETURN count(*)"));
    assertEquals("unknown variable 'y'", fails("MATCH (e) WHERE EXISTS { (e)-->(x) WHERE y.id = 1 } RETURN e")
        .reason());
    assertEquals("relationship variable 'r' is already used",
        fails("MATCH (e)-[r]->() WHERE EXISTS { (e)-[r]->() } RETURN e").reason());
    assertEquals("variable 'e' is a node, not a relationship",
        fails("MATCH (e) WHERE EXISTS { ()-[e]->() } RETURN e").reason());
  }

  @Test
  void misplacedAggregatesAndUngroupedReadsAreErrors() {
    assertEquals("aggregate function count() is only allowed in the columns and ORDER BY of RETURN and WITH "
        + "(and not inside another aggregate)", fails("MATCH (e) WHERE EXISTS { (e)-->(x) WHERE count(x) > 1 } "
        + "RETURN e").reason());
    assertEquals("variable 'e' is read outside an aggregate but is not a grouping key of RETURN; add it as a column "
        + "of its own", fails("MATCH (e) RETURN e.role, count(*) + COUNT { (e)-->() }").reason());
    // grouped by the subquery itself, or summed inside an aggregate: fine
    assertEquals(2, column("MATCH (e) RETURN EXISTS { (e)-[:NEXT]->() } AS more, count(*) AS n").size());
    assertEquals(List.of(column("MATCH (e)-[:NEXT]->() RETURN count(*)").getFirst()),
        column("MATCH (e) RETURN sum(COUNT { (e)-[:NEXT]->() })"));
  }

  @Test
  void syntaxErrors() {
    assertEquals("expected '(' but found '}'", fails("MATCH (e) WHERE EXISTS { } RETURN e").reason());
    assertEquals("expected '}' but found 'RETURN'", fails("MATCH (e) WHERE EXISTS { (e)-->() RETURN e").reason());
    // count( is still the aggregate, exists without a brace a variable
    assertEquals(List.of(19L), column("MATCH (e) RETURN count(e)"));
    assertEquals("unknown variable 'exists'", fails("MATCH (e) RETURN exists").reason());
  }

  @Test
  void theDeepestNestingAcceptedRunsOnHalfADefaultStack() throws Exception {
    // each level is a part and two levels of expression nesting: the expression depth bounds it first
    int levels = 99;
    String deepest = "MATCH (e {id: 4}) RETURN " + "EXISTS { (e) WHERE ".repeat(levels) + "true" + " }".repeat(levels);
    ClausesTest.onHalfADefaultStack("the deepest subqueries accepted", () -> {
      assertEquals(List.of(true), column(deepest));
      c.trace.explain(deepest, Map.of());
    });
    fails("MATCH (e {id: 4}) RETURN " + "EXISTS { (e) WHERE ".repeat(levels + 2) + "true" + " }".repeat(levels + 2));
  }

  /** Found by review: a property map's condition reading a later path's node was never placed, so it was lost. */
  @Test
  void aPropertyMapReadsEveryVariableOfItsClauseAndItsConditionIsNeverLost() {
    assertEquals(List.of(0L), column("MATCH (a {flag: EXISTS { (a)-[:NEXT]->(b) }}), (b) RETURN count(*)"));
    assertEquals(List.of(0L),
        column("MATCH (a)-[r:NEXT {valid_to: CASE WHEN EXISTS { (c)-[:REFERS_TO]->() } THEN 1 END}]"
        + "->(b), (c) RETURN count(*)"));
    // b is the clause's b in the map as in WHERE
    assertEquals(column("MATCH (a)-[:NEXT]->(b) WHERE a.id = CASE WHEN EXISTS { (a)-[:REFERS_TO]->(b) } THEN a.id END "
        + "RETURN count(*)"),
        column("MATCH (a {id: CASE WHEN EXISTS { (a)-[:REFERS_TO]->(b) } THEN a.id END})-[:NEXT]->(b) "
        + "RETURN count(*)"));
    // without a subquery too: a's map reads b, bound by the second path
    long conv26 = events().stream().filter(e -> e.session().equals("conv-26")).count();
    assertEquals(List.of(conv26), column("MATCH (a {session: b.session}), (b {id: 4}) RETURN count(*)"));
  }

  /** Found by review: planning ran a subquery for an estimate, so EXPLAIN failed as the statement would. */
  @Test
  void planningNeverRunsASubquery() {
    String failsWhenRun = "MATCH (e {session: COUNT { (x) WHERE x.len > 'a' }}) RETURN e";
    assertEquals("cannot compare integer with string", fails(failsWhenRun).reason());
    // the seek reads its key when it runs, and the estimate is the one for a key known only then
    assertTrue(column("EXPLAIN " + failsWhenRun).getFirst().toString().startsWith(
        "NodeBySessionIndex (e) session = COUNT"));
    assertTrue(column("EXPLAIN MATCH (e) WHERE e.ts > COUNT { (x) WHERE x.len > 'a' } RETURN e").getFirst().toString()
        .startsWith("NodeByTimeRange (e) COUNT"));
    assertEquals("LIMIT cannot use variables or subqueries", fails("MATCH (e) RETURN e LIMIT COUNT { (x) }").reason());
  }

  /** Found by review: a subquery reading only grouping keys, or a comprehension's own variable, was refused. */
  @Test
  void aGroupedColumnMayRunASubqueryOverItsKeys() {
    List<List<Object>> rows = c.trace.query("MATCH (m:memory) RETURN m, count(*) + COUNT { (m)<-[:REFERS_TO]-() } "
        + "AS n", Map.of()).rows();
    assertEquals(3, rows.size());
    for (List<Object> row : rows) {
      assertEquals(1L + edges(((Event) row.getFirst()).id(), Direction.IN, "REFERS_TO").size(), row.get(1));
    }
    assertEquals("variable 'm' is read outside an aggregate but is not a grouping key of RETURN; add it as a column of "
        + "its own", fails("MATCH (m:memory) RETURN m.id, count(*) + COUNT { (m)<-[:REFERS_TO]-() }").reason());
    List<List<Object>> perSession = c.trace.query("MATCH (e) RETURN e.session AS s, [e IN collect(e) | COUNT { "
        + "(e)-[:NEXT]->() }] AS next ORDER BY s", Map.of()).rows();
    assertEquals(List.of("memories", List.of(1L, 1L, 0L)), perSession.get(2));
  }

  @Test
  void collectReturnsAValueForEachMatch() {
    for (Event m : events().stream().filter(e -> e.role().equals("memory")).toList()) {
      List<Object> referring = edges(m.id(), Direction.IN, "REFERS_TO").stream().map(n -> (Object) n.eventId())
          .sorted().toList();
      Object collected = column("MATCH (m {id: " + m.id() + "}) RETURN COLLECT { (m)<-[:REFERS_TO]-(t) RETURN t.id }")
          .getFirst();
      assertEquals(referring, ((List<?>) collected).stream().map(Object.class::cast).sorted().toList());
    }
    // with a WHERE, over several paths, nested, and empty
    assertEquals(List.of(List.of("lives in Lisbon")),
        column("MATCH (e {id: 4}) RETURN COLLECT { MATCH (e)-[:REFERS_TO]->(m) "
        + "WHERE m.text CONTAINS 'Lisbon' RETURN m.text }"));
    assertEquals(List.of(List.of(List.of(5L))), column("MATCH (e {id: 4}) RETURN COLLECT { (e)-[:NEXT]->(n) RETURN "
        + "COLLECT { (n)<-[:NEXT]-(p) RETURN p.id + 1 } }"));
    assertEquals(List.of(List.of()), column("MATCH (e:tool) RETURN COLLECT { (e)-[:REFERS_TO]->(m) RETURN m.id }"));
    // the aggregate collect() is still one
    assertEquals(List.of(3L), column("MATCH (m:memory) RETURN size(collect(m))"));
  }

  @Test
  void collectIsBoundedAsAListComprehensionIs() {
    // a15 holds 2^15 lists of 1,024 (one list, many times over): 2^15 x 1,025 + 2^15 - 1 = 33,619,967 values
    StringBuilder s = new StringBuilder("MATCH (e {id: 16}) WITH e, range(1, 1024) AS a0");
    for (int i = 1; i <= 15; i++) {
      s.append(" WITH e, [a").append(i - 1).append(", a").append(i - 1).append("] AS a").append(i);
    }
    assertEquals(List.of(1L), column(s + " RETURN size(COLLECT { (e)-[:NEXT]->() RETURN a15 })"));
    assertEquals("COLLECT would make a list of more than 67108864 values",
        fails(s + " RETURN size(COLLECT { (e)-[:NEXT*1..2]->() RETURN a15 })").reason());
  }

  @Test
  void collectNeedsItsReturn() {
    assertEquals("expected RETURN but found '}'", fails("MATCH (e) RETURN COLLECT { (e)-->(x) }").reason());
    assertEquals("expected '}' but found 'RETURN'", fails("MATCH (e) RETURN EXISTS { (e)-->(x) RETURN x }").reason());
    assertEquals("unknown variable 'y'", fails("MATCH (e) RETURN COLLECT { (e)-->(x) RETURN y }").reason());
    assertEquals("aggregate function count() is only allowed in the columns and ORDER BY of RETURN and WITH (and not "
        + "inside another aggregate)", fails("MATCH (e) RETURN COLLECT { (e)-->(x) RETURN count(x) }").reason());
  }

  /** A subquery sees the edges valid now, whatever the AS OF around it, or those of its own AS OF. */
  @Test
  void aSubqueryHasAnAsOfOfItsOwn() {
    String supersedes = "MATCH (f)-[r:SUPERSEDES]->(g) AS OF " + (Conversation.T0 + Conversation.MINUTE) + " RETURN ";
    assertEquals(List.of(false), column(supersedes + "EXISTS { (f)-[:SUPERSEDES]->(g) }"), "invalidated since");
    assertEquals(List.of(true), column(supersedes + "EXISTS { (f)-[:SUPERSEDES]->(g) AS OF " + (Conversation.T0
        + Conversation.MINUTE) + " }"));
    assertEquals(List.of(true), column(supersedes + "EXISTS { (f)-[:SUPERSEDES]->(g) AS OF r.valid_from }"));
    assertEquals(List.of(List.of(1L)), column(supersedes + "COLLECT { (f)-[s]->(x) AS OF r.valid_from WHERE "
        + "type(s) = 'SUPERSEDES' RETURN x.id }"));
    assertEquals("AS OF cannot use variable 'x' of its own MATCH",
        fails("MATCH (f) RETURN EXISTS { (f)-->(x) AS OF x.ts }").reason());
  }

  /**
   * A null AS OF (a relationship's bound read from an OPTIONAL MATCH that found none) is an error in a subquery as in a
   * MATCH, not the edges valid now, once a relationship is followed.
   */
  @Test
  void aNullAsOfIsAnErrorAsInAMatch() {
    String none = "MATCH (f {id: 2}) OPTIONAL MATCH (f)-[r:NOPE]->(x) ";
    String reason = "AS OF needs a timestamp (epoch microseconds or Instant) but got null";
    assertEquals(reason, fails(none + "MATCH (f)-[:SUPERSEDES]->(g) AS OF r.valid_from RETURN g").reason());
    assertEquals(reason, fails(none + "RETURN EXISTS { (f)-[:SUPERSEDES]->(g) AS OF r.valid_from }").reason());
    assertEquals(reason, fails("MATCH (f {id: 2}) RETURN COUNT { (f)-[:SUPERSEDES*0..2]->(g) AS OF null }").reason());
    // nothing to evaluate at a time: no relationship, or none from a null node
    assertEquals(List.of(true), column("MATCH (f {id: 2}) RETURN EXISTS { (f) AS OF null }"));
    assertEquals(List.of(false), column(none + "RETURN EXISTS { (x)-[:SUPERSEDES]->() AS OF null }"));
  }
}
