package dev.aeon.query.exec;

import dev.aeon.common.NumberLiterals;
import dev.aeon.query.lang.Expr;
import dev.aeon.query.lang.QueryException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The scalar functions, their arity checks (at plan time) and their evaluation; the string functions are in
 * {@link StringFunctions}. A null argument makes the result null, but for {@code coalesce}.
 */
final class Functions {

  /** The functions whose names are written in camel case, by their lower-case names. */
  private static final Map<String, String> CAMEL_CASE = Map.of("tolower", "toLower", "toupper", "toUpper",
      "tostring", "toString", "startnode", "startNode", "endnode", "endNode", "tointeger", "toInteger",
      "tofloat", "toFloat");

  /** The function's name as the documentation writes it, for messages: {@code toInteger()}, not {@code tointeger()}. */
  static String displayName(Expr.Call c) {
    return CAMEL_CASE.getOrDefault(c.name(), c.name()) + "()";
  }

  private Functions() {}

  /** Throws if {@code c} names no function or has the wrong number of arguments. */
  static void check(String source, Expr.Call c) {
    int n = c.args().size();
    int[] arity = switch (c.name()) {
      case "count" -> new int[] {c.star() ? 0 : 1, c.star() ? 0 : 1};
      case "collect", "min", "max", "sum", "avg", "id", "type", "labels", "size", "tolower", "lower", "toupper",
           "upper", "tostring", "startnode", "endnode", "abs", "trim", "ltrim", "rtrim", "reverse", "head", "last",
           "keys", "properties", "tointeger", "tofloat", "round", "floor", "ceil" -> new int[] {1, 1};
      case "similarity", "left", "right", "split" -> new int[] {2, 2};
      case "substring", "range" -> new int[] {2, 3};
      case "replace" -> new int[] {3, 3};
      case "coalesce" -> new int[] {1, Integer.MAX_VALUE};
      default -> throw new QueryException(source, c.pos(), "unknown function " + c.name() + "()");
    };
    if (n < arity[0] || n > arity[1]) {
      String takes = arity[0] == arity[1] ? String.valueOf(arity[0])
          : arity[1] == Integer.MAX_VALUE ? "at least " + arity[0] : arity[0] + " or " + arity[1];
      throw new QueryException(source, c.pos(), displayName(c) + " takes " + takes + " argument"
          + (takes.equals("1") ? "" : "s") + ", not " + n);
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
    if (args.contains(null)) {
      return null;
    }
    return switch (c.name()) {
      case "trim", "ltrim", "rtrim", "left", "right", "substring", "split", "replace" ->
          StringFunctions.call(ev, c, args);
      case "reverse" -> switch (a) {
        case String s -> ev.built(new StringBuilder(s).reverse().toString(), c.pos()); // keeps surrogate pairs in order
        case List<?> l -> {
          ev.build(1 + l.size(), c.pos());
          yield new ArrayList<Object>(l.reversed());
        }
        default -> throw wrong(ev, c, a, "a list or string");
      };
      case "head", "last" -> a instanceof List<?> l ? (l.isEmpty() ? null : c.name().equals("head") ? l.getFirst()
          : l.getLast()) : throwing(wrong(ev, c, a, "a list"));
      case "range" -> range(ev, c, args);
      case "keys" -> {
        Map<String, Object> properties = properties(ev, c, a);
        ev.build(1 + properties.size(), c.pos());
        yield new ArrayList<Object>(properties.keySet());
      }
      case "properties" -> properties(ev, c, a);
      case "tointeger" -> toInteger(ev, c, a);
      case "tofloat" -> toFloat(ev, c, a);
      case "round", "floor", "ceil" -> rounded(ev, c, a);
      case "id" -> switch (a) {
        case NodeRef n -> ev.graph.id(n.slot());
        case RelRef r -> r.edge() < 0 ? null : (long) r.edge();
        default -> throw wrong(ev, c, a, "a node or relationship");
      };
      case "type" -> a instanceof RelRef r ? ev.graph.string(r.type()) : throwing(wrong(ev, c, a, "a relationship"));
      case "startnode" -> a instanceof RelRef r ? new NodeRef(r.from()) : throwing(wrong(ev, c, a, "a relationship"));
      case "endnode" -> a instanceof RelRef r ? new NodeRef(r.to()) : throwing(wrong(ev, c, a, "a relationship"));
      case "labels" -> a instanceof NodeRef n ? labels((String) ev.nodeProperty(n.slot(), "role"))
          : throwing(wrong(ev, c, a, "a node"));
      case "size" -> switch (a) {
        case List<?> l -> (long) l.size();
        case String s -> (long) s.codePointCount(0, s.length()); // characters, not UTF-16 units
        default -> throw wrong(ev, c, a, "a list or string");
      };
      case "tolower", "lower" -> a instanceof String s ? ev.built(s.toLowerCase(Locale.ROOT), c.pos())
          : throwing(wrong(ev, c, a, "a string"));
      case "toupper", "upper" -> a instanceof String s ? ev.built(s.toUpperCase(Locale.ROOT), c.pos())
          : throwing(wrong(ev, c, a, "a string"));
      case "tostring" -> {
        // a list holding one list many times over is copied as many times by toResult: weighed first, the copy
        // is bounded as a result is (a list of 40 levels of [a, a] ran out of memory)
        ev.build(Values.weight(a, BuiltValues.MAX_BUILT), c.pos());
        yield ev.built(Values.display(Values.toResult(a, ev.graph)), c.pos());
      }
      case "abs" -> switch (a) {
        case Long l -> l == Long.MIN_VALUE ? throwing(ev.error(c.pos(), "integer overflow")) : Math.abs(l);
        case Double d -> Math.abs(d);
        default -> throw wrong(ev, c, a, "a number");
      };
      case "similarity" -> similarity(ev, c, a, args.get(1));
      default -> throw ev.error(c.pos(), "unknown function " + c.name() + "()");
    };
  }

  /** A node's labels: its role; null (as its properties) if the node was forgotten while the statement ran. */
  private static List<String> labels(String role) {
    return role == null ? null : List.of(role);
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
      throw ev.error(c.pos(), displayName(c) + " cannot compare with this vector: " + e.getMessage());
    }
    // Checked after the read, as a property is: the recall may hold a forgotten event's vector a while, or for good
    return Float.isNaN(s) || !ev.graph.isLive(n.slot()) ? null : (double) s;
  }

  /**
   * {@code range(start, end[, step])}: the integers from start to end, both included, step apart (1 by default;
   * negative counts down); bounded as {@code +} bounds a list.
   */
  private static List<Object> range(Evaluator ev, Expr.Call c, List<Object> args) {
    long[] v = new long[3];
    for (int i = 0; i < 3; i++) {
      Object x = i < args.size() ? args.get(i) : (Object) 1L;
      if (!(x instanceof Long n)) {
        throw wrong(ev, c, x, "integers");
      }
      v[i] = n;
    }
    long start = v[0];
    long end = v[1];
    long step = v[2];
    if (step == 0) {
      throw ev.error(c.pos(), "range() needs a step other than 0");
    }
    BigInteger span = BigInteger.valueOf(end).subtract(BigInteger.valueOf(start)); // exact: no overflow
    long count = span.signum() != 0 && span.signum() != Long.signum(step) ? 0
        : span.divide(BigInteger.valueOf(step)).add(BigInteger.ONE).min(BigInteger.valueOf(Long.MAX_VALUE)).longValue();
    if (count > Arithmetic.MAX_CONCATENATED) {
      throw ev.error(c.pos(), "range() would make a list of " + count + " elements, more than "
          + Arithmetic.MAX_CONCATENATED);
    }
    ev.build(1 + count, c.pos());
    List<Object> out = new ArrayList<>((int) count);
    for (long i = 0, x = start; i < count; i++, x += step) {
      ev.step(); // building a list of millions counts towards the time limit as it goes
      out.add(x);
    }
    return out;
  }

  /**
   * A node's properties (those that are not null: its own, then its attributes by name), a relationship's, or a
   * map itself.
   */
  private static Map<String, Object> properties(Evaluator ev, Expr.Call c, Object a) {
    Map<String, Object> out = new LinkedHashMap<>();
    switch (a) {
      case NodeRef n -> {
        for (String key : new String[] {"id", "session", "role", "ts", "text", "vector_id"}) {
          Object v = ev.nodeProperty(n.slot(), key);
          if (v != null) {
            out.put(key, v);
          }
        }
        new TreeMap<>(ev.graph.attributes(n.slot())).forEach((k, v) -> out.put(k, Values.fromAttribute(v)));
        if (!ev.graph.isLive(n.slot())) { // forgotten while the statement ran: only its id, never a part of the rest
          out.keySet().retainAll(Set.of("id"));
        }
      }
      case RelRef r -> {
        for (String key : new String[] {"type", "valid_from", "valid_to"}) {
          out.put(key, ev.property(r, key, c.pos()));
        }
      }
      case Map<?, ?> m -> m.forEach((k, v) -> out.put((String) k, v));
      default -> throw wrong(ev, c, a, "a node, relationship or map");
    }
    // the map's places; a node's text, read anew, too
    ev.build(1 + 2L * out.size() + (a instanceof NodeRef ? Values.weight(out.get("text")) : 0), c.pos());
    return out;
  }

  private static final Pattern INTEGER = Pattern.compile("[+-]?[0-9]+");
  private static final Pattern DECIMAL = Pattern.compile("[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?");

  /**
   * An integer from a number (a float truncated toward zero), a boolean (1 or 0) or a string that reads as a
   * number; null for a string that does not, and for a float that no integer holds (NaN, infinite, too large).
   */
  private static Object toInteger(Evaluator ev, Expr.Call c, Object a) {
    return switch (a) {
      case Long l -> l;
      case Double d -> truncated(d);
      case Boolean b -> b ? 1L : 0L;
      case String s -> {
        String t = s.strip();
        if (INTEGER.matcher(t).matches()) {
          try {
            yield Long.parseLong(t);
          } catch (NumberFormatException tooLarge) {
            yield null;
          }
        }
        yield DECIMAL.matcher(t).matches() ? truncated(Double.parseDouble(t)) : null;
      }
      default -> throw wrong(ev, c, a, "a number, boolean or string");
    };
  }

  private static Long truncated(double d) {
    // -2^63 is a double exactly; 2^63 is not a long
    return Double.isNaN(d) || d < -0x1p63 || d >= 0x1p63 ? null : (long) d;
  }

  /**
   * A float from a number or a string that reads as a decimal number; null for a string that does not, or whose
   * number is beyond the range of floats or nonzero and nearer to 0 than any (as the literal would be an error:
   * 1e400, 1e-400).
   */
  private static Object toFloat(Evaluator ev, Expr.Call c, Object a) {
    return switch (a) {
      case Long l -> (double) l;
      case Double d -> d;
      case String s -> {
        double d = DECIMAL.matcher(s.strip()).matches() ? Double.parseDouble(s.strip()) : Double.NaN;
        yield Double.isFinite(d) && !NumberLiterals.underflows(s, d) ? d : null;
      }
      default -> throw wrong(ev, c, a, "a number or string");
    };
  }

  /** round (half-way values up), floor or ceil, as a float. */
  private static Object rounded(Evaluator ev, Expr.Call c, Object a) {
    if (!(a instanceof Number n)) {
      throw wrong(ev, c, a, "a number");
    }
    double x = n.doubleValue();
    return switch (c.name()) {
      case "floor" -> Math.floor(x);
      case "ceil" -> Math.ceil(x);
      default -> {
        double f = Math.floor(x);
        yield x - f >= 0.5 ? f + 1 : f; // not floor(x + 0.5): that rounds 0.49999999999999994 up
      }
    };
  }

  static QueryException wrong(Evaluator ev, Expr.Call c, Object got, String expected) {
    return ev.error(c.pos(), displayName(c) + " needs " + expected + " but got " + Values.typeName(got));
  }

  private static <T> T throwing(QueryException e) {
    throw e;
  }
}
