package dev.aeon.query.exec;

import dev.aeon.query.trace.Edge;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The naive in-memory model of a trace that randomized tests compare the real one against. */
final class TraceModel {

  static final class MEvent {
    final long id;
    final String session;
    final String role;
    final long ts;
    long k;
    boolean forgotten;

    MEvent(long id, String session, String role, long ts, long k) {
      this.id = id;
      this.session = session;
      this.role = role;
      this.ts = ts;
      this.k = k;
    }

    MEvent copy() {
      MEvent e = new MEvent(id, session, role, ts, k);
      e.forgotten = forgotten;
      return e;
    }
  }

  static final class MEdge {
    final String type;
    final long from;
    final long to;
    final long validFrom;
    long validTo;
    boolean removed;

    MEdge(String type, long from, long to, long validFrom, long validTo) {
      this.type = type;
      this.from = from;
      this.to = to;
      this.validFrom = validFrom;
      this.validTo = validTo;
    }

    MEdge copy() {
      MEdge e = new MEdge(type, from, to, validFrom, validTo);
      e.removed = removed;
      return e;
    }

    boolean validAt(long asOf) {
      return !removed && new Edge(type, from, to, validFrom, validTo).validAt(asOf);
    }
  }

  final List<MEvent> events = new ArrayList<>();
  final List<MEdge> edges = new ArrayList<>();

  TraceModel copy() {
    TraceModel m = new TraceModel();
    events.forEach(e -> m.events.add(e.copy()));
    edges.forEach(e -> m.edges.add(e.copy()));
    return m;
  }

  List<MEvent> live() {
    return events.stream().filter(e -> !e.forgotten).toList();
  }

  MEvent get(long id) {
    return events.stream().filter(e -> e.id == id && !e.forgotten).findFirst().orElse(null);
  }

  void forget(long id) {
    MEvent e = get(id);
    e.forgotten = true;
    for (MEdge x : edges) {
      if (x.from == id || x.to == id) {
        x.removed = true;
      }
    }
  }

  /** The live events of a session in append order. */
  List<MEvent> session(String s) {
    return live().stream().filter(e -> e.session.equals(s)).toList();
  }

  /** The live successor of each live event in its session (the implicit NEXT edges), by id. */
  java.util.Map<Long, MEvent> successors() {
    java.util.Map<Long, MEvent> next = new java.util.HashMap<>();
    java.util.Map<String, MEvent> last = new java.util.HashMap<>();
    for (MEvent e : live()) {
      MEvent p = last.put(e.session, e);
      if (p != null) {
        next.put(p.id, e);
      }
    }
    return next;
  }

  /** Live events with from <= ts <= to in (ts, id) order. */
  List<MEvent> range(long from, long to) {
    return live().stream().filter(e -> e.ts >= from && e.ts <= to)
        .sorted(Comparator.comparingLong((MEvent e) -> e.ts).thenComparingLong(e -> e.id)).toList();
  }
}
