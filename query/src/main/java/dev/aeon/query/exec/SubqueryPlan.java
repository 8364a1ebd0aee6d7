package dev.aeon.query.exec;

/**
 * The pipeline of an {@code EXISTS { ... }} or {@code COUNT { ... }}, run for each row that evaluates it. Its row
 * starts with the variables of the scope it was planned in (the same positions as in the row it reads them from),
 * then its own.
 */
final class SubqueryPlan {

  private final Operator head;
  private final int outerSize;
  private final int rowSize;
  private final boolean count;
  private long matches;

  /** {@code head} ends in {@code tail}, whose next this plan sets. */
  SubqueryPlan(Operator head, Operator tail, int outerSize, int rowSize, boolean count) {
    this.head = head;
    this.outerSize = outerSize;
    this.rowSize = rowSize;
    this.count = count;
    tail.next = new Operator() {
      @Override
      boolean push(Object[] row) {
        matches++;
        return SubqueryPlan.this.count; // EXISTS needs one match
      }

      @Override
      String describe() {
        return "";
      }
    };
  }

  /** Whether the pattern matches for {@code row} (EXISTS), or how many times (COUNT). */
  Object evaluate(Object[] row) {
    Object[] own = new Object[rowSize];
    System.arraycopy(row, 0, own, 0, outerSize);
    matches = 0;
    head.push(own);
    return count ? (Object) matches : (Object) (matches > 0);
  }
}
