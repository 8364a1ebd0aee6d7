package dev.aeon.query.exec;

import dev.aeon.query.lang.Expr;

/**
 * The pipeline of an {@code EXISTS}, {@code COUNT} or {@code COLLECT} subquery, run for each row that evaluates it.
 * Its row starts with the variables of the scope it was planned in (the same positions as in the row it reads them
 * from), then its own.
 */
final class SubqueryPlan {

  private final Expr.Subquery query;
  private final Operator head;
  private final int outerSize;
  /** Evaluates the subquery's rows: COLLECT's value. */
  private final Evaluator own;
  // the state of one evaluation: no plan runs itself (a nested subquery is another plan), so one set is enough
  private long matches;
  private BoundedList collected;
  /** What {@link #collected} holds of the values built for it, pinned ({@link Evaluator#collect}). */
  private long collectedBuilt;

  /** {@code head} ends in {@code tail}, whose next this plan sets. */
  SubqueryPlan(Expr.Subquery query, Operator head, Operator tail, int outerSize, Evaluator own) {
    this.query = query;
    this.head = head;
    this.outerSize = outerSize;
    this.own = own;
    tail.next = new Operator() {
      @Override
      boolean push(Object[] row) {
        matches++;
        if (query.kind() == Expr.SubqueryKind.COLLECT) {
          long mark = own.mark();
          own.build(1, query.pos()); // its place in the list
          Object value = own.eval(query.value(), row);
          collectedBuilt += own.collect(mark, value, query.pos());
          if (!collected.add(value)) {
            throw own.error(query.pos(), "COLLECT would make a list of more than " + Arithmetic.MAX_CONCATENATED
                + " values");
          }
        }
        return query.kind() != Expr.SubqueryKind.EXISTS; // EXISTS needs one match
      }

      @Override
      String describe() {
        return "";
      }
    };
  }

  /** Whether the pattern matches for {@code row} (EXISTS), how many times (COUNT), or the values (COLLECT). */
  Object evaluate(Object[] row) {
    Object[] rowOfItsOwn = new Object[own.scope.size()];
    System.arraycopy(row, 0, rowOfItsOwn, 0, outerSize);
    matches = 0;
    collected = query.kind() == Expr.SubqueryKind.COLLECT ? new BoundedList() : null;
    collectedBuilt = 0;
    own.build(1, query.pos()); // the list
    head.push(rowOfItsOwn);
    own.unpin(collectedBuilt);
    return switch (query.kind()) {
      case EXISTS -> matches > 0;
      case COUNT -> matches;
      case COLLECT -> collected.values();
    };
  }
}
