package dev.aeon.query.exec;

import dev.aeon.query.lang.Expr;
import dev.aeon.query.lang.QueryException;
import java.util.List;
import java.util.Locale;

/** The scalar functions, their arity checks (at plan time) and their evaluation. */
final class Functions {

  private Functions() {}

  /** Throws if {@code c} names no function or has the wrong number of arguments. */
  static void check(String source, Expr.Call c) {
    int n = c.args().size();
    int[] arity = switch (c.name()) {
      case "count" -> new int[] {c.star() ? 0 : 1, c.star() ? 0 : 1};
      case "collect", "min", "max", "sum", "avg", "id", "type", "labels", "size", "tolower", "lower", "toupper",
           "upper", "tostring", "startnode", "endnode", "abs" -> new int[] {1, 1};
      case "similarity" -> new int[] {2, 2};
      case "coalesce" -> new int[] {1, Integer.MAX_VALUE};
      default -> throw new QueryException(source, c.pos(), "unknown function " + c.name() + "()");
    };
    if (n < arity[0] || n > arity[1]) {
      throw new QueryException(source, c.pos(), c.name() + "() takes " + (arity[0] == arity[1] ? arity[0]
          : "at least " + arity[0]) + " argument" + (arity[0] == 1 ? "" : "s") + ", not " + n);
    }
    if (c.distinct() && !Expr.isAggregate(c.name())) {
      throw new QueryException(source, c.pos(), "DISTINCT is only allowed in aggregate functions");
    }
  }

  static Object call(Evaluator ev, Expr.Call c, List<Object> args) {
    Object a = args.isEmpty() ? null : args.getFirst();
    if (c.name().equals("coalesce")) {
      for (Object o : args) {
        if (o != null) {
          return o;
        }
      }
      return null;
    }
    if (a == null) {
      return null;
    }
    return switch (c.name()) {
      case "id" -> switch (a) {
        case NodeRef n -> ev.graph.id(n.slot());
        case RelRef r -> r.edge() < 0 ? null : (long) r.edge();
        default -> throw wrong(ev, c, a, "a node or relationship");
      };
      case "type" -> a instanceof RelRef r ? ev.graph.string(r.type()) : throwing(wrong(ev, c, a, "a relationship"));
      case "startnode" -> a instanceof RelRef r ? new NodeRef(r.from()) : throwing(wrong(ev, c, a, "a relationship"));
      case "endnode" -> a instanceof RelRef r ? new NodeRef(r.to()) : throwing(wrong(ev, c, a, "a relationship"));
      case "labels" -> a instanceof NodeRef n ? List.of(ev.graph.role(n.slot())) : throwing(wrong(ev, c, a, "a node"));
      case "size" -> switch (a) {
        case List<?> l -> (long) l.size();
        case String s -> (long) s.codePointCount(0, s.length()); // characters, not UTF-16 units
        default -> throw wrong(ev, c, a, "a list or string");
      };
      case "tolower", "lower" -> a instanceof String s ? s.toLowerCase(Locale.ROOT) : throwing(wrong(ev, c, a, "a string"));
      case "toupper", "upper" -> a instanceof String s ? s.toUpperCase(Locale.ROOT) : throwing(wrong(ev, c, a, "a string"));
      case "tostring" -> Values.display(Values.toResult(a, ev.graph));
      case "abs" -> switch (a) {
        case Long l -> l == Long.MIN_VALUE ? throwing(ev.error(c.pos(), "integer overflow")) : Math.abs(l);
        case Double d -> Math.abs(d);
        default -> throw wrong(ev, c, a, "a number");
      };
      case "similarity" -> similarity(ev, c, a, args.get(1));
      default -> throw ev.error(c.pos(), "unknown function " + c.name() + "()");
    };
  }

  private static Object similarity(Evaluator ev, Expr.Call c, Object node, Object query) {
    if (!(node instanceof NodeRef n)) {
      throw wrong(ev, c, node, "a node as first argument");
    }
    if (query == null) {
      return null;
    }
    float[] q = Values.asVector(query);
    if (q == null) {
      throw wrong(ev, c, query, "a vector (float[] or a list of numbers) as second argument");
    }
    float s;
    try {
      s = ev.vectors.similarity(ev.graph.id(n.slot()), q);
    } catch (IllegalArgumentException e) { // a vector the index cannot compare: wrong dimension, zero, NaN
      throw ev.error(c.pos(), c.name() + "() cannot compare with this vector: " + e.getMessage());
    }
    return Float.isNaN(s) ? null : (double) s;
  }

  private static QueryException wrong(Evaluator ev, Expr.Call c, Object got, String expected) {
    return ev.error(c.pos(), c.name() + "() needs " + expected + " but got " + Values.typeName(got));
  }

  private static <T> T throwing(QueryException e) {
    throw e;
  }
}
