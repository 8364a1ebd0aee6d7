package dev.aeon.query.exec;

import dev.aeon.query.lang.Expr;
import dev.aeon.query.lang.QueryException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/** Semantic checks of expressions before anything runs: known variables, parameters and functions, aggregates. */
final class Checker {

  private final String source;
  private final Scope scope;
  private final Predicate<String> hasParam;

  /** {@code hasParam} tells which parameters were given: a missing one is an error before anything runs. */
  Checker(String source, Scope scope, Predicate<String> hasParam) {
    this.source = source;
    this.scope = scope;
    this.hasParam = hasParam;
  }

  /** These checks against another scope's variables. */
  Checker withScope(Scope other) {
    return new Checker(source, other, hasParam);
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
      default -> { }
    }
    for (Expr child : Expr.children(e)) {
      check(child, argsMayAggregate);
    }
  }

  /** The variable names an expression reads. */
  static Set<String> variables(Expr e) {
    Set<String> out = new HashSet<>();
    for (Expr.Var v : references(e)) {
      out.add(v.name());
    }
    return out;
  }

  /** The variables an expression reads, each occurrence with its position, in source order. */
  static List<Expr.Var> references(Expr e) {
    List<Expr.Var> out = new ArrayList<>();
    collect(e, out);
    return out;
  }

  private static void collect(Expr e, List<Expr.Var> out) {
    if (e instanceof Expr.Var v) {
      out.add(v);
    }
    Expr.children(e).forEach(c -> collect(c, out));
  }
}
