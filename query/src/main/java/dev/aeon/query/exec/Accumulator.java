package dev.aeon.query.exec;

import dev.aeon.query.lang.Expr;
import java.math.BigInteger;
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
  private BigInteger bigSum; // the integers' sum once it left 64 bits, else null
  private double doubleSum;
  /**
   * The floats' sum scaled down by 2^64 (exactly, but for values near 0, which cannot matter then), which holds it
   * when {@link #doubleSum} passes a double's range on the way: 1e308 + 1e308 is Infinity for good, though the
   * average, or the sum after a -1e308, is in range.
   */
  private double scaledDoubleSum;
  private boolean sawFloat;
  /** Whether a float was infinite or NaN: then the sum is what the plain sum makes of it. */
  private boolean sawNonFinite;

  Accumulator(Expr.Call call) {
    this.call = call;
    this.seen = call.distinct() ? new HashSet<>() : null;
  }

  /** Adds a row's value; returns what this accumulator holds more (collected or remembered; {@link Values#weight}). */
  long add(Evaluator ev, Object[] row) {
    if (call.star()) {
      count++;
      return 0;
    }
    Object v = ev.eval(call.args().getFirst(), row);
    Object key = seen != null ? ResultSink.groupingKey(ev, call.pos(), v) : null;
    if (v == null || (seen != null && !seen.add(key))) {
      return 0;
    }
    count++;
    long held = seen != null ? Values.keyWeight(key) : 0;
    switch (call.name()) {
      case "collect" -> {
        collected.add(v);
        held += Values.weight(v);
      }
      case "min", "max" -> {
        if (best == null) {
          best = v;
        } else {
          Integer c = Values.compare(v, best);
          int cmp = c != null ? c : Values.orderCompare(v, best, ev.visits);
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

  /**
   * Integers are summed exactly (past 64 bits too), floats as floats, apart: the outcome depends on the values
   * summed, not on the order rows come in, as it would if the first float turned the integers into floats.
   */
  private void sum(Evaluator ev, Object v) {
    switch (v) {
      case Long l -> {
        if (bigSum != null) {
          bigSum = bigSum.add(BigInteger.valueOf(l));
        } else {
          try {
            longSum = Math.addExact(longSum, l);
          } catch (ArithmeticException e) {
            bigSum = BigInteger.valueOf(longSum).add(BigInteger.valueOf(l));
          }
        }
      }
      case Double d -> {
        sawFloat = true;
        sawNonFinite |= !Double.isFinite(d);
        doubleSum += d;
        scaledDoubleSum += d * SCALE_DOWN;
      }
      default -> throw ev.error(call.pos(), call.name() + "() needs numbers but got " + Values.typeName(v));
    }
  }

  /** The integers' sum as a long, or null if it does not fit in one. */
  private Long integerSum() {
    if (bigSum == null) {
      return longSum;
    }
    return bigSum.bitLength() < 64 ? bigSum.longValue() : null;
  }

  private double integerSumAsFloat() {
    return bigSum != null ? bigSum.doubleValue() : longSum;
  }

  private static final double SCALE_DOWN = 0x1p-64;

  /**
   * The sum of every value as a float, divided by {@code divisor}: by the plain sum while it stays in range, else by
   * the scaled one (so Infinity only if the result is beyond a double's range, or a value was infinite).
   */
  private double floatSum(long divisor) {
    double plain = integerSumAsFloat() + doubleSum;
    if (Double.isFinite(plain) || sawNonFinite) {
      return plain / divisor;
    }
    return (integerSumAsFloat() * SCALE_DOWN + scaledDoubleSum) / divisor / SCALE_DOWN;
  }

  /** A sum of integers alone is an integer (an error if it overflows); one with a float is a float. */
  private Object sumResult(Evaluator ev) {
    if (sawFloat) {
      return floatSum(1);
    }
    Long exact = integerSum();
    if (exact == null) {
      throw ev.error(call.pos(), "integer overflow in sum()");
    }
    return exact;
  }

  Object result(Evaluator ev) {
    return switch (call.name()) {
      case "count" -> count;
      case "collect" -> List.copyOf(collected);
      case "min", "max" -> best;
      case "sum" -> sumResult(ev);
      default -> count == 0 ? null : floatSum(count); // an average is a float
    };
  }
}
