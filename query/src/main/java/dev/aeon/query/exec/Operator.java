package dev.aeon.query.exec;

import java.util.List;

/**
 * A step of a push-based pipeline: it receives a row (one slot per variable, mutated in place as the
 * row travels down the pipeline and copied only by the final sink), binds or checks some variables, and
 * pushes each result to {@link #next}. {@code push} returns false when the query needs no more rows
 * (a LIMIT was reached), which unwinds every loop above it.
 */
abstract class Operator {

  Operator next;

  abstract boolean push(Object[] row);

  /** One line for EXPLAIN. */
  abstract String describe();

  /** The lines of {@code ops}, joined by "; ". */
  static String describe(List<Operator> ops) {
    return String.join("; ", ops.stream().map(Operator::describe).toList());
  }
}
