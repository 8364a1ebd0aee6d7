package dev.aeon.query.exec;

import dev.aeon.query.lang.Expr;
import dev.aeon.query.trace.VectorRecall;
import java.util.List;

/** {@code CALL recall($q, k) YIELD event, score}: binds the k nearest events of the vector index. */
final class RecallOp extends EvaluatingOperator {

  static final long MAX_K = 10_000;

  private final Expr query;
  private final Expr k;
  private final int eventVar;
  private final int scoreVar;

  RecallOp(Evaluator ev, Expr query, Expr k, int eventVar, int scoreVar) {
    super(ev);
    this.query = query;
    this.k = k;
    this.eventVar = eventVar;
    this.scoreVar = scoreVar;
  }

  @Override
  boolean process(Object[] row) {
    Object q = ev.eval(query, row);
    Object n = ev.eval(k, row);
    float[] vector = Values.asVector(q);
    if (vector == null) {
      throw ev.error(query.pos(), "recall() needs a vector (float[] or a list of numbers) as first argument but got "
          + Values.typeName(q));
    }
    if (!(n instanceof Long count) || count < 1 || count > MAX_K) {
      throw ev.error(k.pos(), "recall() needs a count between 1 and " + MAX_K + " but got "
          + Values.displayInMessage(n));
    }
    List<VectorRecall.Hit> hits;
    try {
      // Only events this query's view of the trace holds: the index may hold one a writer is storing, or
      // still hold one it is forgetting, and k of the others are wanted.
      hits = ev.vectors.recall(vector, count.intValue(), id -> ev.graph.slotOf(id) >= 0);
    } catch (IllegalArgumentException e) { // a vector the index cannot search: wrong dimension, zero, NaN
      throw ev.error(query.pos(), "recall() cannot search with this vector: " + e.getMessage());
    }
    // A recall binds rows as a scan does, and its search costs more than many steps: recalls one after
    // another (a search per row of the one before) would else run whatever the time limit.
    ev.stepped();
    for (VectorRecall.Hit hit : hits) {
      int slot = ev.graph.slotOf(hit.eventId());
      if (slot < 0) {
        continue;
      }
      ev.step();
      if (eventVar >= 0) {
        row[eventVar] = new NodeRef(slot);
      }
      if (scoreVar >= 0) {
        row[scoreVar] = (double) hit.score();
      }
      if (!next.push(row)) {
        return false;
      }
    }
    return true;
  }

  @Override
  String describe() {
    return "VectorRecall recall(" + Expr.render(query) + ", " + Expr.render(k) + ") -> "
        + (eventVar >= 0 ? ev.scope.name(eventVar) : "-") + ", " + (scoreVar >= 0 ? ev.scope.name(scoreVar) : "-");
  }
}
