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

  /** {@code < <= > >=}: null if either side is null; a type error for values that do not compare. */
  static Boolean compare(Evaluator ev, Expr.Op op, Object l, Object r, int pos) {
    if (l == null || r == null) {
      return null;
    }
    Integer c = Values.compare(l, r);
    if (c == null) {
      throw ev.error(pos, "cannot compare " + Values.typeName(l) + " with " + Values.typeName(r));
    }
    // after the types are checked: a NaN compared with a string is an error, as any number is
    if (l instanceof Double d && d.isNaN() || r instanceof Double e && e.isNaN()) {
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
