package dev.aeon.query.exec;

import dev.aeon.common.JavaValues;
import dev.aeon.common.io.Utf8Text;
import dev.aeon.query.trace.TraceGraph;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Value semantics of the language: conversions, three-valued equality, ordering, display. */
final class Values {

  private Values() {}

  static String typeName(Object v) {
    return switch (v) {
      case null -> "null";
      case Long l -> "integer";
      case Double d -> "float";
      case String s -> "string";
      case Boolean b -> "boolean";
      case float[] f -> "vector";
      case List<?> l -> "list";
      case Map<?, ?> m -> "map";
      case NodeRef n -> "node";
      case RelRef r -> "relationship";
      default -> JavaValues.typeName(v);
    };
  }

  /**
   * A value where a vector is needed: a vector, or a non-empty list of numbers (how a vector arrives from a
   * client that has no vector type, such as a JSON array over the server, or a list literal); else null.
   */
  static float[] asVector(Object v) {
    if (v instanceof float[] f) {
      return f;
    }
    if (!(v instanceof List<?> list) || list.isEmpty()) {
      return null;
    }
    float[] f = new float[list.size()];
    for (int i = 0; i < f.length; i++) {
      if (!(list.get(i) instanceof Number n)) {
        return null;
      }
      f[i] = n.floatValue();
    }
    return f;
  }

  /**
   * How deep lists and maps in a parameter, or in a returned value, may nest: comparing and printing values recurse
   * that deep, and so do the engine's and the server's conversions of a result.
   */
  static final int MAX_PARAMETER_DEPTH = 100;

  /**
   * A parameter value in the language's domain, or null with {@code unsupported[0]} saying what in it
   * (itself, an element, or a map key that is not a string) has no place there: {@code type Object},
   * {@code map key null}.
   *
   * @throws IllegalArgumentException if lists and maps nest deeper than {@link #MAX_PARAMETER_DEPTH}
   */
  static Object fromExternal(Object v, String[] unsupported) {
    return fromExternal(v, unsupported, 0);
  }

  private static Object fromExternal(Object v, String[] unsupported, int depth) {
    if (depth > MAX_PARAMETER_DEPTH) {
      throw new IllegalArgumentException("lists and maps nested more than " + MAX_PARAMETER_DEPTH + " levels deep");
    }
    return switch (v) {
      case null -> null;
      case String s -> wellFormed(s);
      case Long l -> l;
      case Integer i -> (long) i;
      case Short s -> (long) s;
      case Byte b -> (long) b;
      case Double d -> d;
      case Float f -> JavaValues.decimal(f);
      case Boolean b -> b;
      case Instant t -> micros(t);
      case float[] f -> f.clone();
      case double[] d -> {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
          f[i] = (float) d[i];
        }
        yield f;
      }
      case Collection<?> c -> {
        List<Object> out = new ArrayList<>(c.size());
        for (Object o : c) {
          out.add(fromExternal(o, unsupported, depth + 1));
        }
        yield out;
      }
      case Map<?, ?> m -> {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
          if (!(e.getKey() instanceof String key)) {
            // a key of null and one of "null" would otherwise become one
            yield unsupported(e.getKey() == null ? "map key null" : "map key of type "
                + JavaValues.typeName(e.getKey()), unsupported);
          }
          out.put(wellFormed(key), fromExternal(e.getValue(), unsupported, depth + 1));
        }
        yield out;
      }
      default -> unsupported("type " + JavaValues.typeName(v), unsupported);
    };
  }

  /**
   * {@code s}, if it holds no half of a surrogate pair alone, as a string literal may not: the string predicates and
   * functions would find or cut that half inside a whole character ({@code '😀' CONTAINS $p} with the first half).
   *
   * @throws IllegalArgumentException naming the surrogate
   */
  private static String wellFormed(String s) {
    int i = Utf8Text.unpairedSurrogate(s);
    if (i >= 0) {
      throw new IllegalArgumentException("a string with an unpaired surrogate \\u"
          + Integer.toHexString(s.charAt(i)).toUpperCase(Locale.ROOT)
          + ": a character beyond U+FFFF is two chars, a surrogate pair, given together");
    }
    return s;
  }

  private static Object unsupported(String what, String[] unsupported) {
    if (unsupported[0] == null) {
      unsupported[0] = what;
    }
    return null;
  }

  static long micros(Instant t) {
    return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000);
  }

  /** Attribute values as the language sees them: timestamps become epoch microseconds. */
  static Object fromAttribute(Object v) {
    return v instanceof Instant t ? micros(t) : v;
  }

  /**
   * Counts the elements a comparison goes through, so that a statement's time limit stops it: a list holding one
   * list twice, nested 40 deep, is small but compares as 2^40 elements.
   */
  interface Visits {
    void visit();
  }

  /** Three-valued equality: null if either side is null (or a list or map holds a null that decides). */
  static Boolean equal(Object a, Object b, Visits visits) {
    if (a == null || b == null) {
      return null;
    }
    if (a instanceof Number x && b instanceof Number y) {
      return !isNaN(x) && !isNaN(y) && compareNumbers(x, y) == 0;
    }
    if (a instanceof float[] x && b instanceof float[] y) {
      return sameComponents(x, y);
    }
    if (a instanceof List<?> x && b instanceof List<?> y) {
      if (x.size() != y.size()) {
        return false;
      }
      boolean unknown = false;
      for (int i = 0; i < x.size(); i++) {
        visits.visit();
        Boolean e = equal(x.get(i), y.get(i), visits);
        if (e == null) {
          unknown = true;
        } else if (!e) {
          return false;
        }
      }
      return unknown ? null : true;
    }
    if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
      // by key, as lists are by position: {k: 1} = {k: 1.0}, and {k: null} = {k: null} is null
      if (!x.keySet().equals(y.keySet())) {
        return false;
      }
      boolean unknown = false;
      for (Map.Entry<?, ?> e : x.entrySet()) {
        visits.visit();
        Boolean eq = equal(e.getValue(), y.get(e.getKey()), visits);
        if (eq == null) {
          unknown = true;
        } else if (!eq) {
          return false;
        }
      }
      return unknown ? null : true;
    }
    return a.equals(b);
  }

  /** Vectors compared as their numbers are: {@code -0.0 = 0.0}, and a NaN equals nothing. */
  private static boolean sameComponents(float[] x, float[] y) {
    if (x.length != y.length) {
      return false;
    }
    for (int i = 0; i < x.length; i++) {
      if (x[i] != y[i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * Past this, {@link #weight} stops counting: it is above every bound a weight is compared with. A list that holds
   * one list many times over, nested, weighs as if it held copies (as it would once returned), so without this cap
   * counting a value a few kilobytes long could take longer than any statement may run.
   */
  static final long WEIGHT_CAP = Arithmetic.MAX_CONCATENATED + 1L;

  /**
   * About how many values' worth of memory {@code v} holds, for the bound on what a result holds
   * ({@link ResultSink#MAX_HELD}): one, plus one for every 16 characters of a string and every 4 components
   * of a vector, {@link #RECORD_WEIGHT} for a node or relationship, and what the elements of a list or the keys and
   * values of a map weigh; or some figure above
   * {@link #WEIGHT_CAP} once it is known to pass it.
   */
  static long weight(Object v) {
    return weight(v, WEIGHT_CAP);
  }

  /** The weight of {@code v}, or some figure above {@code budget} once the count passes it. */
  static long weight(Object v, long budget) {
    return weight(v, budget, RECORD_WEIGHT);
  }

  /**
   * What a {@link #groupingKey} weighs: as {@link #weight}, but a node one value. A key holds a node as the reference
   * it is during execution (an event's slot), never as the Event it is returned as: weighed as an Event, a DISTINCT set
   * of nodes (count(DISTINCT e) over every event) was refused at a quarter of the events count(DISTINCT e.id) took.
   */
  static long keyWeight(Object key, long budget) {
    return weight(key, budget, 1);
  }

  static long keyWeight(Object key) {
    return keyWeight(key, WEIGHT_CAP);
  }

  /** {@link #weight}, with a node weighing {@code node}. */
  private static long weight(Object v, long budget, long node) {
    return switch (v) {
      case String s -> 1 + s.length() / 16;
      case float[] f -> 1 + f.length / 4;
      case List<?> l -> {
        long w = 1;
        for (Iterator<?> it = l.iterator(); it.hasNext() && w <= budget; ) {
          w += weight(it.next(), budget - w, node);
        }
        yield w;
      }
      case Map<?, ?> m -> {
        long w = 1;
        for (Iterator<? extends Map.Entry<?, ?>> it = m.entrySet().iterator(); it.hasNext() && w <= budget; ) {
          Map.Entry<?, ?> e = it.next();
          w += weight(e.getKey(), budget - w, node);
          w += weight(e.getValue(), budget - w, node);
        }
        yield w;
      }
      // returned as a record of seven fields (an Event) or five (an Edge), each built anew: a node weighing one
      // value let MATCH (a), (b) RETURN a hold 9 million rows, and run out of memory as they became Events
      case NodeRef n -> node;
      // a key holds a relationship as the record it is during execution, of six fields
      case RelRef r -> RECORD_WEIGHT;
      case null, default -> 1;
    };
  }

  /** What a node or a relationship weighs: about as much as the record it is returned as (64 bytes or so). */
  static final long RECORD_WEIGHT = 4;

  /**
   * A key that is equal for values DISTINCT, grouping and {@code count(DISTINCT)} must treat as one: those
   * {@code =} calls equal ({@code 1} and {@code 1.0}, {@code 0.0} and {@code -0.0}, also inside lists and
   * maps; vectors by content), and nulls and NaNs, which {@code =} cannot call equal, as in Cypher.
   */
  static Object groupingKey(Object v) {
    return switch (v) {
      case Double d when d == Math.rint(d) && d >= -0x1p63 && d < 0x1p63 -> d.longValue(); // exactly d
      case float[] f -> java.nio.FloatBuffer.wrap(f);
      case List<?> l -> l.stream().map(Values::groupingKey).toList();
      case Map<?, ?> m -> {
        Map<Object, Object> out = new java.util.HashMap<>();
        m.forEach((k, x) -> out.put(k, groupingKey(x)));
        yield out;
      }
      case null, default -> v;
    };
  }

  /**
   * Ordering comparison of two non-null values of comparable types (numbers, strings, booleans);
   * null if the types cannot be compared.
   */
  static Integer compare(Object a, Object b) {
    if (a instanceof Number x && b instanceof Number y) {
      return compareNumbers(x, y);
    }
    if (a instanceof String x && b instanceof String y) {
      return x.compareTo(y);
    }
    if (a instanceof Boolean x && b instanceof Boolean y) {
      return Boolean.compare(x, y);
    }
    return null;
  }

  /**
   * Numbers by their exact value: a long is not rounded to a double (9007199254740993 is more than
   * 9007199254740992.0), as the time and id indexes compare them, and -0.0 equals 0.0. NaN is above
   * every number, so that this stays a total order for sorting.
   */
  private static int compareNumbers(Number x, Number y) {
    if (x instanceof Long a && y instanceof Long b) {
      return Long.compare(a, b);
    }
    if (x instanceof Long a) {
      return -compareToDouble(y.doubleValue(), a);
    }
    if (y instanceof Long b) {
      return compareToDouble(x.doubleValue(), b);
    }
    double a = x.doubleValue();
    double b = y.doubleValue();
    return a == b ? 0 : Double.compare(a, b);
  }

  /** Compares a double with a long exactly. */
  private static int compareToDouble(double d, long l) {
    if (Double.isNaN(d) || d >= 0x1p63) {
      return 1;
    }
    if (d < -0x1p63) {
      return -1;
    }
    long whole = (long) d; // exact: |d| < 2^63, truncated toward zero
    if (whole != l) {
      return Long.compare(whole, l);
    }
    double fraction = d - whole; // exact: what truncation dropped, of the sign of d
    return fraction > 0 ? 1 : fraction < 0 ? -1 : 0;
  }

  private static boolean isNaN(Number n) {
    return n instanceof Double d && d.isNaN();
  }

  /** A total order for ORDER BY: values of one type in their natural order, types in a fixed order, null last. */
  static int orderCompare(Object a, Object b, Visits visits) {
    int ra = rank(a);
    int rb = rank(b);
    if (ra != rb) {
      return Integer.compare(ra, rb);
    }
    return switch (a) {
      case null -> 0;
      case NodeRef n -> Integer.compare(n.slot(), ((NodeRef) b).slot());
      case RelRef r -> Long.compare(key(r), key((RelRef) b));
      case List<?> l -> compareLists(l, (List<?>) b, visits);
      case float[] v -> compareVectors(v, (float[]) b);
      case Map<?, ?> m -> compareMaps(m, (Map<?, ?>) b, visits);
      default -> {
        Integer c = compare(a, b);
        yield c == null ? 0 : c;
      }
    };
  }

  private static long key(RelRef r) {
    return r.edge() >= 0 ? r.edge() : -1L - (((long) r.from() << 32) | (r.to() & 0xffffffffL));
  }

  private static int compareLists(List<?> a, List<?> b, Visits visits) {
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      visits.visit();
      int c = orderCompare(a.get(i), b.get(i), visits);
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(a.size(), b.size());
  }

  /** Component by component, as numbers compare: -0.0 equals 0.0; then the shorter first. */
  private static int compareVectors(float[] a, float[] b) {
    for (int i = 0; i < Math.min(a.length, b.length); i++) {
      int c = a[i] == b[i] ? 0 : Float.compare(a[i], b[i]);
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(a.length, b.length);
  }

  /** By their keys in order, then by their values in the order of the keys. */
  private static int compareMaps(Map<?, ?> a, Map<?, ?> b, Visits visits) {
    List<String> ka = sortedKeys(a);
    List<String> kb = sortedKeys(b);
    int c = compareLists(ka, kb, visits);
    for (int i = 0; c == 0 && i < ka.size(); i++) {
      visits.visit();
      c = orderCompare(a.get(ka.get(i)), b.get(ka.get(i)), visits);
    }
    return c;
  }

  private static List<String> sortedKeys(Map<?, ?> m) {
    List<String> keys = new ArrayList<>(m.size());
    m.keySet().forEach(k -> keys.add(String.valueOf(k)));
    keys.sort(null);
    return keys;
  }

  private static int rank(Object v) {
    return switch (v) {
      case null -> 10;
      case Number n -> 0;
      case String s -> 1;
      case Boolean b -> 2;
      case NodeRef n -> 3;
      case RelRef r -> 4;
      case List<?> l -> 5;
      case float[] f -> 6;
      case Map<?, ?> m -> 7;
      default -> 8;
    };
  }

  /**
   * The value as returned to the caller: nodes become Events, relationships Edges; null for a node forgotten while
   * the statement ran, or a relationship one of whose ends was (as the engine returns null for a node whose text
   * went with a forget).
   */
  static Object toResult(Object v, TraceGraph g) {
    return toResult(v, g, 0, Integer.MAX_VALUE);
  }

  /**
   * {@link #toResult} of a returned value.
   *
   * @throws IllegalArgumentException if lists and maps nest deeper than {@link #MAX_PARAMETER_DEPTH}, as a
   *     parameter may not
   */
  static Object returned(Object v, TraceGraph g) {
    return toResult(v, g, 0, MAX_PARAMETER_DEPTH);
  }

  private static Object toResult(Object v, TraceGraph g, int depth, int maxDepth) {
    if (depth > maxDepth) {
      throw new IllegalArgumentException("lists and maps nested more than " + maxDepth + " levels deep");
    }
    return switch (v) {
      case null -> null;
      case NodeRef n -> g.liveEvent(n.slot()); // whole, or null once forgotten (while the statement ran)
      case RelRef r -> {
        String type = g.string(r.type());
        // null once an end is forgotten, as that end is (and a removed link's type may be freed)
        yield type == null || !g.isLive(r.from()) || !g.isLive(r.to()) ? null
            : new dev.aeon.query.trace.Edge(type, g.id(r.from()), g.id(r.to()), r.validFrom(), r.validTo());
      }
      case List<?> l -> {
        List<Object> out = new ArrayList<>(l.size());
        for (Object o : l) {
          out.add(toResult(o, g, depth + 1, maxDepth));
        }
        yield java.util.Collections.unmodifiableList(out);
      }
      case Map<?, ?> m -> {
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((k, x) -> out.put((String) k, toResult(x, g, depth + 1, maxDepth)));
        yield java.util.Collections.unmodifiableMap(out);
      }
      default -> v;
    };
  }

  /** A short human rendering of a result value. */
  /** The most characters of a value an error message shows. */
  static final int MESSAGE_VALUE_CHARS = 200;

  /**
   * A value a statement got where it needed another, for its error message: the beginning only. Written out whole, a
   * list of five million numbers made a message of 40 MB, and a list holding one list twice, nested 40 deep, took
   * hours; this stops once it has {@link #MESSAGE_VALUE_CHARS} characters. Written as the language writes it: a
   * string quoted (a LIMIT given the string '3' got {@code '3'}, not {@code 3}, which reads as the integer it asks
   * for), a map as {@code {k: v}}.
   */
  static String displayInMessage(Object v) {
    StringBuilder out = new StringBuilder();
    append(out, v, MESSAGE_VALUE_CHARS, true);
    return out.length() <= MESSAGE_VALUE_CHARS ? out.toString() : out.substring(0, MESSAGE_VALUE_CHARS) + "...";
  }

  static String display(Object v) {
    StringBuilder out = new StringBuilder();
    append(out, v, Integer.MAX_VALUE, false);
    return out.toString();
  }

  /**
   * Writes {@code v} out, a list's or a map's elements only while {@code out} holds at most {@code limit}
   * characters. A map's values as a list's elements: Map.toString would print a vector as the array's identity
   * ([F@1b6d3586, different on every run) and a node as the Event record with all its fields. {@code asLiteral}
   * writes strings and maps as the language's literals do, for a message.
   */
  private static void append(StringBuilder out, Object v, int limit, boolean asLiteral) {
    switch (v) {
      case List<?> l -> {
        out.append('[');
        for (int i = 0; i < l.size() && out.length() <= limit; i++) {
          out.append(i == 0 ? "" : ", ");
          append(out, l.get(i), limit, asLiteral);
        }
        out.append(']');
      }
      case Map<?, ?> m -> {
        out.append('{');
        var entries = m.entrySet().iterator();
        for (int i = 0; entries.hasNext() && out.length() <= limit; i++) {
          Map.Entry<?, ?> e = entries.next();
          out.append(i == 0 ? "" : ", ").append(e.getKey()).append(asLiteral ? ": " : "=");
          append(out, e.getValue(), limit, asLiteral);
        }
        out.append('}');
      }
      case null -> out.append("null");
      case float[] f -> out.append("vector(").append(f.length).append(')');
      case dev.aeon.query.trace.Event e ->
          out.append('(').append(e.id()).append(':').append(e.role()).append(' ').append(e.session()).append(" @")
              .append(e.tsMicros()).append(')');
      case dev.aeon.query.trace.Edge e ->
          out.append('[').append(e.from()).append('-').append(e.type()).append("->").append(e.to()).append(']');
      case String t when asLiteral -> { // no more of a long one than the message keeps
        String shown = t.length() > limit ? t.substring(0, limit) : t;
        out.append('\'').append(shown.replace("\\", "\\\\").replace("'", "\\'")).append('\'');
      }
      default -> out.append(v); // a string as it is, a number or boolean as Java writes it
    }
  }
}
