package dev.aeon.query.exec;

import dev.aeon.query.lang.Expr;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The running state of one aggregate call for one group. Nulls are skipped, as in Cypher. */
final class Accumulator {

  private final Expr.Call call;
  private final Set<Object> seen;
  private long count;
  private final List<Object> collected = new ArrayList<>();
  private Object best;
  private long longSum;
  private double doubleSum;
  private boolean isDouble;

  Accumulator(Expr.Call call) {
    this.call = call;
    this.seen = call.distinct() ? new HashSet<>() : null;
  }

  /** Adds a row's value; returns how many values this accumulator holds more (collected or remembered). */
  int add(Evaluator ev, Object[] row) {
    if (call.star()) {
      count++;
      return 0;
    }
    Object v = ev.eval(call.args().getFirst(), row);
    if (v == null || (seen != null && !seen.add(Values.groupingKey(v)))) {
      return 0;
    }
    count++;
    int held = seen != null ? 1 : 0;
    switch (call.name()) {
      case "collect" -> {
        collected.add(v);
        held++;
      }
      case "min", "max" -> {
        if (best == null) {
          best = v;
        } else {
          Integer c = Values.compare(v, best);
          int cmp = c != null ? c : Values.orderCompare(v, best);
          if (call.name().equals("min") ? cmp < 0 : cmp > 0) {
            best = v;
          }
        }
      }
      case "sum", "avg" -> sum(ev, v);
      default -> { } // count
    }
    return held;
  }

  private void sum(Evaluator ev, Object v) {
    if (v instanceof Long l && !isDouble) {
      try {
        longSum = Math.addExact(longSum, l);
        return;
      } catch (ArithmeticException e) {
        if (!call.name().equals("avg")) {
          throw ev.error(call.pos(), "integer overflow in " + call.name() + "()");
        }
        // an average is a float whatever its inputs: go on in floating point rather than fail
      }
    }
    if (!(v instanceof Number n)) {
      throw ev.error(call.pos(), call.name() + "() needs numbers but got " + Values.typeName(v));
    }
    if (!isDouble) {
      isDouble = true;
      doubleSum = longSum;
    }
    doubleSum += n.doubleValue();
  }

  Object result() {
    return switch (call.name()) {
      case "count" -> count;
      case "collect" -> List.copyOf(collected);
      case "min", "max" -> best;
      case "sum" -> isDouble ? (Object) doubleSum : (Object) longSum;
      default -> count == 0 ? null : (isDouble ? doubleSum : (double) longSum) / count;
    };
  }
}
