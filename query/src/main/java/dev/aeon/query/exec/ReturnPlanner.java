package dev.aeon.query.exec;

import dev.aeon.query.lang.Expr;
import dev.aeon.query.lang.QueryException;
import dev.aeon.query.lang.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

/** Checks RETURN's (or WITH's) projection, ORDER BY, SKIP and LIMIT and builds the {@link ResultSink}. */
final class ReturnPlanner {

  private final Statement.Return ret;
  /** RETURN or WITH, for messages. */
  private final String clause;
  private final Evaluator ev;
  private final Checker checker;
  private final List<String> columns = new ArrayList<>();

  ReturnPlanner(Statement.Return ret, String clause, Evaluator ev, Checker checker) {
    this.ret = ret;
    this.clause = clause;
    this.ev = ev;
    this.checker = checker;
  }

  List<String> columns() {
    return columns;
  }

  /** The sink, counting what it holds in {@code statementHeld}. */
  ResultSink sink(HeldValues statementHeld) {
    List<Expr.Call> aggregates = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (Statement.Item item : ret.items()) {
      checker.check(item.expr(), true);
      collectAggregates(item.expr(), aggregates);
      if (!names.add(item.column())) {
        throw new QueryException(ev.source, item.expr().pos(), "column '" + item.column() + "' appears twice in "
            + clause + "; use AS");
      }
      columns.add(item.column());
    }
    if (!aggregates.isEmpty()) {
      Set<String> keys = new HashSet<>();
      ret.items().stream().filter(i -> !Expr.containsAggregate(i.expr())).forEach(i -> keys.add(Expr.render(i.expr())));
      ret.items().stream().filter(i -> Expr.containsAggregate(i.expr())).forEach(i -> checkGrouped(i.expr(), keys));
    }
    List<ResultSink.SortKey> sort = new ArrayList<>();
    ResultSink.Sorting sorting = null;
    Set<String> aliases = new HashSet<>();
    // what a sort key may read when the rows are groups or distinct: the aliases, and the variables returned as
    // they are (which hold the same value in the row before projection, so need no alias slot)
    Set<String> columnNames = new HashSet<>();
    for (Statement.Item i : ret.items()) {
      if (i.aliased()) {
        aliases.add(i.column());
        columnNames.add(i.column());
      } else if (i.expr() instanceof Expr.Var v) {
        columnNames.add(v.name());
      }
    }
    Checker readsOfSortKeys = ret.order().isEmpty() ? null : withAliases(aliases);
    for (Statement.Sort s : ret.order()) {
      // the same expression as a column is that column, unless it reads an alias, which hides the variable of its
      // name that the column reads: e.ts after m AS e is m's timestamp, with or without a column e.ts (an aggregate
      // is evaluated over the rows before projection, as its column is)
      boolean readsAliases = !Expr.containsAggregate(s.expr())
          && readsOfSortKeys.variables(s.expr()).stream().anyMatch(aliases::contains);
      int column = columnOf(s.expr(), readsAliases);
      boolean usesAliases = false;
      if (column < 0) {
        Set<String> reads = readsOfSortKeys.variables(s.expr());
        boolean overReturnedRow = !Expr.containsAggregate(s.expr()) && columnNames.containsAll(reads);
        if ((!aggregates.isEmpty() || ret.distinct()) && !overReturnedRow) {
          throw new QueryException(ev.source, s.expr().pos(), "ORDER BY " + Expr.render(s.expr())
              + " may only use the columns of " + clause
                  + " (by alias or variable) when it aggregates or uses DISTINCT");
        }
        if (aggregates.isEmpty() && Expr.containsAggregate(s.expr())) {
          // else the checker's reason, "only allowed in the columns and ORDER BY", names where the user put it
          throw new QueryException(ev.source, s.expr().pos(), "ORDER BY " + Expr.render(s.expr()) + " aggregates, but "
              + clause + " does not: make the aggregate a column of " + clause);
        }
        usesAliases = reads.stream().anyMatch(aliases::contains);
        if (usesAliases) {
          sorting = sorting != null ? sorting : sorting();
          checker.withScope(sorting.evaluator().scope).check(s.expr(), false);
        } else {
          checker.check(s.expr(), false);
        }
      }
      sort.add(new ResultSink.SortKey(column, column < 0 ? s.expr() : null, usesAliases, s.descending()));
    }
    return new ResultSink(ev, ret, aggregates, sort, sorting, count(ret.skip(), "SKIP"), ret.limit() == null ? -1
        : count(ret.limit(), "LIMIT"), statementHeld);
  }

  /** What a sort key reads, aliases included (a subquery's other names are its own). */
  private Checker withAliases(Set<String> aliases) {
    Scope scope = ev.scope.copy();
    aliases.forEach(a -> scope.declare(a, Scope.Kind.VALUE));
    return checker.withScope(scope);
  }

  /**
   * Where ORDER BY expressions are evaluated: the variables before RETURN, and its aliases (which hide
   * variables of the same name, as in Cypher), so that {@code RETURN e.ts AS t ORDER BY t % 60} works.
   */
  private ResultSink.Sorting sorting() {
    Scope scope = ev.scope.copy();
    List<Statement.Item> items = ret.items();
    int[] aliasSlots = new int[items.size()];
    for (int i = 0; i < items.size(); i++) {
      aliasSlots[i] = items.get(i).aliased() ? scope.declare(items.get(i).column(), Scope.Kind.VALUE) : -1;
    }
    return new ResultSink.Sorting(ev.withScope(scope), aliasSlots);
  }

  /**
   * The returned column an ORDER BY expression names (by alias, or by the same expression unless {@code readsAliases}),
   * or -1.
   */
  private int columnOf(Expr e, boolean readsAliases) {
    List<Statement.Item> items = ret.items();
    if (e instanceof Expr.Var v) {
      for (int i = 0; i < items.size(); i++) {
        if (items.get(i).aliased() && items.get(i).column().equals(v.name())) {
          return i;
        }
      }
    }
    if (readsAliases) {
      return -1;
    }
    String r = Expr.render(e);
    for (int i = 0; i < items.size(); i++) {
      if (Expr.render(items.get(i).expr()).equals(r)) {
        return i;
      }
    }
    return -1;
  }

  private long count(Expr e, String clause) {
    if (e == null) {
      return 0;
    }
    if (!checker.variables(e).isEmpty() || Expr.containsSubquery(e)) {
      throw new QueryException(ev.source, e.pos(), clause + " cannot use variables or subqueries");
    }
    checker.check(e, false);
    Object v = ev.eval(e, new Object[ev.scope.size()]);
    if (!(v instanceof Long n) || n < 0) {
      throw new QueryException(ev.source, e.pos(), clause + " needs a non-negative integer but got "
          + Values.displayInMessage(v));
    }
    return n;
  }

  /**
   * In a column that aggregates, what lies outside the aggregates is evaluated once per group: it may read
   * variables only through a grouping key ({@code RETURN e.role, e.role + count(*)}), as in Cypher; any
   * other read ({@code RETURN e.role, e.len + count(*)}) would take the value of an arbitrary row of the group.
   */
  private void checkGrouped(Expr e, Set<String> keys) {
    if (keys.contains(Expr.render(e)) || (e instanceof Expr.Call c && Expr.isAggregate(c.name()))) {
      return;
    }
    // a subquery runs once per group: it may read the variables that are grouping keys (a key's render is its name)
    List<Expr.Var> reads = e instanceof Expr.Subquery q ? checker.references(q) : e instanceof Expr.Var v ? List.of(v)
        : List.of();
    for (Expr.Var v : reads) {
      if (!keys.contains(v.name())) {
        throw new QueryException(ev.source, v.pos(), "variable '" + v.name()
            + "' is read outside an aggregate but is not a grouping key of " + clause
                + "; add it as a column of its own");
      }
    }
    switch (e) {
      // the list is read once per group; the local variable, one of its elements, is as good as a key inside
      case Expr.Comprehension c -> {
        checkGrouped(c.list(), keys);
        Set<String> withLocal = withKey(keys, c.var());
        Stream.of(c.where(), c.map()).filter(Objects::nonNull).forEach(part -> checkGrouped(part, withLocal));
      }
      case Expr.Quantifier q -> {
        checkGrouped(q.list(), keys);
        checkGrouped(q.where(), withKey(keys, q.var()));
      }
      case Expr.Reduce r -> {
        checkGrouped(r.init(), keys);
        checkGrouped(r.list(), keys);
        checkGrouped(r.step(), withKey(withKey(keys, r.acc()), r.var()));
      }
      default -> Expr.children(e).forEach(c -> checkGrouped(c, keys));
    }
  }

  private static Set<String> withKey(Set<String> keys, String key) {
    Set<String> out = new HashSet<>(keys);
    out.add(key);
    return out;
  }

  private static void collectAggregates(Expr e, List<Expr.Call> out) {
    if (e instanceof Expr.Call c && Expr.isAggregate(c.name())) {
      out.add(c);
    } else {
      Expr.children(e).forEach(c -> collectAggregates(c, out));
    }
  }
}
