package dev.aeon.query.exec;

/**
 * What the values a statement's expressions built weigh while they may still be held ({@link Values#weight}: a list
 * by its elements, a string by every 16 characters), bounded by {@link #MAX_BUILT}: a list of tens of millions of
 * elements from {@code range()}, a string split into as many pieces, or several such lists at once in a row ran the
 * process out of memory, while the results a statement holds ({@link HeldValues}) were bounded.
 *
 * <p>A stack, as the pipeline is: an operator marks the count before it evaluates a row's expressions and releases
 * back to the mark once the row has gone through the operators after it, which then dropped all they built for it
 * ({@link EvaluatingOperator}; a filter releases before the row goes on; what a projection keeps, {@link HeldValues}
 * counts). Inside an expression, a list comprehension, {@code reduce}
 * and a quantifier release what an element's evaluation built but what the value they keep may hold of it
 * ({@link Evaluator#keepOnly}). What a {@code COLLECT} subquery collects is pinned: its pipeline's operators release
 * their rows, not the list. One per statement, used by one thread.
 */
final class BuiltValues {

  /**
   * Most values a statement's expressions may hold at once: as many as its results may ({@link ResultSink#MAX_HELD}),
   * a few hundred megabytes at most, counted apart from them.
   */
  static final long MAX_BUILT = ResultSink.MAX_HELD;

  /** Released back to marks. */
  private long stacked;
  /** Not released by marks: what the COLLECT subqueries being evaluated have collected. */
  private long pinned;

  /** The count to {@link #release} back to once what is built from now on is dropped. */
  long mark() {
    return stacked;
  }

  /** Counts {@code values} more; false once the statement's expressions hold more than {@link #MAX_BUILT}. */
  boolean add(long values) {
    stacked += values;
    return stacked + pinned <= MAX_BUILT;
  }

  /** Drops what was built since {@code mark}. */
  void release(long mark) {
    stacked = mark;
  }

  /** What was built since {@code mark}. */
  long since(long mark) {
    return stacked - mark;
  }

  /** Moves {@code values} built since the last mark out of reach of releases. */
  void pin(long values) {
    stacked -= values;
    pinned += values;
  }

  /** Moves {@code values} pinned back onto the stack (a COLLECT's list, now the value of its expression). */
  void unpin(long values) {
    pinned -= values;
    stacked += values;
  }
}
