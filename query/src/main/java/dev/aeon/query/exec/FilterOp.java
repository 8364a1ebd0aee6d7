package dev.aeon.query.exec;

import dev.aeon.query.lang.Expr;

/** Passes the rows for which a predicate is true. */
final class FilterOp extends Operator {

  private final Evaluator ev;
  private final Expr predicate;
  private final boolean runsSubquery;

  FilterOp(Evaluator ev, Expr predicate) {
    this.ev = ev;
    this.predicate = predicate;
    this.runsSubquery = Expr.containsSubquery(predicate);
  }

  /** Whether the predicate matches a pattern for each row ({@code EXISTS { ... }}, {@code COUNT { ... }}). */
  boolean runsSubquery() {
    return runsSubquery;
  }

  @Override
  boolean push(Object[] row) {
    // what the condition built is dropped before the row goes on, not once it went through as an
    // EvaluatingOperator drops it: a boolean holds none of it
    return !ev.testAndRelease(predicate, row) || next.push(row);
  }

  @Override
  String describe() {
    return "Filter " + Expr.render(predicate);
  }
}
