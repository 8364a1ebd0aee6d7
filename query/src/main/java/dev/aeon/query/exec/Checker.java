package dev.aeon.query.exec;

import dev.aeon.query.lang.Expr;
import dev.aeon.query.lang.QueryException;
import dev.aeon.query.lang.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Semantic checks of expressions before anything runs: known variables, parameters and functions, aggregates; and
 * what an expression reads, subqueries included.
 */
final class Checker {

  /** Plans a subquery over the variables of {@code scope} (once per subquery: later calls do nothing). */
  interface Subqueries {
    void plan(Expr.Subquery q, Scope scope);
  }

  private final String source;
  private final Scope scope;
  private final Predicate<String> hasParam;
  private final Subqueries subqueries;
  private final Map<Expr, Scope> localScopes;

  /**
   * {@code hasParam} tells which parameters were given: a missing one is an error before anything runs;
   * {@code subqueries} checks and plans each subquery met; {@code localScopes} receives the scope of each list
   * comprehension, quantifier and reduce() (this scope and its local variables, last), which evaluates them.
   */
  Checker(String source, Scope scope, Predicate<String> hasParam, Subqueries subqueries,
      Map<Expr, Scope> localScopes) {
    this.source = source;
    this.scope = scope;
    this.hasParam = hasParam;
    this.subqueries = subqueries;
    this.localScopes = localScopes;
  }

  /** These checks against another scope's variables. */
  Checker withScope(Scope other) {
    return new Checker(source, other, hasParam, subqueries, localScopes);
  }

  /** Throws a {@link QueryException} for an unknown variable or function or a misplaced aggregate. */
  void check(Expr e, boolean aggregatesAllowed) {
    boolean argsMayAggregate = aggregatesAllowed;
    switch (e) {
      case Expr.Var v -> {
        if (scope.indexOf(v.name()) < 0) {
          throw new QueryException(source, v.pos(), "unknown variable '" + v.name() + "'");
        }
      }
      case Expr.Call c -> {
        Functions.check(source, c);
        boolean aggregate = Expr.isAggregate(c.name());
        if (aggregate && !aggregatesAllowed) {
          throw new QueryException(source, c.pos(), "aggregate function " + c.name()
              + "() is only allowed in the columns and ORDER BY of RETURN and WITH (and not inside another aggregate)");
        }
        argsMayAggregate = aggregatesAllowed && !aggregate;
      }
      case Expr.Param p -> {
        if (!hasParam.test(p.name())) {
          throw new QueryException(source, p.pos(), "missing parameter $" + p.name());
        }
      }
      case Expr.Subquery q -> subqueries.plan(q, scope);
      case Expr.Binary b when b.op() == Expr.Op.AND || b.op() == Expr.Op.OR || b.op() == Expr.Op.XOR -> {
        // a literal operand is refused whichever way the other decides: `false AND 1` as `true AND 1`
        notBoolean(b.left(), b.op().symbol, b.pos());
        notBoolean(b.right(), b.op().symbol, b.pos());
      }
      case Expr.Not n -> notBoolean(n.operand(), "NOT", n.pos());
      case Expr.Comprehension c -> {
        check(c.list(), aggregatesAllowed);
        Checker local = withLocal(c, c.var());
        if (c.where() != null) {
          local.check(c.where(), false);
        }
        if (c.map() != null) {
          local.check(c.map(), false);
        }
        return;
      }
      case Expr.Quantifier q -> {
        check(q.list(), aggregatesAllowed);
        withLocal(q, q.var()).check(q.where(), false);
        return;
      }
      case Expr.Reduce r -> {
        if (r.acc().equals(r.var())) {
          throw new QueryException(source, r.pos(), "reduce() needs two names, not '" + r.var() + "' twice");
        }
        check(r.init(), aggregatesAllowed);
        check(r.list(), aggregatesAllowed);
        withLocal(r, r.acc(), r.var()).check(r.step(), false);
        return;
      }
      default -> { }
    }
    for (Expr child : Expr.children(e)) {
      check(child, argsMayAggregate);
    }
  }

  private static final Set<Expr.Op> ARITHMETIC = java.util.EnumSet.of(Expr.Op.ADD, Expr.Op.SUB, Expr.Op.MUL,
      Expr.Op.DIV, Expr.Op.MOD);

  /**
   * Throws if {@code operand} can never be a boolean: a literal of another type, a list or map, or arithmetic
   * (whose result is a number, a string, a list or null). Other expressions are checked per row when evaluated.
   */
  private void notBoolean(Expr operand, String op, int pos) {
    String never = switch (operand) {
      case Expr.Literal l when l.value() != null && !(l.value() instanceof Boolean) -> Values.typeName(l.value());
      case Expr.ListLit l -> "list";
      case Expr.Comprehension c -> "list";
      case Expr.MapLit m -> "map";
      case Expr.Negate n -> "the result of -";
      case Expr.Binary b when ARITHMETIC.contains(b.op()) -> "the result of " + b.op().symbol;
      default -> null;
    };
    if (never != null) {
      throw new QueryException(source, pos, op + " needs booleans but got " + never);
    }
  }

  /** The checks inside {@code e}, whose local variables {@code vars} (last in its scope) hide those of their names. */
  private Checker withLocal(Expr e, String... vars) {
    Scope local = scope.copy();
    for (String var : vars) {
      local.declare(var, Scope.Kind.VALUE);
    }
    localScopes.putIfAbsent(e, local);
    return withScope(local);
  }

  /** The variables of this scope an expression reads. */
  Set<String> variables(Expr e) {
    Set<String> out = new HashSet<>();
    for (Expr.Var v : references(e)) {
      out.add(v.name());
    }
    return out;
  }

  /**
   * The variables of this scope an expression reads, each occurrence with its position, in source order. A
   * subquery reads those of its names (variables of its patterns, AS OF, WHERE and RETURN) that this scope declares:
   * the others are its own. A comprehension, quantifier or reduce() reads what its parts read but its own variables.
   */
  List<Expr.Var> references(Expr e) {
    List<Expr.Var> out = new ArrayList<>();
    collect(e, out);
    return out;
  }

  private void collect(Expr e, List<Expr.Var> out) {
    switch (e) {
      case Expr.Var v -> out.add(v);
      case Expr.Subquery q -> {
        List<Expr.Var> names = new ArrayList<>();
        for (Statement.Path path : q.match().paths()) {
          for (Statement.NodePattern n : path.nodes()) {
            names.add(new Expr.Var(n.var(), n.pos()));
            n.props().values().forEach(x -> collect(x, names));
          }
          for (Statement.RelPattern r : path.rels()) {
            names.add(new Expr.Var(r.var(), r.pos()));
            r.props().values().forEach(x -> collect(x, names));
          }
        }
        Stream.of(q.match().asOf(), q.match().where(), q.value()).filter(Objects::nonNull)
            .forEach(x -> collect(x, names));
        names.stream().filter(v -> scope.indexOf(v.name()) >= 0).forEach(out::add);
      }
      case Expr.Comprehension c -> {
        collect(c.list(), out);
        collectOutside(List.of(c.var()), out, c.where(), c.map());
      }
      case Expr.Quantifier q -> {
        collect(q.list(), out);
        collectOutside(List.of(q.var()), out, q.where());
      }
      case Expr.Reduce r -> {
        collect(r.init(), out);
        collect(r.list(), out);
        collectOutside(List.of(r.acc(), r.var()), out, r.step());
      }
      default -> Expr.children(e).forEach(c -> collect(c, out));
    }
  }

  /** The variables {@code parts} read but their local variables {@code locals}. */
  private void collectOutside(List<String> locals, List<Expr.Var> out, Expr... parts) {
    List<Expr.Var> reads = new ArrayList<>();
    for (Expr part : parts) {
      if (part != null) {
        collect(part, reads);
      }
    }
    reads.stream().filter(v -> !locals.contains(v.name())).forEach(out::add);
  }
}
