package dev.aeon.query.exec;

import static org.junit.jupiter.api.Assertions.*;

import dev.aeon.query.exec.TraceModel.MEdge;
import dev.aeon.query.exec.TraceModel.MEvent;
import dev.aeon.query.trace.Direction;
import dev.aeon.query.trace.Edge;
import dev.aeon.query.trace.Event;
import dev.aeon.query.trace.Neighbour;
import dev.aeon.query.trace.Trace;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random traces (events, edges, invalidations, forgets, attribute updates, flushes, reopens with and
 * without a flush) against {@link TraceModel}: the store's API and statements of the language are
 * compared with a naive evaluation over the model. Rerun a failure with -Dtrace.seed=SEED.
 */
class TraceModelTest {

  static final String[] SESSIONS = {"s0", "s1", "s2", "s3", "s4"};
  static final String[] ROLES = {"user", "assistant", "tool"};
  static final String[] TYPES = {"T1", "T2"};

  @TempDir Path dir;
  long seed = Long.getLong("trace.seed", System.nanoTime());
  Random rnd = new Random(seed);
  TraceModel model = new TraceModel();
  TraceModel flushed = new TraceModel();
  Trace trace;
  long nextId = 1;
  long flushedNextId = 1;
  long flushedLsn = -1;

  @Test
  void randomTracesMatchTheModel() throws IOException {
    System.out.println("TraceModelTest seed " + seed + " (rerun with -Dtrace.seed=" + seed + ")");
    trace = Trace.open(dir);
    try {
      for (int op = 1; op <= 3000; op++) {
        step();
        if (op % 300 == 0) {
          check();
        }
      }
      check();
    } finally {
      trace.close();
    }
  }

  private void step() throws IOException {
    int r = rnd.nextInt(1000);
    List<MEvent> live = model.live();
    if (r < 650 || live.size() < 2) {
      long id = nextId;
      nextId += 1 + rnd.nextInt(3);
      MEvent e = new MEvent(id, pick(SESSIONS), pick(ROLES), rnd.nextInt(1000), rnd.nextInt(10));
      model.events.add(e);
      assertTrue(trace.append(new Event(id, e.session, e.role, e.ts, id, Event.NO_VECTOR, Map.of("k", e.k))));
      assertFalse(trace.append(Event.of(id, "x", "y", 0, 0)), "a replayed id must be ignored");
    } else if (r < 850) {
      MEvent a = live.get(rnd.nextInt(live.size()));
      MEvent b = live.get(rnd.nextInt(live.size()));
      long vf = rnd.nextBoolean() ? Edge.SINCE_EVER : rnd.nextInt(1000);
      long vt = rnd.nextInt(4) == 0 ? vf + 1 + rnd.nextInt(500) : Edge.OPEN;
      String type = pick(TYPES);
      model.edges.add(new MEdge(type, a.id, b.id, vf, vt));
      assertTrue(trace.addEdge(type, a.id, b.id, vf, vt));
    } else if (r < 900 && !model.edges.isEmpty()) {
      MEdge e = model.edges.get(rnd.nextInt(model.edges.size()));
      long at = rnd.nextInt(1000);
      int expected = 0;
      for (MEdge x : model.edges) {
        if (!x.removed && x.validTo == Edge.OPEN && x.type.equals(e.type) && x.from == e.from && x.to == e.to) {
          x.validTo = at;
          expected++;
        }
      }
      assertEquals(expected, trace.invalidateEdges(e.type, e.from, e.to, at), "seed " + seed);
    } else if (r < 940) {
      MEvent e = live.get(rnd.nextInt(live.size()));
      long edges = model.edges.stream().filter(x -> !x.removed && (x.from == e.id || x.to == e.id)).count();
      model.forget(e.id);
      var f = trace.forget(e.id);
      assertArrayEquals(new long[] {e.id}, f.ids());
      assertEquals(edges, f.edges(), "seed " + seed);
    } else if (r < 980) {
      MEvent e = live.get(rnd.nextInt(live.size()));
      e.k = rnd.nextInt(10);
      assertTrue(trace.updateAttributes(e.id, Map.of("k", e.k)));
    } else if (r < 983) {
      String s = pick(SESSIONS);
      List<MEvent> gone = model.session(s);
      gone.forEach(e -> model.forget(e.id));
      assertEquals(gone.size(), trace.forgetSession(s).count());
    } else if (r < 993) {
      flush();
    } else {
      boolean flush = rnd.nextBoolean();
      if (flush) {
        flush();
      }
      trace.close();
      trace = Trace.open(dir);
      model = flushed.copy(); // whatever was not flushed is gone: the engine would replay it from its log
      nextId = flushedNextId;
      assertEquals(flushedLsn, trace.checkpointLsn(), "seed " + seed);
    }
  }

  private void flush() {
    flushedLsn = nextId;
    trace.flush(flushedLsn);
    flushed = model.copy();
    flushedNextId = nextId;
  }

  private <T> T pick(T[] a) {
    return a[rnd.nextInt(a.length)];
  }

  private void check() {
    checkApi();
    for (int i = 0; i < 15; i++) {
      checkQueries();
    }
  }

  private void checkApi() {
    String msg = "seed " + seed;
    assertEquals(model.live().size(), trace.eventCount(), msg);
    for (String s : SESSIONS) {
      List<Long> expected = model.session(s).reversed().stream().limit(7).map(e -> e.id).toList();
      assertEquals(expected, trace.history(s, 7).stream().map(Event::id).toList(), msg);
    }
    long a = rnd.nextInt(1000);
    long b = a + rnd.nextInt(300);
    assertEquals(model.range(a, b).stream().limit(50).map(e -> e.id).toList(),
        trace.range(a, b, 50).stream().map(Event::id).toList(), msg);
    Map<Long, MEvent> successors = model.successors();
    for (MEvent e : model.live()) {
      Event got = trace.get(e.id).orElseThrow();
      assertEquals(e.k, got.attributes().get("k"), msg);
      long asOf = rnd.nextBoolean() ? Trace.CURRENT : rnd.nextInt(1000);
      List<String> expected = new ArrayList<>();
      for (MEdge x : model.edges) {
        if (x.from == e.id && x.validAt(asOf)) {
          expected.add(x.type + ">" + x.to);
        }
      }
      MEvent next = successors.get(e.id);
      if (next != null) {
        expected.add("NEXT>" + next.id);
      }
      List<String> actual = new ArrayList<>();
      for (Neighbour n : trace.neighbours(e.id, Direction.OUT, null, asOf)) {
        actual.add(n.edge().type() + ">" + n.eventId());
      }
      assertEquals(expected.stream().sorted().toList(), actual.stream().sorted().toList(), msg + " event " + e.id);
    }
  }

  private void checkQueries() {
    List<MEvent> live = model.live();
    Map<Long, MEvent> successors = model.successors();
    if (live.isEmpty()) {
      return;
    }
    long a = rnd.nextInt(1000);
    long b = a + rnd.nextInt(400);
    String role = pick(ROLES);
    String session = pick(SESSIONS);
    String type = pick(TYPES);
    long k = rnd.nextInt(10);
    long t = rnd.nextInt(1000);
    MEvent some = live.get(rnd.nextInt(live.size()));

    compare("MATCH (e:" + role + ") WHERE e.ts >= $a AND e.ts < $b RETURN e.id ORDER BY e.id", Map.of("a", a, "b", b),
        rows(live.stream().filter(e -> e.role.equals(role) && e.ts >= a && e.ts < b).map(e -> List.<Object>of(e.id))));

    List<List<Object>> q2 = new ArrayList<>();
    Map<Long, MEvent> byId = new java.util.HashMap<>();
    live.forEach(e -> byId.put(e.id, e));
    for (MEdge x : model.edges) {
      if (x.validAt(Trace.CURRENT) && x.type.equals(type) && byId.get(x.from).session.equals(session)
          && byId.get(x.to).k > k) {
        q2.add(List.of(x.from, x.to));
      }
    }
    compare("MATCH (e {session: $s})-[:" + type + "]->(f) WHERE f.k > $k RETURN e.id, f.id ORDER BY e.id, f.id",
        Map.of("s", session, "k", k), sorted(q2));

    List<List<Object>> q3 = new ArrayList<>();
    MEvent cur = some;
    for (int hop = 1; hop <= 3 && (cur = successors.get(cur.id)) != null; hop++) {
      q3.add(List.of(cur.id));
    }
    compare("MATCH (e)-[:NEXT*1..3]->(f) WHERE e.id = $id RETURN f.id ORDER BY f.id", Map.of("id", some.id), q3);

    List<List<Object>> q4 = new ArrayList<>();
    for (MEdge x : model.edges) {
      if (x.type.equals(type) && x.validAt(t)) {
        q4.add(List.of(x.from, x.to));
      }
    }
    compare("MATCH (a)-[r:" + type + "]->(b) AS OF $t RETURN a.id, b.id ORDER BY a.id, b.id", Map.of("t", t),
        sorted(q4));

    List<String> roles = List.of(role, pick(ROLES));
    List<List<Object>> q5 = new ArrayList<>();
    for (String s : SESSIONS) {
      long n = live.stream().filter(e -> e.session.equals(s) && e.ts >= a && e.ts <= b && roles.contains(e.role))
          .count();
      if (n > 0) {
        q5.add(List.of(s, n));
      }
    }
    compare("MATCH (e) WHERE e.ts BETWEEN $a AND $b AND e.role IN $roles RETURN e.session, count(e) ORDER BY e.session",
        Map.of("a", a, "b", b, "roles", roles), q5);

    List<List<Object>> q6 = new ArrayList<>();
    for (MEvent e : model.session(session)) {
      long n = model.edges.stream().filter(x -> x.validAt(Trace.CURRENT) && x.type.equals(type) && x.to == e.id)
          .count();
      q6.add(List.of(e.id, n));
    }
    compare("MATCH (e {session: $s}) OPTIONAL MATCH (e)<-[:" + type + "]-(x) RETURN e.id, count(x) ORDER BY e.id",
        Map.of("s", session), q6);

    List<List<Object>> q7 = new ArrayList<>();
    for (MEdge x : model.edges) {
      if (x.validAt(Trace.CURRENT) && x.type.equals(type)) {
        if (x.from == some.id) {
          q7.add(List.of(x.to));
        } else if (x.to == some.id) {
          q7.add(List.of(x.from));
        }
      }
    }
    compare("MATCH (a)-[:" + type + "]-(b) WHERE a.id = $id RETURN b.id ORDER BY b.id", Map.of("id", some.id),
        sorted(q7));

    List<List<Object>> q8 = new ArrayList<>();
    for (MEvent p : live) {
      MEvent e = successors.get(p.id);
      if (e != null && e.role.equals(role)) {
        q8.add(List.of(e.id, p.id));
      }
    }
    q8 = sorted(q8);
    compare("MATCH (u:" + role + ")<-[:NEXT]-(p) RETURN u.id, p.id ORDER BY u.id", Map.of(), q8);
  }

  private static List<List<Object>> rows(java.util.stream.Stream<List<Object>> s) {
    return s.toList();
  }

  @SuppressWarnings("unchecked")
  private static List<List<Object>> sorted(List<List<Object>> rows) {
    List<List<Object>> out = new ArrayList<>(rows);
    Comparator<List<Object>> c = Comparator.comparing(r -> (Comparable<Object>) r.get(0));
    if (!rows.isEmpty() && rows.getFirst().size() > 1) {
      c = c.thenComparing(r -> (Comparable<Object>) r.get(1));
    }
    out.sort(c);
    return out;
  }

  private void compare(String statement, Map<String, Object> params, List<List<Object>> expected) {
    QueryResult r = trace.query(statement, params);
    assertEquals(expected, r.rows(), "seed " + seed + ": " + statement + " " + params + "\nplan:\n"
        + trace.explain(statement, params));
  }
}
