package dev.aeon.query.exec;

import dev.aeon.query.lang.Expr;
import java.util.List;

/** Three-valued logic, comparisons, IN and the string predicates. */
final class Logic {

  private Logic() {}

  static Boolean and(Boolean x, Boolean y) {
    if (Boolean.FALSE.equals(x) || Boolean.FALSE.equals(y)) {
      return false;
    }
    return x == null || y == null ? null : true;
  }

  static Boolean or(Boolean x, Boolean y) {
    if (Boolean.TRUE.equals(x) || Boolean.TRUE.equals(y)) {
      return true;
    }
    return x == null || y == null ? null : false;
  }

  /** What {@link #order} finds of two values that have no order: a NaN, compared with a number or with NaN. */
  private static final int UNORDERED = Integer.MIN_VALUE;

  /**
   * {@code < <= > >=}: null if either side is null; a type error for values that do not compare. Lists compare
   * element by element, as openCypher has it.
   */
  static Boolean compare(Evaluator ev, Expr.Op op, Object l, Object r, int pos) {
    if (l == null || r == null) {
      return null;
    }
    Integer c = order(ev, l, r, pos, "");
    if (c == null) {
      return null;
    }
    if (c == UNORDERED) {
      return false;
    }
    return switch (op) {
      case LT -> c < 0;
      case LE -> c <= 0;
      case GT -> c > 0;
      case GE -> c >= 0;
      default -> throw new IllegalArgumentException(op.toString());
    };
  }

  /**
   * The order of two values that are not null, as {@link Values#compare} has it, {@link #UNORDERED} for a NaN, and
   * for two lists that of the first pair of elements that differ, or else of their lengths (a prefix first): null
   * if that pair holds a null (whatever comes after it), as {@code [1, 2] >= [1, null]} is in Cypher.
   */
  private static Integer order(Evaluator ev, Object l, Object r, int pos, String where) {
    if (l instanceof List<?> x && r instanceof List<?> y) {
      int common = Math.min(x.size(), y.size());
      for (int i = 0; i < common; i++) {
        ev.visits.visit();
        Object a = x.get(i);
        Object b = y.get(i);
        if (a == null || b == null) {
          return null;
        }
        Integer c = order(ev, a, b, pos, " inside lists");
        if (c == null || c != 0) {
          return c;
        }
      }
      return Integer.compare(x.size(), y.size());
    }
    Integer c = Values.compare(l, r);
    if (c == null) {
      throw ev.error(pos, "cannot compare " + Values.typeName(l) + " with " + Values.typeName(r) + where);
    }
    // after the types are checked: a NaN compared with a string is an error, as any number is
    if (l instanceof Double d && d.isNaN() || r instanceof Double e && e.isNaN()) {
      return UNORDERED;
    }
    return Integer.signum(c); // never UNORDERED
  }

  static Boolean in(Evaluator ev, Object l, Object r, int pos) {
    if (r == null) {
      return null;
    }
    if (!(r instanceof List<?> list)) {
      throw ev.error(pos, "IN needs a list on its right but got " + Values.typeName(r));
    }
    boolean unknown = false;
    for (Object o : list) {
      Boolean e = Values.equal(l, o, ev.visits);
      if (Boolean.TRUE.equals(e)) {
        return true;
      }
      unknown |= e == null;
    }
    return unknown ? null : false;
  }

  static Boolean stringMatch(Evaluator ev, Expr.Op op, Object l, Object r, int pos) {
    if (l == null || r == null) {
      return null;
    }
    if (!(l instanceof String s) || !(r instanceof String t)) {
      throw ev.error(pos, op.symbol + " needs strings but got " + Values.typeName(l) + " and "
          + Values.typeName(r));
    }
    return switch (op) {
      case CONTAINS -> s.contains(t);
      case STARTS_WITH -> s.startsWith(t);
      default -> s.endsWith(t);
    };
  }
}
