package dev.aeon.query.exec;

import dev.aeon.query.lang.Expr;
import java.util.List;

/**
 * UNWIND: one row per element of a list, the element bound to the clause's variable; none for an empty list or
 * null; one, holding the value, for any other value.
 */
final class UnwindOp extends EvaluatingOperator {

  private final Expr list;
  private final int var;

  UnwindOp(Evaluator ev, Expr list, int var) {
    super(ev);
    this.list = list;
    this.var = var;
  }

  @Override
  boolean process(Object[] row) {
    Object value = ev.eval(list, row);
    if (value instanceof List<?> elements) {
      for (Object element : elements) {
        ev.step(); // a long list counts towards the statement's time limit as a scan does
        row[var] = element;
        if (!next.push(row)) {
          return false;
        }
      }
      return true;
    }
    if (value == null) {
      return true;
    }
    row[var] = value;
    return next.push(row);
  }

  @Override
  String describe() {
    return "Unwind " + Expr.render(list) + " AS " + ev.scope.name(var);
  }
}
