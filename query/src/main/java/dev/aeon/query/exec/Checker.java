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
              + "() is only allowed in RETURN (and not inside another aggregate)");
        }
        c.args().forEach(a -> check(a, aggregatesAllowed && !aggregate));
      }
      case Expr.Property p -> check(p.target(), aggregatesAllowed);
      case Expr.Index i -> {
        check(i.target(), aggregatesAllowed);
        check(i.index(), aggregatesAllowed);
      }
      case Expr.Binary b -> {
        check(b.left(), aggregatesAllowed);
        check(b.right(), aggregatesAllowed);
      }
      case Expr.Not n -> check(n.operand(), aggregatesAllowed);
      case Expr.Negate n -> check(n.operand(), aggregatesAllowed);
      case Expr.IsNull n -> check(n.operand(), aggregatesAllowed);
      case Expr.Between b -> {
        check(b.operand(), aggregatesAllowed);
        check(b.low(), aggregatesAllowed);
        check(b.high(), aggregatesAllowed);
      }
      case Expr.ListLit l -> l.items().forEach(x -> check(x, aggregatesAllowed));
      case Expr.MapLit m -> m.entries().values().forEach(x -> check(x, aggregatesAllowed));
      case Expr.Literal l -> { }
      case Expr.Param p -> {
        if (!hasParam.test(p.name())) {
          throw new QueryException(source, p.pos(), "missing parameter $" + p.name());
        }
      }
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
    switch (e) {
      case Expr.Var v -> out.add(v);
      case Expr.Call c -> c.args().forEach(a -> collect(a, out));
      case Expr.Property p -> collect(p.target(), out);
      case Expr.Index i -> {
        collect(i.target(), out);
        collect(i.index(), out);
      }
      case Expr.Binary b -> {
        collect(b.left(), out);
        collect(b.right(), out);
      }
      case Expr.Not n -> collect(n.operand(), out);
      case Expr.Negate n -> collect(n.operand(), out);
      case Expr.IsNull n -> collect(n.operand(), out);
      case Expr.Between b -> {
        collect(b.operand(), out);
        collect(b.low(), out);
        collect(b.high(), out);
      }
      case Expr.ListLit l -> l.items().forEach(x -> collect(x, out));
      case Expr.MapLit m -> m.entries().values().forEach(x -> collect(x, out));
      case Expr.Literal l -> { }
      case Expr.Param p -> { }
    }
  }
}
