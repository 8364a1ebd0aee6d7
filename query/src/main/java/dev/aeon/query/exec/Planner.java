package dev.aeon.query.exec;

import dev.aeon.query.lang.Expr;
import dev.aeon.query.lang.QueryException;
import dev.aeon.query.lang.Statement;
import dev.aeon.query.lang.Statement.Dir;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Turns a statement into a pipeline of operators. Each pattern starts from its most selective node:
 * one already bound, an id, a session, a time range, a label, and only then a scan of every event;
 * the estimates come from the indexes themselves, with the parameters' values. WHERE is split into
 * conjuncts, each applied as soon as its variables are bound.
 */
final class Planner {

  private final Statement st;
  /** The first part's variables: those of the row the pipeline starts from. */
  private final Scope startScope;
  // the current part's: a WITH starts a new part, which sees only its columns
  private Evaluator ev;
  private Scope scope;
  private Checker checker;
  private final List<WithOp> withs = new ArrayList<>();
  private final HeldValues held = new HeldValues();
  /** EXPLAIN's lines for the subqueries, in the order they appear (made only when asked for). */
  private final List<Supplier<String>> subqueryLines;

  /**
   * A chain of operators under construction. A filter that runs no subquery goes before the filters that run one
   * right before it (filters commute, and a subquery costs a pattern match per row).
   */
  private static final class Chain {
    final List<Operator> ops = new ArrayList<>();

    /** The first operator, or null (a statement of RETURN alone has only its sink). */
    Operator head() {
      return ops.isEmpty() ? null : ops.getFirst();
    }

    Operator tail() {
      return ops.getLast();
    }

    void add(Operator op) {
      int at = ops.size();
      if (op instanceof FilterOp f && !f.runsSubquery()) {
        while (at > 0 && ops.get(at - 1) instanceof FilterOp before && before.runsSubquery()) {
          at--;
        }
      }
      ops.add(at, op);
      op.next = at + 1 < ops.size() ? ops.get(at + 1) : null;
      if (at > 0) {
        ops.get(at - 1).next = op;
      }
    }
  }

  /**
   * The planned pipeline, the size of the row it starts from, its WITHs in order (to {@link WithOp#flush} once
   * the starting row has been pushed), its sink, the column names and the lines of its EXPLAIN text.
   */
  record Plan(Operator head, int rowSize, List<WithOp> withs, ResultSink sink, List<String> columns,
      List<Supplier<String>> explainLines) {

    /** The EXPLAIN text, one operator per line: described only when asked for, as most plans just run. */
    List<String> explain() {
      return explainLines.stream().map(Supplier::get).toList();
    }
  }

  Planner(Statement st, Evaluator ev) {
    this(st, ev, new ArrayList<>());
  }

  /** {@code subqueryLines}: a subquery's planner adds to its statement's. */
  private Planner(Statement st, Evaluator ev, List<Supplier<String>> subqueryLines) {
    this.st = st;
    this.ev = ev;
    this.scope = ev.scope;
    this.startScope = ev.scope;
    this.checker = new Checker(st.source(), scope, ev::hasParam, this::subquery, ev.localScopes);
    this.subqueryLines = subqueryLines;
  }

  Plan plan() {
    Chain main = new Chain();
    Set<String> bound = new HashSet<>();
    for (Statement.Clause c : st.clauses()) {
      switch (c) {
        case Statement.Match m when m.optional() -> {
          Chain inner = new Chain();
          int before = scope.size();
          match(m, inner, bound);
          int[] added = new int[scope.size() - before];
          for (int i = 0; i < added.length; i++) {
            added[i] = before + i;
          }
          main.add(new OptionalOp(inner.head(), inner.tail(), added, inner.ops));
        }
        case Statement.Match m -> match(m, main, bound);
        case Statement.Call call -> call(call, main, bound);
        case Statement.Unwind unwind -> unwind(unwind, main, bound);
        case Statement.With with -> with(with, main, bound);
      }
    }
    ReturnPlanner rp = new ReturnPlanner(st.ret(), "RETURN", ev, checker);
    ResultSink sink = rp.sink(held);
    sortAtTheScan(main, sink);
    main.add(sink);
    List<Supplier<String>> explain = new ArrayList<>();
    main.ops.forEach(op -> explain.add(op::describe));
    explain.addAll(subqueryLines);
    return new Plan(main.head(), startScope.size(), withs, sink, rp.columns(), explain);
  }

  /**
   * Plans a subquery as a MATCH of its own, by a planner of its own over a copy of {@code outer}: the variables of
   * {@code outer} it names are bound (the checker's {@link Checker#variables} has it run only once they are), its
   * other names are its own.
   */
  private void subquery(Expr.Subquery q, Scope outer) {
    if (ev.subqueries.containsKey(q)) {
      return; // checked again, as a pattern's property condition is
    }
    Set<String> bound = new HashSet<>(checker.withScope(outer).variables(q));
    Planner own = new Planner(st, ev.withScope(outer.copy()), subqueryLines);
    int line = subqueryLines.size();
    subqueryLines.add(null); // its own subqueries' lines come after it
    Chain chain = new Chain();
    own.match(q.match(), chain, bound);
    if (q.value() != null) {
      own.checker.check(q.value(), false);
    }
    ev.subqueries.put(q, new SubqueryPlan(q, chain.head(), chain.tail(), outer.size(), own.ev));
    subqueryLines.set(line, () -> Expr.render(q) + ": " + Operator.describe(chain.ops));
  }

  /**
   * A projection sorted first by the timestamp of the events the first scan yields ({@code ORDER BY e.ts DESC LIMIT
   * 10} over a session, a role, a time range or every event), with a LIMIT, has the scan yield them in that order and
   * stops once it has its rows, instead of sorting every event of the scan. Every operator after the scan passes each
   * of its rows on before the next (they are nested loops), so the rows reach the projection in that order too:
   * RETURN's, or the first WITH's (the rows it passes on are its own).
   */
  private void sortAtTheScan(Chain main, ResultSink returnSink) {
    ResultSink sink = withs.isEmpty() ? returnSink : withs.getFirst().projection();
    Expr key = sink.firstSortKeyToStopOn();
    if (!(main.head() instanceof ScanOp scan) || !scan.canYieldInTimeOrder() || key == null
        || !(key instanceof Expr.Property p && p.key().equals("ts") && p.target() instanceof Expr.Var v
            && startScope.indexOf(v.name()) == scan.var())) {
      return;
    }
    scan.yieldInTimeOrder(sink.firstSortDescending());
    sink.stopOnSortedRows(scan.var());
  }

  /**
   * Ends the current part with WITH's projection and starts the next, whose variables are WITH's columns: a
   * variable passed on keeps its kind (a node can be matched from), any other expression is a value and needs
   * a name. WITH's WHERE filters the projected rows. {@code bound} becomes WITH's columns: nothing else is
   * bound after it.
   */
  private void with(Statement.With w, Chain chain, Set<String> bound) {
    ResultSink projection = new ReturnPlanner(w.projection(), "WITH", ev, checker).sink(held);
    Scope next = new Scope();
    for (Statement.Item item : w.projection().items()) {
      Scope.Kind kind = Scope.Kind.VALUE;
      String name = item.column();
      if (item.expr() instanceof Expr.Var v) {
        kind = scope.kind(scope.indexOf(v.name()));
        name = item.aliased() ? item.column() : v.name();
      } else if (!item.aliased()) {
        throw new QueryException(st.source(), item.expr().pos(), "WITH " + item.column()
            + " needs a name: write " + item.column() + " AS name");
      }
      if (next.indexOf(name) >= 0) {
        throw new QueryException(st.source(), item.expr().pos(), "column '" + name + "' appears twice in WITH; use AS");
      }
      next.declare(name, kind);
    }
    WithOp op = new WithOp(ev, w.projection().items(), next, projection);
    chain.add(op);
    withs.add(op);
    scope = next;
    ev = ev.withScope(next);
    checker = checker.withScope(next);
    bound.clear();
    for (int i = 0; i < next.size(); i++) {
      bound.add(next.name(i));
    }
    if (w.where() != null) {
      checker.check(w.where(), false);
      chain.add(new FilterOp(ev, w.where()));
    }
  }

  private void call(Statement.Call call, Chain chain, Set<String> bound) {
    if (!call.procedure().equals("recall")) {
      throw new QueryException(st.source(), call.pos(), "unknown procedure " + call.procedure()
          + "(); available: recall(vector, k)");
    }
    if (call.args().size() != 2) {
      throw new QueryException(st.source(), call.pos(), "recall() takes 2 arguments (vector, k), not "
          + call.args().size());
    }
    call.args().forEach(a -> checker.check(a, false));
    int eventVar = -1;
    int scoreVar = -1;
    for (Statement.Yield y : call.yields()) {
      if (scope.indexOf(y.variable()) >= 0) {
        throw new QueryException(st.source(), y.pos(), "variable '" + y.variable() + "' is already declared");
      }
      // RecallOp binds one variable per column: a second one would silently stay null
      if ((y.column().equals("event") && eventVar >= 0) || (y.column().equals("score") && scoreVar >= 0)) {
        throw new QueryException(st.source(), y.pos(), "column '" + y.column() + "' is yielded twice");
      }
      switch (y.column()) {
        case "event" -> eventVar = scope.declare(y.variable(), Scope.Kind.NODE);
        case "score" -> scoreVar = scope.declare(y.variable(), Scope.Kind.VALUE);
        default -> throw new QueryException(st.source(), y.pos(), "recall() yields event and score, not "
            + y.column());
      }
      bound.add(y.variable());
    }
    chain.add(new RecallOp(ev, call.args().get(0), call.args().get(1), eventVar, scoreVar));
    if (call.where() != null) {
      checker.check(call.where(), false);
      chain.add(new FilterOp(ev, call.where()));
    }
  }

  private void unwind(Statement.Unwind u, Chain chain, Set<String> bound) {
    checker.check(u.list(), false);
    if (scope.indexOf(u.variable()) >= 0) {
      throw new QueryException(st.source(), u.pos(), "variable '" + u.variable() + "' is already declared");
    }
    int var = scope.declare(u.variable(), Scope.Kind.VALUE);
    bound.add(u.variable());
    chain.add(new UnwindOp(ev, u.list(), var));
  }

  private void match(Statement.Match m, Chain chain, Set<String> bound) {
    declare(m);
    List<Expr> conjuncts = new ArrayList<>();
    if (m.where() != null) {
      checker.check(m.where(), false);
      split(m.where(), conjuncts);
    }
    if (m.asOf() != null) {
      checker.check(m.asOf(), false);
      // each expansion evaluates AS OF, possibly before the clause has bound a variable of its own
      for (Expr.Var v : checker.references(m.asOf())) {
        if (!bound.contains(v.name())) {
          throw new QueryException(st.source(), v.pos(), "AS OF cannot use variable '" + v.name()
              + "' of its own MATCH");
        }
      }
    }
    Set<String> valuesAsNodes = new HashSet<>();
    for (Statement.Path path : m.paths()) {
      for (Statement.NodePattern n : path.nodes()) {
        int var = scope.indexOf(n.var());
        if (scope.kind(var) == Scope.Kind.VALUE && valuesAsNodes.add(n.var())) {
          chain.add(new AsNodeOp(ev, var, n.var(), n.pos()));
        }
      }
    }
    List<Expr> waiting = new ArrayList<>(conjuncts);
    List<Integer> clauseRels = new ArrayList<>();
    Set<Expr> answered = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Statement.Path path : m.paths()) {
      PathPlanner pp = new PathPlanner(ev, checker, path, bound, conjuncts, m.asOf(), clauseRels, answered);
      pp.plan(op -> {
        chain.add(op);
        placeReady(chain, waiting, answered, bound);
      });
      waiting.addAll(pp.unplaced()); // its property conditions that read a later path's variables
    }
    placeReady(chain, waiting, answered, bound);
    if (!waiting.isEmpty()) { // every variable of the clause is bound by now: a condition must never be lost
      throw new IllegalStateException("conditions left unplaced: " + waiting.stream().map(Expr::render).toList());
    }
  }

  /** Filters by the waiting conditions whose variables are all bound now, but for those a scan answered. */
  private void placeReady(Chain chain, List<Expr> waiting, Set<Expr> answered, Set<String> bound) {
    for (Iterator<Expr> it = waiting.iterator(); it.hasNext(); ) {
      Expr c = it.next();
      if (bound.containsAll(checker.variables(c))) {
        it.remove();
        if (!answered.contains(c)) {
          chain.add(new FilterOp(ev, c));
        }
      }
    }
  }

  /**
   * Declares the clause's new variables; checks that reused names keep their kind, but for a value used as a
   * node, which {@link AsNodeOp} checks row by row. Then checks the property maps, which may read any variable of
   * the clause, as WHERE may.
   */
  private void declare(Statement.Match m) {
    Set<String> relsInClause = new HashSet<>();
    for (Statement.Path path : m.paths()) {
      for (Statement.NodePattern n : path.nodes()) {
        int known = scope.indexOf(n.var());
        if (known < 0 || scope.kind(known) != Scope.Kind.VALUE) {
          declareOrCheck(n.var(), Scope.Kind.NODE, n.pos());
        }
      }
      for (Statement.RelPattern r : path.rels()) {
        Scope.Kind kind = r.varLength() ? Scope.Kind.PATH : Scope.Kind.REL;
        int known = scope.indexOf(r.var());
        if (known >= 0 && scope.kind(known) != kind) {
          declareOrCheck(r.var(), kind, r.pos()); // throws: a node or value cannot become a relationship
        }
        if (!relsInClause.add(r.var()) || known >= 0) {
          throw new QueryException(st.source(), r.pos(), "relationship variable '" + r.var()
              + "' is already used");
        }
        if (r.varLength() && !r.props().isEmpty()) {
          throw new QueryException(st.source(), r.pos(),
              "property maps on variable-length relationships are not supported; use WHERE");
        }
        declareOrCheck(r.var(), kind, r.pos());
      }
    }
    for (Statement.Path path : m.paths()) {
      path.nodes().forEach(n -> n.props().values().forEach(e -> checker.check(e, false)));
      path.rels().forEach(r -> r.props().values().forEach(e -> checker.check(e, false)));
    }
  }

  private void declareOrCheck(String name, Scope.Kind kind, int pos) {
    int i = scope.indexOf(name);
    if (i < 0) {
      scope.declare(name, kind);
    } else if (scope.kind(i) != kind) {
      throw new QueryException(st.source(), pos, "variable '" + name + "' is a " + scope.kind(i).text + ", not a "
          + kind.text);
    }
  }

  private static void split(Expr e, List<Expr> out) {
    if (e instanceof Expr.Binary b && b.op() == Expr.Op.AND) {
      split(b.left(), out);
      split(b.right(), out);
    } else {
      out.add(e);
    }
  }

  /** Reverses a direction, for expanding a pattern right to left. */
  static Dir reverse(Dir d) {
    return switch (d) {
      case OUT -> Dir.IN;
      case IN -> Dir.OUT;
      case BOTH -> Dir.BOTH;
    };
  }
}
