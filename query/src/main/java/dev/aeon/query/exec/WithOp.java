package dev.aeon.query.exec;

import dev.aeon.query.lang.Statement;
import java.util.Arrays;
import java.util.List;

/**
 * WITH: each row projected into a new row of the next part's scope, whose first slots are WITH's columns. A
 * projection that must see every row before it can pass one on (aggregates, DISTINCT, ORDER BY) collects them
 * in its {@link ResultSink} and passes them on in {@link #flush}; any other passes each row on as it comes,
 * counting SKIP and LIMIT, and stops the pipeline above it once LIMIT rows have passed.
 */
final class WithOp extends EvaluatingOperator {

  private final List<Statement.Item> items;
  /** The next part's variables: known whole only once the statement is planned. */
  private final Scope nextScope;
  /** Checks and describes the projection; collects the rows of one that must see them all. */
  private final ResultSink projection;
  private final boolean collects;
  private long seen;

  WithOp(Evaluator ev, List<Statement.Item> items, Scope nextScope, ResultSink projection) {
    super(ev);
    this.items = items;
    this.nextScope = nextScope;
    this.projection = projection;
    this.collects = projection.needsEveryRow();
  }

  @Override
  boolean process(Object[] row) {
    if (collects) {
      return projection.push(row);
    }
    long index = seen++;
    long skip = projection.skip();
    long limit = projection.limit();
    if (index < skip) {
      return true;
    }
    if (limit >= 0 && index - skip >= limit) {
      return false;
    }
    Object[] projected = new Object[nextScope.size()];
    for (int i = 0; i < items.size(); i++) {
      projected[i] = ev.eval(items.get(i).expr(), row);
    }
    return next.push(projected) && (limit < 0 || index - skip + 1 < limit);
  }

  /**
   * Passes the collected rows on, once every row has been pushed, then drops them; nothing for a projection
   * that streams.
   */
  void flush() {
    if (!collects) {
      return;
    }
    long mark = ev.mark();
    // the rows of groups are evaluated now: what that builds is counted until they are dropped
    for (Object[] r : projection.rows()) {
      if (!next.push(Arrays.copyOf(r, nextScope.size()))) {
        break;
      }
    }
    projection.release();
    ev.release(mark);
  }

  ResultSink projection() {
    return projection;
  }

  @Override
  String describe() {
    return "With " + projection.describe();
  }
}
