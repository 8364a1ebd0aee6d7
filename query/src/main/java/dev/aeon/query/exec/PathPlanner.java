package dev.aeon.query.exec;

import dev.aeon.query.lang.Expr;
import dev.aeon.query.lang.Statement;
import dev.aeon.query.lang.Statement.Dir;
import dev.aeon.query.trace.SlotList;
import dev.aeon.query.trace.TraceGraph;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/** Plans one pattern path: picks the anchor node and its index, then expands right and left of it. */
final class PathPlanner {

  private final Evaluator ev;
  private final Checker checker;
  private final Statement.Path path;
  private final Set<String> bound;
  private final List<Expr> conjuncts;
  private final Expr asOf;
  private final List<Integer> clauseRels;
  /**
   * Property conditions that read a variable bound only later: by this path (when it starts from another node) or by
   * a later one.
   */
  private final List<Expr> pending = new ArrayList<>();
  /** WHERE conjuncts the chosen scans answer exactly: the planner places no filter for them. */
  private final Set<Expr> answered;

  /**
   * A scan and the conditions its index answers exactly, which need no filter after it: the property of the node's
   * map it seeks by (null: none) and WHERE conjuncts.
   */
  private record Access(ScanOp scan, String mapKey, List<Expr> conjuncts) {

    Access(ScanOp scan) {
      this(scan, null, List.of());
    }
  }

  PathPlanner(Evaluator ev, Checker checker, Statement.Path path, Set<String> bound, List<Expr> conjuncts,
      Expr asOf, List<Integer> clauseRels, Set<Expr> answered) {
    this.ev = ev;
    this.checker = checker;
    this.path = path;
    this.bound = bound;
    this.conjuncts = conjuncts;
    this.asOf = asOf;
    this.clauseRels = clauseRels;
    this.answered = answered;
  }

  /** Property conditions still waiting for a variable a later path binds: the caller places them. */
  List<Expr> unplaced() {
    return pending;
  }

  /** Emits the path's operators in order; {@code sink} places WHERE conjuncts after each one. */
  void plan(Consumer<Operator> sink) {
    List<Statement.NodePattern> nodes = path.nodes();
    int anchor = -1;
    for (int i = 0; i < nodes.size() && anchor < 0; i++) {
      anchor = bound.contains(nodes.get(i).var()) ? i : -1;
    }
    String indexedLabel = null;
    String seekKey = null;
    boolean alreadyBound = anchor >= 0;
    if (!alreadyBound) {
      Access best = null;
      for (int i = 0; i < nodes.size(); i++) {
        Access s = access(nodes.get(i));
        if (best == null || s.scan().estimate() < best.scan().estimate()) {
          best = s;
          anchor = i;
        }
      }
      // bound before the scan is emitted, so WHERE conditions on the anchor filter right after it
      bound.add(nodes.get(anchor).var());
      answered.addAll(best.conjuncts());
      sink.accept(best.scan());
      indexedLabel = best.scan().label();
      seekKey = best.mapKey();
    }
    Statement.NodePattern a = nodes.get(anchor);
    if (alreadyBound && path.rels().isEmpty()) {
      // a lone node already bound matches only if it is a node: OPTIONAL MATCH may have bound it to null
      filter(new Expr.IsNull(new Expr.Var(a.var(), a.pos()), true, a.pos()), sink);
    }
    nodeFilters(a, indexedLabel, seekKey, sink);
    for (int j = anchor; j < path.rels().size(); j++) {
      expand(nodes.get(j), path.rels().get(j), nodes.get(j + 1), path.rels().get(j).dir(), sink);
    }
    for (int j = anchor - 1; j >= 0; j--) {
      expand(nodes.get(j + 1), path.rels().get(j), nodes.get(j), Planner.reverse(path.rels().get(j).dir()), sink);
    }
  }

  private void expand(Statement.NodePattern from, Statement.RelPattern r, Statement.NodePattern to, Dir dir,
      Consumer<Operator> sink) {
    int relVar = ev.scope.indexOf(r.var());
    boolean toBound = bound.contains(to.var());
    int[] others = clauseRels.stream().mapToInt(Integer::intValue).toArray();
    int[] types = null;
    if (!r.types().isEmpty()) {
      types = r.types().stream().mapToInt(ev.graph::stringId).filter(t -> t >= 0).distinct().toArray();
    }
    String typeText = r.types().isEmpty() ? "" : ":" + String.join("|", r.types());
    ExpandOp op = new ExpandOp(ev, ev.scope.indexOf(from.var()), relVar, ev.scope.indexOf(to.var()), toBound, types,
        typeText, dir, r.varLength(), r.min(), r.max(), asOf, others);
    clauseRels.add(relVar);
    bound.add(r.var());
    bound.add(to.var());
    sink.accept(op);
    List<Expr> ready = pending.stream().filter(e -> bound.containsAll(checker.variables(e))).toList();
    pending.removeAll(ready);
    ready.forEach(e -> filter(e, sink));
    for (Map.Entry<String, Expr> p : r.props().entrySet()) {
      filter(new Expr.Binary(Expr.Op.EQ, new Expr.Property(new Expr.Var(r.var(), r.pos()), p.getKey(), r.pos()),
          p.getValue(), r.pos()), sink);
    }
    nodeFilters(to, null, null, sink);
  }

  /**
   * Filters for the labels and properties of a node, but for the label and the property its scan already
   * guarantees.
   */
  private void nodeFilters(Statement.NodePattern n, String indexedLabel, String seekKey, Consumer<Operator> sink) {
    for (String label : n.labels()) {
      if (label.equals(indexedLabel)) {
        continue;
      }
      filter(new Expr.Binary(Expr.Op.EQ, new Expr.Property(new Expr.Var(n.var(), n.pos()), "role", n.pos()),
          new Expr.Literal(label, n.pos()), n.pos()), sink);
    }
    for (Map.Entry<String, Expr> p : n.props().entrySet()) {
      if (p.getKey().equals(seekKey)) {
        continue;
      }
      filter(new Expr.Binary(Expr.Op.EQ, new Expr.Property(new Expr.Var(n.var(), n.pos()), p.getKey(), n.pos()),
          p.getValue(), n.pos()), sink);
    }
  }

  private void filter(Expr e, Consumer<Operator> sink) {
    checker.check(e, false);
    if (!bound.containsAll(checker.variables(e))) {
      pending.add(e);
      return;
    }
    sink.accept(new FilterOp(ev, e));
  }

  // ------------------------------------------------------------------------------ index choice

  /**
   * The cheapest way to find the candidates of an unbound node. An id, session or time seek returns exactly the
   * events its condition holds for (the same equality and comparisons, a bound of another type matching nothing),
   * so the conditions it used need no filter after it.
   */
  private Access access(Statement.NodePattern n) {
    int var = ev.scope.indexOf(n.var());
    TraceGraph g = ev.graph;
    List<Access> options = new ArrayList<>();
    Expr id = n.props().get("id");
    Expr session = n.props().get("session");
    Expr idFrom = null; // the conjunct id came from (null: the node's map, or none)
    Expr sessionFrom = null;
    Expr low = null;
    Expr high = null;
    Expr lowFrom = null;
    Expr highFrom = null;
    boolean lowInc = true;
    boolean highInc = true;
    List<TimeCondition> timeConditions = new ArrayList<>();
    for (Expr c : conjuncts) {
      if (!ready(c, n.var())) {
        continue;
      }
      if (c instanceof Expr.Between b && isProperty(b.operand(), n.var(), "ts") && low == null && high == null) {
        low = b.low();
        high = b.high();
        lowFrom = c;
        highFrom = c;
        timeConditions.add(new TimeCondition(c, true, true));
      } else if (c instanceof Expr.Binary b) {
        Expr other = isProperty(b.left(), n.var(), null) ? b.right() : isProperty(b.right(), n.var(), null) ? b.left()
            : null;
        String key = other == null ? null : ((Expr.Property) (other == b.right() ? b.left() : b.right())).key();
        boolean flipped = other == b.left();
        if (other == null) {
          continue;
        }
        if (b.op() == Expr.Op.EQ && key.equals("id") && id == null) {
          id = other;
          idFrom = c;
        } else if (b.op() == Expr.Op.EQ && key.equals("session") && session == null) {
          session = other;
          sessionFrom = c;
        } else if (key.equals("ts")) {
          Expr.Op op = flipped ? flip(b.op()) : b.op();
          boolean lower = op == Expr.Op.GE || op == Expr.Op.GT || op == Expr.Op.EQ;
          boolean upper = op == Expr.Op.LE || op == Expr.Op.LT || op == Expr.Op.EQ;
          if (lower && low == null) {
            low = other;
            lowFrom = c;
            lowInc = op != Expr.Op.GT;
          }
          if (upper && high == null) {
            high = other;
            highFrom = c;
            highInc = op != Expr.Op.LT;
          }
          if (lower || upper) {
            timeConditions.add(new TimeCondition(c, lower, upper));
          }
        }
      }
    }
    if (id != null && known(id, n.var())) {
      return seek(ScanOp.byId(ev, var, id), "id", idFrom);
    }
    if (session != null && constant(session)) {
      Object s = value(session);
      SlotList list = s instanceof String str ? g.sessionSlots(g.stringId(str)) : null;
      options.add(seek(ScanOp.bySession(ev, var, session, list == null ? 0 : list.size()), "session", sessionFrom));
    } else if (session != null && known(session, n.var())) {
      // the session is known row by row (another event's, say): estimate a session's mean size
      options.add(seek(ScanOp.bySession(ev, var, session, g.liveCount() / Math.max(1, g.liveSessionCount())),
          "session", sessionFrom));
    }
    Expr lo = low != null && known(low, n.var()) ? low : null;
    Expr hi = high != null && known(high, n.var()) ? high : null;
    if (lo != null || hi != null) {
      long estimate = (lo == null || constant(lo)) && (hi == null || constant(hi))
          ? timeEstimate(lo, lowInc, hi, highInc)
          // a bound known only row by row (another event's time, say): guess half the events for one bound,
          // a quarter for a window
          : g.liveCount() / (lo != null && hi != null ? 4 : 2);
      // a condition is answered if the scan applies every bound it sets: not so for a second lower bound, nor for
      // a window whose upper bound reads the node itself
      List<Expr> answeredByTime = new ArrayList<>();
      for (TimeCondition t : timeConditions) {
        if ((!t.lower() || (t.condition() == lowFrom && lo != null))
            && (!t.upper() || (t.condition() == highFrom && hi != null))) {
          answeredByTime.add(t.condition());
        }
      }
      options.add(new Access(ScanOp.byTime(ev, var, lo, lowInc, hi, highInc, estimate), null, answeredByTime));
    }
    for (String label : n.labels()) {
      SlotList list = g.roleSlots(g.stringId(label));
      options.add(new Access(ScanOp.byLabel(ev, var, label, list == null ? 0 : list.size())));
    }
    Access best = new Access(ScanOp.all(ev, var));
    for (Access o : options) {
      if (o.scan().estimate() < best.scan().estimate()) {
        best = o;
      }
    }
    return best;
  }

  /** A condition on a node's ts, and which bounds it sets: a lower, an upper or both (=, BETWEEN). */
  private record TimeCondition(Expr condition, boolean lower, boolean upper) {}

  /** A seek by id or session, which answers its equality: from the node's map, or the conjunct {@code from}. */
  private static Access seek(ScanOp scan, String key, Expr from) {
    return from == null ? new Access(scan, key, List.of()) : new Access(scan, null, List.of(from));
  }

  private long timeEstimate(Expr lo, boolean lowInc, Expr hi, boolean highInc) {
    Object l = lo == null ? Long.MIN_VALUE : value(lo);
    Object h = hi == null ? Long.MAX_VALUE : value(hi);
    if (l instanceof Long a && h instanceof Long b) {
      long from = lowInc || a == Long.MAX_VALUE ? a : a + 1;
      long to = highInc || b == Long.MIN_VALUE ? b : b - 1;
      return from > to ? 0 : ev.graph.timeCount(from, to);
    }
    if (l instanceof Number a && h instanceof Number b) {
      return ev.graph.timeCount(a.longValue(), b.longValue());
    }
    return ev.graph.slotCount();
  }

  /** A conjunct that reads only {@code var} and variables bound before. */
  private boolean ready(Expr c, String var) {
    for (String v : checker.variables(c)) {
      if (!v.equals(var) && !bound.contains(v)) {
        return false;
      }
    }
    return true;
  }

  private static boolean isProperty(Expr e, String var, String key) {
    return e instanceof Expr.Property p && p.target() instanceof Expr.Var v && v.name().equals(var)
        && (key == null || p.key().equals(key));
  }

  /**
   * An expression a scan for {@code var} can evaluate for each row it receives: it reads only variables bound
   * before, not {@code var} itself. A constant is one.
   */
  private boolean known(Expr e, String var) {
    Set<String> variables = checker.variables(e);
    return !variables.contains(var) && bound.containsAll(variables);
  }

  /**
   * An expression the planner can evaluate now, for an estimate: no variables at all (literals and parameters), and
   * no subquery (planning, and EXPLAIN, match no pattern).
   */
  private boolean constant(Expr e) {
    return checker.variables(e).isEmpty() && !Expr.containsSubquery(e);
  }

  private Object value(Expr e) {
    return ev.eval(e, new Object[ev.scope.size()]);
  }

  private static Expr.Op flip(Expr.Op op) {
    return switch (op) {
      case LT -> Expr.Op.GT;
      case LE -> Expr.Op.GE;
      case GT -> Expr.Op.LT;
      case GE -> Expr.Op.LE;
      default -> op;
    };
  }
}
