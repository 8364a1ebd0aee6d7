package dev.aeon.query.exec;

import dev.aeon.query.lang.Expr;
import java.util.ArrayList;
import java.util.List;

/** {@code + - * / %} and unary minus: exact integer arithmetic (overflow is an error), floats, concatenation. */
final class Arithmetic {

  /**
   * Most characters of a string, and elements of a list, that {@code +} makes: a statement of a few hundred
   * operators over a large parameter could otherwise build one value larger than the heap.
   */
  static final int MAX_CONCATENATED = 1 << 26;

  private Arithmetic() {}

  static Object negate(Evaluator ev, Object v, int pos) {
    return switch (v) {
      case null -> null;
      case Long l -> {
        if (l == Long.MIN_VALUE) {
          throw ev.error(pos, "integer overflow");
        }
        yield -l;
      }
      case Double d -> -d;
      default -> throw ev.error(pos, "cannot negate " + Values.typeName(v));
    };
  }

  static Object apply(Evaluator ev, Expr.Op op, Object l, Object r, int pos) {
    if (l == null || r == null) {
      return null;
    }
    if (op == Expr.Op.ADD) {
      if (l instanceof List<?> || r instanceof List<?>) { // a value beside a list joins it, on its side
        List<?> a = l instanceof List<?> list ? list : List.of(l);
        List<?> b = r instanceof List<?> list ? list : List.of(r);
        checkLength(ev, pos, "list", (long) a.size() + b.size());
        ev.build(1L + a.size() + b.size(), pos);
        List<Object> out = new ArrayList<>(a.size() + b.size());
        out.addAll(a);
        out.addAll(b);
        return out;
      }
      if (l instanceof String || r instanceof String) {
        if (isScalar(l) && isScalar(r)) {
          String a = String.valueOf(l);
          String b = String.valueOf(r);
          checkLength(ev, pos, "string", (long) a.length() + b.length());
          ev.build(1 + ((long) a.length() + b.length()) / 16, pos);
          return a + b;
        }
      }
    }
    if (l instanceof Long a && r instanceof Long b) {
      return integer(ev, op, a, b, pos);
    }
    if (l instanceof Number a && r instanceof Number b) {
      double x = a.doubleValue();
      double y = b.doubleValue();
      return switch (op) {
        case ADD -> x + y;
        case SUB -> x - y;
        case MUL -> x * y;
        case DIV -> x / y;
        default -> x % y;
      };
    }
    throw ev.error(pos, "cannot apply " + op.symbol + " to " + Values.typeName(l) + " and " + Values.typeName(r));
  }

  private static void checkLength(Evaluator ev, int pos, String what, long length) {
    if (length > MAX_CONCATENATED) {
      throw ev.error(pos, "+ would make a " + what + " of " + length
          + (what.equals("list") ? " elements" : " characters")
          + ", more than " + MAX_CONCATENATED);
    }
  }

  private static boolean isScalar(Object v) {
    return v instanceof String || v instanceof Number || v instanceof Boolean;
  }

  private static long integer(Evaluator ev, Expr.Op op, long a, long b, int pos) {
    try {
      return switch (op) {
        case ADD -> Math.addExact(a, b);
        case SUB -> Math.subtractExact(a, b);
        case MUL -> Math.multiplyExact(a, b);
        case DIV -> {
          if (b == 0) {
            throw ev.error(pos, "division by zero");
          }
          yield Math.divideExact(a, b);
        }
        default -> {
          if (b == 0) {
            throw ev.error(pos, "division by zero");
          }
          yield a % b;
        }
      };
    } catch (ArithmeticException e) {
      throw ev.error(pos, "integer overflow");
    }
  }
}
