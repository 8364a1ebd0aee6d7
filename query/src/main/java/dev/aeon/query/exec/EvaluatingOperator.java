package dev.aeon.query.exec;

/**
 * An operator that evaluates expressions for the rows pushed to it. What they build for a row ({@link BuiltValues})
 * is counted until the row has gone through the operators after it, which by then dropped all they built for it, and
 * is released here, in {@link #push}, for every such operator: a row's lists and strings are not held while the
 * next row is worked on.
 */
abstract class EvaluatingOperator extends Operator {

  final Evaluator ev;

  EvaluatingOperator(Evaluator ev) {
    this.ev = ev;
  }

  @Override
  final boolean push(Object[] row) {
    long mark = ev.mark();
    boolean more = process(row);
    ev.release(mark); // the row went through: what was built for it, here and after, is dropped
    return more;
  }

  /** This operator's work on a row, pushing what it makes of it on; as {@link #push}, false to stop. */
  abstract boolean process(Object[] row);
}
