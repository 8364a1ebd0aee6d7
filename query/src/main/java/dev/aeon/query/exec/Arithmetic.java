package dev.aeon.query.exec;

import dev.aeon.query.lang.Expr;
import java.util.ArrayList;
import java.util.List;

/** {@code + - * / %} and unary minus: exact integer arithmetic (overflow is an error), floats, concatenation. */
final class Arithmetic {

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
      if (l instanceof List<?> a) {
        List<Object> out = new ArrayList<>(a);
        if (r instanceof List<?> b) {
          out.addAll(b);
        } else {
          out.add(r);
        }
        return out;
      }
      if (l instanceof String || r instanceof String) {
        if (isScalar(l) && isScalar(r)) {
          return String.valueOf(l) + r;
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
