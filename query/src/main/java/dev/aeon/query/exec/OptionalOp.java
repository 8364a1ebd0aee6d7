package dev.aeon.query.exec;

import java.util.List;

/**
 * OPTIONAL MATCH: runs the inner pipeline for each row; if it produced nothing, pushes the row once
 * with the inner clause's new variables set to null.
 */
final class OptionalOp extends Operator {

  private final Operator inner;
  private final int[] newVars;
  private final List<Operator> innerOps;
  private boolean matched;

  /** {@code inner} ends in {@code innerTail}, whose next this operator sets. */
  OptionalOp(Operator inner, Operator innerTail, int[] newVars, List<Operator> innerOps) {
    this.inner = inner;
    this.newVars = newVars;
    this.innerOps = innerOps;
    innerTail.next = new Operator() {
      @Override
      boolean push(Object[] row) {
        matched = true;
        return next().push(row);
      }

      @Override
      String describe() {
        return "";
      }
    };
  }

  private Operator next() {
    return next;
  }

  @Override
  boolean push(Object[] row) {
    boolean saved = matched;
    matched = false;
    try {
      if (!inner.push(row)) {
        return false;
      }
      if (!matched) {
        for (int v : newVars) {
          row[v] = null;
        }
        return next.push(row);
      }
      return true;
    } finally {
      matched = saved;
    }
  }

  @Override
  String describe() {
    return "Optional {" + Operator.describe(innerOps) + "}";
  }
}
